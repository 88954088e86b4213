lint --format sarif tests/golden/report/data/missing.sql
