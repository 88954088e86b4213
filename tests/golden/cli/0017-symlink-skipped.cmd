lint --format json tests/golden/cli/data/migs-symlink
