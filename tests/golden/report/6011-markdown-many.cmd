lint --format markdown tests/golden/report/data/many.sql
