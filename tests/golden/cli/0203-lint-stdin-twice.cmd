lint - -
