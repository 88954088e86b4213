lint --format json tests/golden/report/data/torture/migrations
