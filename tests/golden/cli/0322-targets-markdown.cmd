targets -p tests/golden/cli/data/targets.yml --format markdown
