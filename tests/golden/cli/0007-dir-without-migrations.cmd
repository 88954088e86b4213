lint tests/golden/cli/data/empty-dir
