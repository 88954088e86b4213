lint --format gitlab tests/golden/report/data/torture/migrations
