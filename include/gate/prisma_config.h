/* SPDX-License-Identifier: MIT */
/*
 * prisma_config.h - a Prisma config file read as text, never run: where
 * it sets the migrations folder and the datasource URLs, for
 * prisma_cli.c's "what will `prisma migrate deploy` use".
 *
 * What the reader understands: the object the file exports (`export
 * default` or `module.exports =` followed by {...}, defineConfig({...}) or
 * the name of a const holding one; not the first defineConfig in the
 * file; an exported name whose object is changed afterwards, by a property
 * assignment or Object.assign, cannot be checked), its top-level keys
 * written literally (['key'] too; a computed [key] may be any key; a
 * getter's value cannot be read), `migrations: { path: "..." }` whose path is one string
 * literal, and `datasource: { url, directUrl, shadowDatabaseUrl }` (Prisma
 * 7; Prisma 6 with engine 'classic') written as env("X"), process.env.X or
 * a literal; `undefined` for either key keeps Prisma's default. A
 * `migrations` written otherwise (a variable, process.env, a template with
 * ${}, a spread inside it) cannot be checked.
 *
 * Top-level spreads (`...x`) are followed: an object literal; a const/let
 * object in the file; a config file imported by a relative path (import
 * NAME from './base', require('./base'), './base.js' naming base.ts; up to
 * 4 files deep), read the same way; `COND ? A : B` and `COND && A` where
 * COND tests process.env (X, ["X"], ===, !==, ==, !=, !, &&, ||) as the
 * child's environment will have it (the names in env_set count as set),
 * or any COND when no branch sets migrations or datasource. What a spread
 * sets is applied where it stands: the last setting wins. A spread the
 * gate cannot read leaves spread_mig/spread_ds set unless literal keys
 * after it override them.
 *
 * A process.env condition holds only if the config's code leaves the
 * variable alone before the object is built: what the file does up to the
 * object's end and everything its relative imports do (they run first) is
 * read first. A variable assigned or deleted there is unknown; an env file
 * loaded (dotenv, process.loadEnvFile, loadEnvConfig, node --env-file in
 * NODE_OPTIONS) or a computed name assigned (process.env[k] = ...,
 * Object.assign(process.env, ...)) makes every variable unknown.
 */
#ifndef GATE_PRISMA_CONFIG_H
#define GATE_PRISMA_CONFIG_H

#include "gate/compat.h"

/* Largest config file read (a cap, not OOM). */
#define GATE_PRISMA_CONFIG_MAX ((size_t)1024 * 1024)

/* A URL setting of the config's datasource. */
struct gate_prisma_config_url {
    int kind;   /* 0 absent, 1 env("X") / process.env.X, 2 a literal, 3 anything else */
    char *text; /* the variable name (1) or the literal (2, a secret); malloc'd */
    int line;
    char *file; /* set in another file (spread into the config), malloc'd; NULL: this one */
};

struct gate_prisma_config {
    bool found;          /* the config object was found */
    int mig;             /* 0 no migrations.path, 1 literal, 2 cannot be checked */
    char *mig_path;      /* mig == 1, as written (relative to the loaded config's dir) */
    int mig_line;        /* where migrations is set */
    const char *mig_why; /* mig == 2: what the value is (static text) */
    char *mig_file;      /* set in another file, spread in; NULL: the config itself */
    int mig_via;         /* ... at this line of the config */
    int spread_line;     /* the last spread the gate cannot read, not overridden */
    bool spread_mig;     /* ... which may set migrations */
    bool spread_ds;      /* ... which may set datasource */
    char *spread_why;    /* why it cannot be read */
    struct gate_prisma_config_url url, direct, shadow;
    int adapter_line;  /* the object sets `adapter` (a driver adapter: Prisma 6 engine 'js'), 0 */
    char **env_reads;  /* variables the config's code reads (process.env.X, env('X')), */
    size_t nenv_reads; /* in the file and the files it imports by a relative path */
    char *env_any;     /* where the code reads a variable it does not name (process.env[k], */
                       /* env(k), process.env as a whole), else NULL: any variable may be read */
    char **url_lits;   /* postgres URLs written in the code as plain string literals, */
    size_t nurl_lits;  /* in the file and the files it imports */
    char *url_built;   /* where a template literal builds one ("line N [of FILE]"), else NULL */
};

/*
 * Read text, the contents of the config file `file` (its relative imports
 * are followed; NULL: none are), into *out. env_set: variables the child
 * process will have set whatever the environment says (NULL-terminated,
 * may be NULL). Never fails: what cannot be read is in *out. Strings
 * malloc'd: gate_prisma_config_release.
 */
void gate_prisma_config_read(const char *text, size_t len, const char *file,
                             const char *const *env_set, struct gate_prisma_config *out);
void gate_prisma_config_release(struct gate_prisma_config *c);

/*
 * The reader for tests: what text says about migrations.path. -1 no
 * config object found, 0 no migrations.path at the top level, 1 a string
 * literal (*path malloc'd, as written), 2 set (or maybe set by a spread)
 * but not checkable. *path is NULL unless 1.
 */
int gate_prisma_config_migrations(const char *text, size_t len, const char *file, char **path);

/*
 * The same for datasource.url: -1 no config object, 0 absent, 1 an
 * environment variable (*value its name), 2 a literal (*value it), 3 not
 * readable (or maybe set by a spread). *value malloc'd or NULL.
 */
int gate_prisma_config_url(const char *text, size_t len, const char *file, char **value);

#endif
