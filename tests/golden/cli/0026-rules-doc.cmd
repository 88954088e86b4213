rules --format markdown
