lint tests/golden/cli/data/control-chars.sql
