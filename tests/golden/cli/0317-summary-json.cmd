summary --format json tests/golden/cli/data/summary/eu.json tests/golden/cli/data/summary/lint.json
