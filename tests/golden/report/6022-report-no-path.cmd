lint --report json tests/golden/report/data/ok.sql
