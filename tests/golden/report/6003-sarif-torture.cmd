lint --format sarif tests/golden/report/data/torture/migrations
