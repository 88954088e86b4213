/* SPDX-License-Identifier: MIT */
/*
 * secrets.c - database URLs with passwords: find and mask them.
 */
#include "gate/compat.h"
#include "gate/secrets.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* longest first: "prisma+postgres" before "postgres" */
static const char *const schemes[] = {
    "prisma+postgres", "mongodb+srv", "cockroachdb", "postgresql", "sqlserver", "postgres",
    "mariadb",         "mongodb",     "prisma",      "rediss",     "mysql",     "redis",
};

/* The scheme that ends right before "://" at p (line[0..p)); its length or 0. */
static size_t scheme_before(const char *line, size_t p)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(schemes); i++) {
        size_t n = strlen(schemes[i]);

        if (p >= n && !strncasecmp(line + p - n, schemes[i], n) &&
            (p == n || (!isalnum((unsigned char)line[p - n - 1]) && line[p - n - 1] != '+')))
            return n;
    }
    return 0;
}

static const char *const defaults[] = {
    "password",   "passwd",       "pass",           "pw",
    "pwd",        "secret",       "changeme",       "change_me",
    "change-me",  "yourpassword", "your_password",  "your-password",
    "mypassword", "my_password",  "example",        "placeholder",
    "dbpass",     "db_password",  "postgres",       "postgresql",
    "root",       "admin",        "test",           "testing",
    "prisma",     "mysql",        "user",           "dev",
    "local",      "johndoe",      "randompassword", "mysecretpassword",
};

/* The password (p[0..n)) is a placeholder or an interpolation, not a secret. */
static bool placeholder(const char *p, size_t n)
{
    bool all_same = true;

    if (!n)
        return true;
    if (p[0] == '$' || p[0] == '%' || p[0] == '<' || p[0] == '[' || p[0] == '{' ||
        (n >= 2 && p[0] == '{' && p[1] == '{'))
        return true;
    for (size_t i = 1; i < n; i++) {
        if (tolower((unsigned char)p[i]) != tolower((unsigned char)p[0]))
            all_same = false;
    }
    if (all_same && (p[0] == '*' || p[0] == 'x' || p[0] == 'X' || p[0] == '.' || n == 1))
        return true;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(defaults); i++) {
        if (strlen(defaults[i]) == n && !strncasecmp(p, defaults[i], n))
            return true;
    }
    return false;
}

static bool local_host(const char *h, size_t n)
{
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    return (n == 9 && !strncasecmp(h, "localhost", 9)) || (n == 3 && !memcmp(h, "::1", 3)) ||
           (n >= 4 && !memcmp(h, "127.", 4));
}

struct url_parts {
    size_t start, end;       /* the whole URL */
    size_t pw_start, pw_end; /* the password in userinfo (pw_end == pw_start: none) */
    size_t host_start, host_end;
    size_t q_start, q_end; /* a password=/api_key= query value (q_end == q_start: none) */
};

/* What may follow an unquoted URL in text without being part of it. */
static bool trailing_punct(char c)
{
    return c && strchr("\"'`)]}>,;.", c);
}

/*
 * Parse the URL whose "://" is at sep, the way libpq and Prisma accept
 * it (secrets.h): a quoted URL ends at its closing quote, an unquoted one
 * at the next blank; the userinfo ends at the authority's last '@', or,
 * when the authority holds none, at the URL's last '@'.
 */
static void parse_url(const char *s, size_t len, size_t scheme_start, size_t sep,
                      struct url_parts *u)
{
    size_t a = sep + 3, e = a, at = 0, auth_end, strict_end;
    char quote = '\0';
    bool has_at = false;

