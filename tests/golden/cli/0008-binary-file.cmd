lint --format json tests/golden/cli/data/binary.sql
