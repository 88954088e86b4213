lint --format junit tests/golden/report/data/torture/migrations
