lint --no-color tests/golden/cli/data/history/migrations
