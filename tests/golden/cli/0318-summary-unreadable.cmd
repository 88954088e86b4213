summary tests/golden/cli/data/summary/eu.json tests/golden/cli/data/summary/not-a-report.json tests/golden/cli/data/summary/missing.json
