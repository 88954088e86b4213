/* SPDX-License-Identifier: MIT */
/*
 * fuzz_url.c - libFuzzer harness for database URLs with passwords:
 * gate_db_url_parse() (db.h) and gate_secret_mask() (secrets.h), which
 * stand between a password and every message, report and log line.
 *
 * The input is cut at its first two NUL bytes into a user A, a password
 * B and the rest C, and the harness builds
 *
 *   postgresql://A:QZJ<B1>QZJ<B2>QZJ@C     (B1, B2: B's two halves)
 *
 * so that the password is marked where it starts, in its middle and
 * where it ends. Everything between "://" and the last '@' of the
 * authority is secret, whatever it holds, so A may not hold '@', '/',
 * '?' or '#' (it would end the authority before the password), B may not
 * hold '@' (an '@' before a '/' in B would end the userinfo inside it),
 * and no part may hold 'Q' (the marker must only come from the password).
 * The first byte's low bit picks "postgres://" instead.
 *
 * Aborts when "QZJ" appears in the parse error, in any parsed field other
 * than the password itself (host, database, user, schema, parameter names
 * and values other than password's, ignored names), or in the masked
 * text (when A and B hold no blank: in free text an unquoted URL ends at
 * one); or when a parsed URL has no password or a masked text is not
 * NUL-terminated within its buffer.
 */
#include "gate/compat.h"
#include "gate/db.h"
#include "gate/err.h"
#include "gate/secrets.h"

#include "fuzz.h"

#include <string.h>

#define MARK   "QZJ"
#define BLANKS " \t\n\r\v\f"

static void no_mark(const char *what, const char *s)
{
    if (s && strstr(s, MARK))
        fuzz_fail("the password shows in %s: %s", what, s);
}

static bool has_any(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++) {
        if (strchr(set, s[i]))
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *)data + 1;
    const char *a, *b, *c, *z1, *z2;
    size_t n, na, nb, nc, len;
    struct gate_db_url u;
    struct gate_err err = {0};
    char masked[1024];
    char *url;

    if (size < 3 || size > 600)
        return 0;
    n = size - 1;
    z1 = memchr(d, '\0', n);
    if (!z1)
        return 0;
    z2 = memchr(z1 + 1, '\0', n - (size_t)(z1 + 1 - d));
    if (!z2)
        return 0;
    a = d;
    na = (size_t)(z1 - d);
    b = z1 + 1;
    nb = (size_t)(z2 - b);
    c = z2 + 1;
    nc = n - (size_t)(c - d);
    if (memchr(c, '\0', nc) || has_any(a, na, "@/?#Q") || has_any(b, nb, "@Q") ||
        has_any(c, nc, "Q"))
        return 0;
    len = 32 + na + nb + nc + 3 * sizeof(MARK);
    url = malloc(len);
    if (!url)
        abort();
    (void)snprintf(url, len, "%s://%.*s:" MARK "%.*s" MARK "%.*s" MARK "@%.*s",
                   data[0] & 1 ? "postgres" : "postgresql", (int)na, a, (int)(nb / 2), b,
                   (int)(nb - nb / 2), b + nb / 2, (int)nc, c);

    memset(masked, 'x', sizeof(masked));
    gate_secret_mask(url, masked, sizeof(masked));
    if (!memchr(masked, '\0', sizeof(masked)))
        fuzz_fail("masked text not NUL-terminated");
    /* in free text an unquoted URL ends at a blank: a password with one is not masked whole */
    if (!has_any(a, na, BLANKS) && !has_any(b, nb, BLANKS))
        no_mark("the masked text", masked);

    if (gate_db_url_parse(url, &u, &err) != GATE_OK) {
        no_mark("the parse error", err.msg);
    } else {
        if (!u.password)
            fuzz_fail("parsed without a password: %s", url);
        no_mark("the host", u.host);
        no_mark("the database", u.database);
        no_mark("the user", u.user);
        no_mark("the schema", u.schema);
        for (size_t i = 0; i + 1 < 2 * u.nparams; i += 2) {
            no_mark("a parameter name", u.params[i]);
            if (strcmp(u.params[i], "password"))
                no_mark("a parameter value", u.params[i + 1]);
        }
        for (size_t i = 0; i < u.nignored; i++)
            no_mark("an ignored parameter", u.ignored[i]);
        gate_db_url_release(&u);
    }
    free(url);
    return 0;
}
