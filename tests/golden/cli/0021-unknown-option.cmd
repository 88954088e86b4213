lint --fial-on high
