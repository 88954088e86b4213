lint --format json tests/golden/cli/data/empty.sql
