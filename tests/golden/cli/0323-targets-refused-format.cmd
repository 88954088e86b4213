targets -p tests/golden/cli/data/targets.yml --format sarif
