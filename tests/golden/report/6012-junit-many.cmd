lint --format junit tests/golden/report/data/many.sql
