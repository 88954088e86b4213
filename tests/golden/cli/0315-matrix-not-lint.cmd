lint --format github-matrix
