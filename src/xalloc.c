/* SPDX-License-Identifier: MIT */
/*
 * xalloc.c - malloc wrappers that abort on out-of-memory. A block of 4 MiB
 * or more is marked for transparent huge pages (madvise MADV_HUGEPAGE,
 * Linux): a 400,000-statement file's statement array, hash maps and arena
 * chunks then take one page fault per 2 MiB instead of one per 4 KiB.
 */
#include "gate/compat.h"
#include "gate/xalloc.h"
#include "gate/err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
# include <sys/mman.h>
#endif

#define HUGE_MIN  ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void *oom(void)
{
    GATE_BUG("out of memory");
}

/* Advise huge pages for the whole 2 MiB pages inside p[0..n); a hint, errors ignored. */
static void advise_huge(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);

    if (n >= HUGE_MIN && b > a)
        (void)madvise((void *)a, (size_t)(b - a), MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

void *gate_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        return oom();
    if (n >= HUGE_MIN)
        advise_huge(p, n);
    return p;
}

void *gate_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

    if (!p)
        return oom();
    if (size && nmemb >= HUGE_MIN / size)
        advise_huge(p, nmemb * size);
    return p;
}

void *gate_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        return oom();
    if (n >= HUGE_MIN)
        advise_huge(q, n);
    return q;
}

void gate_xgrow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;

    if (need <= *cap && *p)
        return;
    if (!*p)
        *cap = 0; /* nothing allocated yet: GATE_GROW leaves no array NULL */
    ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            oom();
        ncap *= 2;
    }
    *p = gate_xrealloc(*p, ncap * elem);
    memset((char *)*p + *cap * elem, 0, (ncap - *cap) * elem);
    *cap = ncap;
}

char *gate_xstrdup(const char *s)
{
    return gate_xstrndup(s, strlen(s));
}

char *gate_xstrndup(const char *s, size_t n)
{
    char *p = gate_xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gate_xasprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        GATE_BUG("vsnprintf failed");
    p = gate_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    (void)vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