    if (scheme_start > 0)
        quote = s[scheme_start - 1];
    memset(u, 0, sizeof(*u));
    u->start = scheme_start;
    if (quote == '"' || quote == '\'' || quote == '`') {
        while (e < len && s[e] != quote && s[e] != '\n')
            e++;
    } else {
        while (e < len && s[e] && !isspace((unsigned char)s[e]))
            e++;
    }
    strict_end = a;
    while (strict_end < e && s[strict_end] != '/' && s[strict_end] != '?' && s[strict_end] != '#')
        strict_end++;
    for (size_t i = a; i < strict_end; i++) {
        if (s[i] == '@') {
            at = i;
            has_at = true;
        }
    }
    for (size_t i = strict_end; !has_at && i < e; i++) {
        if (s[i] == '@')
            at = i; /* the last one: a password with an unencoded '/', '?' or '#' */
    }
    has_at = has_at || at > 0;
    if (quote != '"' && quote != '\'' && quote != '`') {
        /* "(postgresql://...)," in prose: punctuation after the host part is not the URL's */
        while (e > (has_at ? at + 1 : a) && trailing_punct(s[e - 1]))
            e--;
    }
    u->end = e;
    auth_end = has_at ? at + 1 : a;
    while (auth_end < e && s[auth_end] != '/' && s[auth_end] != '?' && s[auth_end] != '#')
        auth_end++;
    u->host_start = has_at ? at + 1 : a;
    u->host_end = u->host_start;
    while (u->host_end < auth_end && s[u->host_end] != ':' && s[u->host_end] != ',') {
        if (s[u->host_end] == '[') {
            while (u->host_end < auth_end && s[u->host_end] != ']')
                u->host_end++;
        }
        if (u->host_end < auth_end)
            u->host_end++;
    }
    u->pw_start = u->pw_end = a;
    if (has_at) {
        const char *colon = memchr(s + a, ':', at - a);

        if (colon) {
            u->pw_start = (size_t)(colon - s) + 1;
            u->pw_end = at;
        }
    }
    u->q_start = u->q_end = e;
    for (size_t i = auth_end; i < e; i++) {
        static const char *const keys[] = {"password=", "api_key=", "sslpassword="};

        if (s[i] != '?' && s[i] != '&')
            continue;
        for (size_t k = 0; k < GATE_ARRAY_SIZE(keys); k++) {
            size_t kl = strlen(keys[k]);

            if (i + 1 + kl <= e && !strncasecmp(s + i + 1, keys[k], kl)) {
                size_t v = i + 1 + kl, ve = v;

                while (ve < e && s[ve] != '&' && s[ve] != '#')
                    ve++;
                u->q_start = v;
                u->q_end = ve;
                return;
            }
        }
    }
}

/* Write the URL with its secrets masked into out. */
static void masked_copy(const char *s, const struct url_parts *u, char *out, size_t size)
{
    size_t o = 0;

    for (size_t i = u->start; i < u->end && o + 5 < size;) {
        if (u->pw_end > u->pw_start && i == u->pw_start) {
            memcpy(out + o, "****", 4);
            o += 4;
            i = u->pw_end;
            continue;
        }
        if (u->q_end > u->q_start && i == u->q_start) {
            memcpy(out + o, "****", 4);
            o += 4;
            i = u->q_end;
            continue;
        }
        out[o++] = s[i++];
    }
    if (o + 5 >= size && size > 4) {
        /* shortened: never cut inside the mask */
        o = size - 4;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o < size ? o : size - 1] = '\0';
}

bool gate_secret_scan(const char *line, size_t len, size_t *pos, struct gate_secret_hit *hit)
{
    for (size_t i = *pos; i + 3 <= len; i++) {
        size_t sl;
        struct url_parts u;
        bool secret = false;

        if (line[i] != ':' || line[i + 1] != '/' || line[i + 2] != '/')
            continue;
        sl = scheme_before(line, i);
        if (!sl)
            continue;
        parse_url(line, len, i - sl, i, &u);
        if (u.pw_end > u.pw_start && !placeholder(line + u.pw_start, u.pw_end - u.pw_start))
            secret = true;
        if (u.q_end > u.q_start && !placeholder(line + u.q_start, u.q_end - u.q_start))
            secret = true;
        if (secret && local_host(line + u.host_start, u.host_end - u.host_start))
            secret = false;
        if (!secret) {
            i = u.end > i ? u.end - 1 : i;
            continue;
        }
        hit->offset = u.start;
        masked_copy(line, &u, hit->masked, sizeof(hit->masked));
        *pos = u.end;
        return true;
    }
    *pos = len;
    return false;
}

