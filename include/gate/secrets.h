/* SPDX-License-Identifier: MIT */
/*
 * secrets.h - finding database URLs that carry a password in text, and
 * masking them. Used by the committed-secrets check; nothing here ever
 * returns or prints the secret itself.
 *
 * A database URL is SCHEME + "://" + user:password@host... with a scheme of a
 * database Prisma or its users connect to (postgres, postgresql, mysql,
 * mariadb, sqlserver, mongodb, mongodb+srv, redis, rediss, cockroachdb),
 * or a password=/api_key= query parameter on such a URL (or on a
 * prisma:// / prisma+postgres:// Accelerate URL). These are not counted
 * as secrets, so that example and local-development files stay quiet:
 *  - a password that is a placeholder or an interpolation: ${VAR}, $VAR,
 *    %VAR%, {{ var }}, <password>, ****, xxx, or one of the well-known
 *    example/default words (password, secret, changeme, postgres, root,
 *    admin, test, prisma, ...);
 *  - a URL whose host is the local machine (localhost, 127.x, ::1).
 *
 * The URL is read the way libpq and Prisma accept it, not cut at the
 * first punctuation: a quoted URL ends at its closing quote, an unquoted
 * one (a .env value, a YAML plain scalar, a shell word) at the next blank;
 * its userinfo ends at the last '@' of its authority, or, when the
 * authority (up to the first '/', '?' or '#') holds no '@', at the last
 * '@' of the URL: a password may hold ';', ',', ')', '\'', '}' and even an
 * unencoded '/', '?' or '#'.
 */
#ifndef GATE_SECRETS_H
#define GATE_SECRETS_H

#include "gate/compat.h"

struct gate_secret_hit {
    size_t offset;    /* where the URL starts in the line */
    char masked[256]; /* the URL with the secret replaced by ****, shortened when long */
};

/*
 * Find the first secret-carrying database URL in line[0..len) at or
 * after *pos. Returns true and fills hit (and advances *pos past the URL)
 * when one is found.
 */
bool gate_secret_scan(const char *line, size_t len, size_t *pos, struct gate_secret_hit *hit);

/*
 * Copy text into out (size bytes, always NUL-terminated), with the
 * password of every URL (any scheme, whatever its host) replaced by ****.
 */
void gate_secret_mask(const char *text, char *out, size_t size);

/*
 * The last '@' of url after its "://" (NULL when none): everything between
 * "://" and it is secret, whatever it holds. A parser that stops at the
 * first '/', '?' or '#' (as a URL parser does) cuts a password holding
 * one of them in two and would show the first half as a host or port.
 */
const char *gate_url_last_at(const char *url);

/*
 * Percent-decode s[0..n) into a new string the caller frees: a malformed
 * escape is kept as written (as Rust's percent_decode and libpq do); with
 * form, '+' means a space (a query's key=value pairs).
 */
char *gate_url_decode(const char *s, size_t n, bool form);

/*
 * The secret parts of a SCHEME://... URL, each passed to add() (a
 * NUL-terminated string, valid during the call; never empty): the
 * userinfo up to the last '@' of the URL and its password (after the
 * first ':'), as written and percent-decoded; and the same up to the last
 * '@' before the first '/', '?' or '#' when that is another '@' (the
 * split a strict URL parser makes). Nothing when the URL has no '@', or
 * when the userinfo holds no ':' (a user name alone: messages name it).
 */
void gate_url_secret_parts(const char *url, void (*add)(void *ctx, const char *part), void *ctx);

#endif
