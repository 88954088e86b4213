/* SPDX-License-Identifier: MIT */
/*
 * xalloc.h - allocation that never returns NULL: out of memory aborts
 * (git's xmalloc). Size caps are not OOM: callers check them and return
 * GATE_E_LIMIT.
 */
#ifndef GATE_XALLOC_H
#define GATE_XALLOC_H

#include "gate/compat.h"

void *gate_xmalloc(size_t n);
void *gate_xcalloc(size_t nmemb, size_t size);
void *gate_xrealloc(void *p, size_t n);
/* Grow *p (holding *cap elements of size elem) to hold at least need; a NULL *p is allocated. */
void gate_xgrow(void **p, size_t *cap, size_t need, size_t elem);
char *gate_xstrdup(const char *s);
char *gate_xstrndup(const char *s, size_t n);
/* malloc'd printf; the caller frees */
char *gate_xasprintf(const char *fmt, ...) GATE_PRINTF(1, 2);

/*
 * Afterwards arr holds at least need elements and is never NULL (which
 * static analysis cannot tell from cap alone). need is evaluated twice;
 * the common case (room left) costs no call.
 */
#define GATE_GROW(arr, cap, need) \
 ((need) > (cap) || !(arr) ? gate_xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr))) : (void)0)

#endif
