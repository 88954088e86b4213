lint --format json tests/golden/cli/data/does-not-exist.sql
