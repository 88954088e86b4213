/* SPDX-License-Identifier: MIT */
/*
 * suggest.h - "did you mean" for mistyped names (rules, policy keys).
 */
#ifndef GATE_SUGGEST_H
#define GATE_SUGGEST_H

#include "gate/compat.h"

/* Edit distance between a and b (Damerau: a swap counts as one). */
size_t gate_edit_distance(const char *a, const char *b);
/*
 * The candidate closest to word when it is close enough to be a typo
 * (distance at most a third of the word's length, at least 1), else NULL.
 * candidates[0..n); returns a borrowed candidate.
 */
const char *gate_suggest(const char *word, const char *const *candidates, size_t n);

#endif
