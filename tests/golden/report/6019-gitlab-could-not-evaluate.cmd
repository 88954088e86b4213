lint --format gitlab tests/golden/report/data/missing.sql
