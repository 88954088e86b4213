summary tests/golden/cli/data/summary/eu.json tests/golden/cli/data/summary/us.json tests/golden/cli/data/summary/odd-name.json tests/golden/cli/data/summary/lint.json
