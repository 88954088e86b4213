init --force -p tests/golden/policy/data
