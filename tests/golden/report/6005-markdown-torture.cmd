lint --format markdown tests/golden/report/data/torture/migrations
