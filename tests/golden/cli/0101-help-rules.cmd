help rules
