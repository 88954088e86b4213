rules --format junit
