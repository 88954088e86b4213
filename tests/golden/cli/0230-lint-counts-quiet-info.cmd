lint --no-color tests/golden/cli/data/info.sql
