lint -v --no-color tests/golden/cli/data/info.sql
