rules --report json=tests/out/rules.json
