lint tests/golden/cli/data/bom.sql
