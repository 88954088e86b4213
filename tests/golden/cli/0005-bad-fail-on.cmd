lint --fail-on hihg tests/golden/cli/data/empty.sql
