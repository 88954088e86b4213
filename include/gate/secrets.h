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
 * password of every database URL (whatever its host) replaced by ****.
 */
void gate_secret_mask(const char *text, char *out, size_t size);

#endif
