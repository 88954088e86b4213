lint --format github tests/golden/report/data/many.sql
