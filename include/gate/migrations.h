/* SPDX-License-Identifier: MIT */
/*
 * migrations.h - migration directory discovery exactly as Prisma does it
 * (docs/internals/prisma-migrate.md, "Discovery and order"): the immediate real subdirectories of
 * the migrations directory (symlinks skipped, hidden ones included), only migration.sql read from
 * each, ordered as Node's localeCompare orders them (ICU root collation for ASCII, not byte order).
 * A migration.sql that is a symlink out of the repository is marked (sql_outside).
 *
 * On top of discovery, the one loader of local migrations (status, plan,
 * approve, deploy, drift): every migration.sql read and checksummed as
 * Prisma checksums it, and the one check of migration_lock.toml's
 * provider (docs/internals/prisma-migrate.md, "Loading local migrations").
 */
#ifndef GATE_MIGRATIONS_H
#define GATE_MIGRATIONS_H

#include "gate/compat.h"
#include "gate/err.h"
#include "gate/history.h"

struct gate_migration_dir {
    char *name;     /* directory name = migration name */
    char *dir;      /* path of the directory */
    char *sql_path; /* dir/migration.sql */
    bool has_sql;   /* migration.sql exists and is a regular file */
    /*
     * migration.sql is a symbolic link to a file outside the repository
     * (the nearest directory up from the migrations directory holding
     * .git; without one, the migrations directory): lint and check never
     * read it, since in a pull request its content is whatever the
     * machine holds there (a secret, a device), and report it instead.
     */
    bool sql_outside;
};

struct gate_migration_list {
    struct gate_migration_dir *items;
    size_t n;
    size_t cap;
    char **skipped; /* symlinks and other entries Prisma ignores (names) */
    size_t nskipped;
    size_t capskipped;
    bool has_lock; /* migration_lock.toml present */
};

/*
 * List dir's migrations in Prisma's order. Fails with GATE_E_IO when dir
 * cannot be read (Prisma would silently see no migrations; we say why).
 */
enum gate_code gate_migrations_list(const char *dir, struct gate_migration_list *out,
                                    struct gate_err *err);
void gate_migration_list_release(struct gate_migration_list *l);

/* Compare two names as Node's String.prototype.localeCompare (ICU root). */
int gate_migration_name_cmp(const char *a, const char *b);

/* ------------------------------------------------------------ lock file */

/* What dir/migration_lock.toml says, as Prisma reads it. */
enum gate_lock_state {
    GATE_LOCK_NO_DIR = 0, /* the migrations directory is not a directory: nothing checked */
    GATE_LOCK_MISSING,    /* no migration_lock.toml: Prisma skips its provider check */
    GATE_LOCK_UNREADABLE, /* there, but cannot be read: Prisma treats it as absent */
    GATE_LOCK_UNNAMED,    /* no line starts with "provider": P3019 */
    GATE_LOCK_MISMATCH,   /* names a provider other than the one wanted: P3019 */
    GATE_LOCK_OK,         /* names the provider wanted */
};

struct gate_lock_check {
    enum gate_lock_state state;
    char *path;     /* dir/migration_lock.toml (malloc'd); NULL for GATE_LOCK_NO_DIR */
    char *provider; /* what Prisma reads (gate_lock_provider; its GATE_LOCK_NO_PROVIDER
                       placeholder included), malloc'd; NULL when the file was not read */
    int line;       /* 1-based line of the first line starting with "provider", 0: none */
    char *error;    /* GATE_LOCK_UNREADABLE: why (malloc'd), else NULL */
};

/*
 * The one migration_lock.toml check: dir's lock file read exactly as
 * Prisma's read_provider_from_lock_file reads it (history.h) and
 * compared with want ("postgresql" for the gate's targets; the schema's
 * datasource provider for `check`). Never fails; out is zeroed first and
 * released with gate_lock_check_release.
 */
void gate_lock_check(const char *dir, const char *want, struct gate_lock_check *out);
void gate_lock_check_release(struct gate_lock_check *c);

/* True when Prisma refuses every migrate command over it (P3019): no provider, or another one. */
bool gate_lock_refused(const struct gate_lock_check *c);

/* ------------------------------------------------------------ the loader */

/*
 * A migrations directory loaded: discovered in Prisma's order, every
 * migration.sql read (up to GATE_MAX_SQL_FILE bytes) and checksummed
 * (the variants lazily, history.h), and migration_lock.toml checked
 * against "postgresql". Arrays are indexed like list.items.
 *
 * A migration that cannot be loaded does not stop the others: error[i]
 * says why (no migration.sql: "migration folder 'DIR' has no
 * migration.sql"; otherwise the read error) and code[i] is its
 * GATE_E_IO / GATE_E_LIMIT; Prisma fails on such a folder with P3015.
 * Callers decide whether that is fatal (plan: yes; status: reported
 * per migration).
 */
struct gate_local_migrations {
    const char *dir;                 /* as given, borrowed */
    bool missing;                    /* dir does not exist: no migrations, nothing read */
    struct gate_migration_list list; /* discovery, Prisma's order */
    size_t n;                        /* list.n */
    struct gate_hist_local *locals;  /* name (borrowed from list), readable, checksums */
    char **data;                     /* the files (malloc'd), NULL when not read */
    size_t *lens;
    char **error;                /* why migration i was not read (malloc'd), NULL when it was */
    enum gate_code *code;        /* GATE_OK when read */
    size_t nerrors;              /* migrations not read */
    struct gate_lock_check lock; /* migration_lock.toml against "postgresql" */
};

/*
 * Load dir into out (zeroed first). The lock file is checked first, in
 * any case. A missing dir is not an error (out->missing, no
 * migrations); a dir that cannot be listed fails with GATE_E_IO.
 * Release out with gate_local_migrations_release in any case.
 */
enum gate_code gate_local_migrations_load(const char *dir, struct gate_local_migrations *out,
                                          struct gate_err *err);
void gate_local_migrations_release(struct gate_local_migrations *m);

/* The index of the first migration not read, or -1 when every one was. */
long gate_local_migrations_first_error(const struct gate_local_migrations *m);

#endif
