lint --report junit:out.xml tests/golden/report/data/ok.sql
