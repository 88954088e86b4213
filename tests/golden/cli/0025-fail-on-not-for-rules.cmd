rules --fail-on low
