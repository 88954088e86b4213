lint --no-color tests/golden/cli/data/mixed.sql
