lint --format junit tests/golden/report/data/dup/a/x.sql tests/golden/report/data/dup/b/x.sql
