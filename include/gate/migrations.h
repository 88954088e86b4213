/* SPDX-License-Identifier: MIT */
/*
 * migrations.h - migration directory discovery exactly as Prisma does it
 * (docs/internals/prisma-migrate.md, "Discovery and order"): the immediate real subdirectories of
 * the migrations directory (symlinks skipped, hidden ones included), only migration.sql read from
 * each, ordered as Node's localeCompare orders them (ICU root collation for ASCII, not byte order).
 */
#ifndef GATE_MIGRATIONS_H
#define GATE_MIGRATIONS_H

#include "gate/compat.h"
#include "gate/err.h"

struct gate_migration_dir {
    char *name;     /* directory name = migration name */
    char *dir;      /* path of the directory */
    char *sql_path; /* dir/migration.sql */
    bool has_sql;   /* migration.sql exists and is a regular file */
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

#endif
