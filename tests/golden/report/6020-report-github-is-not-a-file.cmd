lint --report github=x tests/golden/report/data/ok.sql
