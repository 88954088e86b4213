lint --format junit tests/golden/report/data/missing.sql tests/golden/report/data/ok.sql
