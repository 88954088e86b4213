help health
