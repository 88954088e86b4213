deploy --help
