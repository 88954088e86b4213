targets -p tests/golden/cli/data/targets-bad.yml
