lint --format github tests/golden/report/data/torture/migrations
