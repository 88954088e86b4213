lint --fail-on medium tests/golden/cli/data/mixed.sql
