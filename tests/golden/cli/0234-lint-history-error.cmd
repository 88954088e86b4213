lint --no-color tests/golden/cli/data/migs-nosql
