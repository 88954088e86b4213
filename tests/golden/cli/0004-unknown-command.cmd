lnt
