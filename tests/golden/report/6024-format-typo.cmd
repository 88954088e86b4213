lint --format sarfi tests/golden/report/data/ok.sql