/* Any URL scheme (a letter, then letters, digits, '+', '-', '.') ending at p; its length or 0. */
static size_t any_scheme_before(const char *text, size_t p)
{
    size_t n = 0;

    while (n < p && (isalnum((unsigned char)text[p - n - 1]) || text[p - n - 1] == '+' ||
                     text[p - n - 1] == '-' || text[p - n - 1] == '.'))
        n++;
    while (n && !isalpha((unsigned char)text[p - n]))
        n--;
    return n;
}

void gate_secret_mask(const char *text, char *out, size_t size)
{
    size_t len = strlen(text), o = 0, i = 0;

    if (!size)
        return;
    while (i < len && o + 1 < size) {
        size_t sl = 0;

        if (i + 3 <= len && text[i] == ':' && text[i + 1] == '/' && text[i + 2] == '/')
            sl = any_scheme_before(text, i);
        if (sl) {
            struct url_parts u;
            char buf[1024] = "";
            size_t bl, from;

            parse_url(text, len, i - sl, i, &u);
            /* the scheme was already copied: mask from "://" on */
            masked_copy(text, &u, buf, sizeof(buf));
            from = sl;
            bl = strlen(buf);
            for (size_t k = from; k < bl && o + 1 < size; k++)
                out[o++] = buf[k];
            i = u.end;
            continue;
        }
        out[o++] = text[i++];
    }
    out[o] = '\0';
}

const char *gate_url_last_at(const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;

    return p ? strrchr(p + 3, '@') : NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *gate_url_decode(const char *s, size_t n, bool form)
{
    char *out = gate_xmalloc(n + 1);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
            continue;
        }
        if (form && c == '+')
            c = ' ';
        out[k++] = c;
    }
    out[k] = '\0';
    return out;
}

/*
 * s[0..n) and its password (after the first ':'), raw and percent-decoded,
 * to add(); nothing without a ':'.
 */
static void userinfo_parts(const char *s, size_t n, void (*add)(void *ctx, const char *part),
                           void *ctx)
{
    const char *colon = memchr(s, ':', n);
    const char *parts[2] = {s, colon ? colon + 1 : NULL};
    size_t lens[2] = {n, colon ? n - (size_t)(colon + 1 - s) : 0};

    if (!colon)
        return; /* a user name alone is no secret: messages name the user */
    for (size_t k = 0; k < 2; k++) {
        char *raw, *dec;

        if (!parts[k] || !lens[k])
            continue;
        raw = gate_xstrndup(parts[k], lens[k]);
        dec = gate_url_decode(raw, lens[k], false);
        add(ctx, raw);
        if (*dec && strcmp(dec, raw) != 0)
            add(ctx, dec);
        free(raw);
        free(dec);
    }
}

void gate_url_secret_parts(const char *url, void (*add)(void *ctx, const char *part), void *ctx)
{
    const char *p = url ? strstr(url, "://") : NULL;
    const char *auth, *last, *strict = NULL;
    size_t strict_end;

    if (!p)
        return;
    auth = p + 3;
    last = strrchr(auth, '@');
    if (!last)
        return;
    userinfo_parts(auth, (size_t)(last - auth), add, ctx);
    strict_end = strcspn(auth, "/?#");
    for (size_t i = 0; i < strict_end; i++) {
        if (auth[i] == '@')
            strict = auth + i;
    }
    if (strict && strict != last)
        userinfo_parts(auth, (size_t)(strict - auth), add, ctx);
}
