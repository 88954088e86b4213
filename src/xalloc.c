/* SPDX-License-Identifier: MIT */
/*
 * xalloc.c - malloc wrappers that abort on out-of-memory.
 */
#include "gate/compat.h"
#include "gate/xalloc.h"
#include "gate/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *oom(void)
{
    GATE_BUG("out of memory");
}

void *gate_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        return oom();
    return p;
}

void *gate_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

    if (!p)
        return oom();
    return p;
}

void *gate_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        return oom();
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
