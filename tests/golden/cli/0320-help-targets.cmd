help targets
