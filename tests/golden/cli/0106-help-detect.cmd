help detect
