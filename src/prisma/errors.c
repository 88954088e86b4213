/* SPDX-License-Identifier: MIT */
/*
 * prisma/errors.c - the Prisma error codes the gate knows, their meaning
 * and the gate's guidance (prisma_errors.h), and how they are recognised
 * in Prisma's output and in libpq's connection errors.
 */
#include "gate/compat.h"
#include "gate/prisma_errors.h"

#include <stdio.h>
#include <string.h>

/*
 * Order matters for gate_prisma_error_in_output: an output naming two
 * codes (a P3018 followed by Prisma's P3009 hint) is the first one here.
 */
static const struct gate_prisma_error table[] = {
    {"P3009", "failed migration", "a failed migration blocks every deploy",
     "undo what it changed, then `prisma migrate resolve --rolled-back NAME` (or `--applied "
     "NAME` if it was finished by hand) and deploy again",
     false},
    {"P3005", "schema not empty",
     "the database schema is not empty and has no _prisma_migrations: it must be baselined "
     "(https://pris.ly/d/migrate-baseline)",
     "mark each migration the database already has with `prisma migrate resolve --applied "
     "NAME`, oldest first (the SQL is not run), then deploy again",
     true},
    {"P3019", "provider mismatch", "migration_lock.toml names another provider than the schema's",
     "restore provider = \"postgresql\" (migrations are not portable between providers)", true},
    {"P3018", "migration failed to apply", "a migration failed to apply",
     NULL, /* the steps name the migration: deploy.c, the checklist */
     false},
    {"P1002", "advisory lock timeout",
     "another `prisma migrate` held Prisma's advisory lock (72707369) on the database for more "
     "than 10 s; nothing was applied",
     "find it (SELECT pid, query FROM pg_stat_activity WHERE query LIKE '%pg_advisory_lock%'), "
     "let it finish, then deploy again",
     true},
    {"P1001", "cannot reach the database server", "cannot reach the database server",
     "check the URL, the network and the credentials", false},
    {"P1000", "authentication failed", "authentication failed",
     "check the URL, the network and the credentials", false},
    {"P1003", "database does not exist", "database does not exist",
     "check the URL, the network and the credentials", false},
    {"P3015", "migration file missing", "a migration folder has no migration.sql",
     "restore it from version control", false},
    {"P1017", "server closed the connection", "the server closed the connection",
     "check the server's log, then deploy again", false},
    {"P3006", "shadow database", "a migration failed to apply cleanly to the shadow database",
     "fix the migration so that it applies to an empty database", false},
    {"P3014", "shadow database not created", "Prisma could not create the shadow database",
     "give the database user the right to create databases, or configure a shadow database "
     "URL",
     false},
};

const struct gate_prisma_error *gate_prisma_errors(size_t *n)
{
    *n = GATE_ARRAY_SIZE(table);
    return table;
}

const struct gate_prisma_error *gate_prisma_error(const char *code)
{
    for (size_t i = 0; code && i < GATE_ARRAY_SIZE(table); i++) {
        if (!strcmp(table[i].code, code))
            return &table[i];
    }
    return NULL;
}

const struct gate_prisma_error *gate_prisma_error_in_output(const char *output)
{
    for (size_t i = 0; output && i < GATE_ARRAY_SIZE(table); i++) {
        char at[16];

        (void)snprintf(at, sizeof(at), "Error: %s", table[i].code);
        if (strstr(output, at))
            return &table[i];
    }
    return NULL;
}

/*
 * libpq's messages for the failures Prisma reports as P1000, P1003 and
 * P1001, checked in this order; a '*' matches anything (the database's
 * name).
 */
static const struct {
    const char *code;
    const char *text;
} libpq_texts[] = {
    {"P1000", "password authentication failed"},
    {"P1000", "no password supplied"},
    {"P1000", "authentication failed"},
    {"P1003", "database \"*\" does not exist"},
    {"P1001", "Connection refused"},
    {"P1001", "timeout expired"},
    {"P1001", "could not translate host name"},
    {"P1001", "No route to host"},
    {"P1001", "Network is unreachable"},
    {"P1001", "No such file or directory"},
};

/* pattern's parts (split at '*') occur in s in order. */
static bool matches(const char *s, const char *pattern)
{
    char part[64];

    while (*pattern) {
        const char *star = strchr(pattern, '*');
        size_t n = star ? (size_t)(star - pattern) : strlen(pattern);
        const char *at;

        if (n >= sizeof(part))
            return false;
        memcpy(part, pattern, n);
        part[n] = '\0';
        at = strstr(s, part);
        if (!at)
            return false;
        s = at + n;
        pattern += n;
        if (*pattern == '*')
            pattern++;
    }
    return true;
}

const struct gate_prisma_error *gate_prisma_error_of_libpq(const char *message)
{
    for (size_t i = 0; message && i < GATE_ARRAY_SIZE(libpq_texts); i++) {
        if (matches(message, libpq_texts[i].text))
            return gate_prisma_error(libpq_texts[i].code);
    }
    return NULL;
}
