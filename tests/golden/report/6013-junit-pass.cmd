lint --format junit tests/golden/report/data/ok.sql
