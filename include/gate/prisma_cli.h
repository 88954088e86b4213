/* SPDX-License-Identifier: MIT */
/*
 * prisma_cli.h - what `prisma migrate deploy` will use, worked out before
 * it runs, in one place for `plan` and `deploy`: the schema, the config
 * file, the migrations directory and the datasource's URL variables; and
 * the child's argv.
 *
 * How Prisma (6.19, 7) resolves them, and what the gate does:
 *
 *  schema      the gate always passes --schema with the schema it planned
 *              from (project.schema, default prisma/schema.prisma); a
 *              --schema already in project.prisma that names another file
 *              is a problem.
 *  config      --config FILE; else Prisma loads prisma.config.{js,ts,mjs,
 *              cjs,mts,cts} (or .config/prisma.*) from its working
 *              directory. The gate names the one Prisma will load: the
 *              policy's project.config (passed as --config), a --config in
 *              project.prisma, or the file found in the working directory.
 *  migrations  the config's `migrations.path` (relative to the config
 *              file's directory) when it sets one; else `migrations` in
 *              the directory of the schema file holding the datasource
 *              block (the schema folder itself when none does).
 *
 * The config file is read as text, not run: prisma_config.h says what the
 * reader understands. What it cannot read that may set the migrations
 * folder or the datasource is a problem (fail closed). A driver adapter
 * in it is noted with the variables the config reads, for deploy to check
 * the database URLs among them.
 *
 * Directories are compared by what they are (device and inode, following
 * symlinks), not by their text.
 */
#ifndef GATE_PRISMA_CLI_H
#define GATE_PRISMA_CLI_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/policy.h"

/* What Prisma will use. Strings live in the arena given to gate_prisma_resolve. */
struct gate_prisma_use {
    const char *schema;      /* the schema passed with --schema (file or folder) */
    const char *schema_from; /* "project.schema", "the default of project.schema" */
    bool schema_in_argv;     /* project.prisma already holds --schema with it */
    const char *config;      /* the config file Prisma loads; NULL: none */
    const char *config_from; /* where it comes from (one phrase) */
    bool config_in_argv;     /* project.prisma already holds --config */
    bool config_to_pass;     /* the gate adds --config config */
    const char *migrations;  /* the migrations directory Prisma will use; NULL: unknown */
    const char *migrations_from;
    const char *planned; /* the migrations directory the gate planned from */
    bool same;           /* migrations and planned are the same directory */

    /* the datasource block of the schema (NULL: not set) */
    const char *url_env;    /* url = env("X") */
    const char *direct_env; /* directUrl = env("X") */
    const char *shadow_env; /* shadowDatabaseUrl = env("X") */
    const char *url_lit;    /* url = "..." (a secret: never print it) */
    const char *direct_lit; /* directUrl = "..." (a secret) */
    const char *shadow_lit; /* shadowDatabaseUrl = "..." (a secret) */
    /* the config's datasource (Prisma 7): url / shadowDatabaseUrl */
    const char *cfg_url_env;    /* env("X") or process.env.X */
    const char *cfg_url_lit;    /* a literal (a secret) */
    const char *cfg_direct_env; /* datasource.directUrl (Prisma 6, engine 'classic') */
    const char *cfg_direct_lit;
    const char *cfg_shadow_env; /* env("X") or process.env.X */
    const char *cfg_shadow_lit; /* a literal (a secret) */

    /*
     * The config's driver adapter (Prisma 6, engine 'js'): Prisma Migrate
     * connects through it, wherever its code says. 0: none. The variables
     * the config's code reads, so that deploy can check the database URLs
     * among them; config_env_any: where it reads one it does not name
     * (then every database URL in the environment is checked), else NULL.
     */
    int adapter_line;
    const char **config_env_reads;
    size_t nconfig_env_reads;
    const char *config_env_any;
    const char **config_url_lits; /* postgres URLs written in the config's code */
    size_t nconfig_url_lits;
    const char *config_url_built; /* where its code builds one in a template literal, else NULL */

    const char **problems; /* why Prisma could use something else than planned */
    size_t nproblems;
    const char **notes; /* what the gate could not see (warnings) */
    size_t nnotes;
};

/*
 * Work out what `prisma migrate deploy` started from the current
 * directory with pol's project.prisma will use, for the migrations
 * directory planned (--migrations or project.migrations). Never fails:
 * what cannot be established is a problem in out.
 */
void gate_prisma_resolve(const struct gate_policy *pol, const char *planned, struct gate_arena *a,
                         struct gate_prisma_use *out);

/*
 * The child's argv: project.prisma + extra (e.g. "migrate", "deploy")
 * + --schema SCHEMA (unless already there) + --config FILE (when the
 * policy names one that project.prisma does not pass). NULL-terminated,
 * in the arena; *argc set.
 */
const char **gate_prisma_argv(const struct gate_policy *pol, const struct gate_prisma_use *u,
                              const char *const *extra, size_t nextra, struct gate_arena *a,
                              size_t *argc);

#endif
