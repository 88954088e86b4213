lint --report xml=x.xml tests/golden/report/data/ok.sql
