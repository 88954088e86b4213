lint --format gitlab tests/golden/report/data/ok.sql
