lint --format sarif tests/golden/report/data/ok.sql
