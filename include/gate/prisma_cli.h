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
 * The config file is read as text, not run. What the reader understands:
 * the object passed to defineConfig(...) (or `export default {...}`,
 * `module.exports = {...}`), its top-level keys written literally, and
 * `migrations: { path: "..." }` / `schema: "..."` whose value is one
 * string literal, and `datasource: { url, directUrl, shadowDatabaseUrl }`
 * (Prisma 7; Prisma 6 with engine 'classic') written as env("X"),
 * process.env.X or a literal; `undefined` for either key keeps Prisma's
 * default. A datasource.url written otherwise cannot be checked (a
 * problem). A `migrations` whose path is anything else (a variable,
 * process.env, a template with ${}, a spread inside it) cannot be checked:
 * a problem, fixed by writing the path as a literal.
 *
 * Top-level spreads (`...x`) are followed: an object literal; a const
 * object in the file; a config file imported by a relative path (import
 * NAME from './base', require('./base'); up to 4 files deep), read the same
 * way; `COND ? A : B` and `COND && A` where COND tests process.env (X,
 * ===, !==, !, &&, ||) as the child's environment will have it (the
 * variables the deploy sets count as set), or any COND when no branch sets
 * migrations or datasource. What a spread sets is applied where it stands:
 * the last setting wins. A spread the gate cannot read that may set
 * migrations or datasource, and that no literal key after it overrides, is
 * a problem (fail closed): the gate could not tell which folder or
 * database Prisma will use.
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

/*
 * The config reader alone (for tests): what text (the contents of the
 * config file `file`, whose relative imports are followed; NULL: none
 * are) says about migrations.path. -1 no config object found, 0 no
 * migrations.path at the top level, 1 a string literal (*path malloc'd,
 * as written), 2 set but not checkable. *path is NULL unless 1.
 */
int gate_prisma_config_migrations(const char *text, size_t len, const char *file, char **path);

/*
 * The same for datasource.url: -1 no config object, 0 absent, 1 an
 * environment variable (*value its name), 2 a literal (*value it), 3
 * not readable. *value malloc'd or NULL.
 */
int gate_prisma_config_url(const char *text, size_t len, const char *file, char **value);

#endif
