help summary
