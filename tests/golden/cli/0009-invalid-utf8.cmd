lint tests/golden/cli/data/latin1.sql
