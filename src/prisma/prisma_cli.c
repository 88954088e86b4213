/* SPDX-License-Identifier: MIT */
/*
 * prisma_cli.c - what `prisma migrate deploy` will use (prisma_cli.h):
 * the policy's argv scanned for --schema/--config, the config file Prisma
 * loads read as text, the migrations directory derived as Prisma derives
 * it and compared with the planned one by device and inode.
 */
#include "gate/compat.h"
#include "gate/prisma_cli.h"
#include "gate/prisma_config.h"
#include "gate/fs.h"
#include "gate/project.h"
#include "gate/schema.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct res {
    struct gate_prisma_use *u;
    struct gate_arena *a;
    size_t capp, capn;
};

static void add(struct res *r, bool problem, const char *fmt, ...) GATE_PRINTF(3, 4);

static void add(struct res *r, bool problem, const char *fmt, ...)
{
    va_list ap;
    const char ***arr = problem ? &r->u->problems : &r->u->notes;
    size_t *n = problem ? &r->u->nproblems : &r->u->nnotes;
    size_t *cap = problem ? &r->capp : &r->capn;
    char *s;

    va_start(ap, fmt);
    s = gate_arena_vprintf(r->a, fmt, ap);
    va_end(ap);
    GATE_ARENA_GROW(r->a, *arr, *cap, *n, *n + 1);
    (*arr)[(*n)++] = s;
}

/* s (malloc'd) moved into the arena. */
static const char *in_arena(struct gate_arena *a, char *s)
{
    const char *r = gate_arena_strdup(a, s);

    free(s);
    return r;
}

/* gate_path_dir in the arena. */
static const char *dir_of(struct gate_arena *a, const char *path)
{
    return in_arena(a, gate_path_dir(path));
}

/* gate_path_resolve in the arena. */
static const char *join(struct gate_arena *a, const char *dir, const char *rel)
{
    return in_arena(a, gate_path_resolve(dir, rel));
}

/* The same file or directory (device and inode, symlinks followed). */
static bool same_path(const char *x, const char *y)
{
    struct stat sx, sy;

    if (stat(x, &sx) || stat(y, &sy))
        return false;
    return sx.st_dev == sy.st_dev && sx.st_ino == sy.st_ino;
}

/* --flag VALUE or --flag=VALUE in argv; the value or NULL. */
static const char *argv_flag(const char *const *argv, size_t n, const char *flag)
{
    size_t fl = strlen(flag);

    for (size_t i = 0; i < n; i++) {
        if (!argv[i])
            continue;
        if (!strcmp(argv[i], flag) && i + 1 < n)
            return argv[i + 1];
        if (!strncmp(argv[i], flag, fl) && argv[i][fl] == '=')
            return argv[i] + fl + 1;
    }
    return NULL;
}

/* ------------------------------------------------------------ resolve */

/* The config Prisma loads from the working directory when no --config is given. */
static const char *auto_config(struct gate_arena *a)
{
    static const char *const exts[] = {"js",   "ts",    "mjs",   "cjs",  "mts", "cts",
                                       "json", "jsonc", "json5", "yaml", "yml", "toml"};
    static const char *const stems[] = {"prisma.config", ".config/prisma", ".config/prisma.config"};

    for (size_t s = 0; s < GATE_ARRAY_SIZE(stems); s++) {
        for (size_t e = 0; e < GATE_ARRAY_SIZE(exts); e++) {
            char *p = gate_arena_printf(a, "%s.%s", stems[s], exts[e]);

            if (gate_path_kind(p) == GATE_PATH_FILE)
                return p;
        }
    }
    return NULL;
}

static void resolve_config(struct res *r, const struct gate_policy *pol)
{
    struct gate_prisma_use *u = r->u;
    const char *argv_cfg = argv_flag(pol->project.prisma, pol->project.nprisma, "--config");

    if (pol->project.config && argv_cfg && !same_path(pol->project.config, argv_cfg)) {
        add(r, true,
            "project.config names %s, but project.prisma passes --config %s: Prisma would load "
            "the latter; keep one",
            pol->project.config, argv_cfg);
    }
    if (argv_cfg) {
        u->config = gate_arena_strdup(r->a, argv_cfg);
        u->config_from = "--config in project.prisma";
        u->config_in_argv = true;
    } else if (pol->project.config) {
        u->config = pol->project.config;
        u->config_from = "project.config";
        u->config_to_pass = true;
    } else {
        u->config = auto_config(r->a);
        if (u->config)
            u->config_from = "found in the working directory (Prisma loads it when no --config is "
                             "given)";
    }
}

/* The config's migrations.path, or the schema's rule. */
/* "line N", "line N of FILE (spread in at line V)": where a config key is set. */
static const char *where(struct gate_arena *a, int line, const char *file, int via)
{
    if (!file)
        return gate_arena_printf(a, "line %d", line);
    if (!via)
        return gate_arena_printf(a, "line %d of %s", line, file);
    return gate_arena_printf(a, "line %d of %s (spread in at line %d)", line, file, via);
}

static void resolve_migrations(struct res *r, const char *ds_dir)
{
    struct gate_prisma_use *u = r->u;
    struct gate_prisma_config c;
    const char *env_set[4];
    bool bad;
    char *text = NULL;
    size_t len = 0;
    struct gate_err err = {0};

    if (u->config) {
        if (gate_path_kind(u->config) != GATE_PATH_FILE) {
            add(r, true, "the Prisma config file %s (%s) does not exist or is not a file",
                u->config, u->config_from);
            return;
        }
        if (gate_read_file(u->config, GATE_PRISMA_CONFIG_MAX, &text, &len, &err)) {
            add(r, true, "cannot read the Prisma config file %s (%s): %s", u->config,
                u->config_from, err.msg);
            return;
        }
        env_set[0] = "DATABASE_URL"; /* what the deploy's child environment sets */
        env_set[1] = u->url_env;
        env_set[2] = u->direct_env;
        env_set[3] = NULL;
        if (!env_set[1]) {
            env_set[1] = env_set[2];
            env_set[2] = NULL;
        }
        gate_prisma_config_read(text, len, u->config, env_set, &c);
        if (!c.found) {
            add(r, true,
                "cannot read the Prisma config file %s (%s): no defineConfig({...}), export "
                "default {...} or module.exports = {...} object in it; the gate reads the file "
                "as text and must see its migrations setting",
                u->config, u->config_from);
        } else if (c.spread_mig || c.spread_ds) {
            const char *what = c.spread_mig && c.spread_ds ? "migrations or datasource"
                               : c.spread_mig              ? "migrations"
                                                           : "datasource";

            add(r, true,
                "the Prisma config file %s (%s) spreads an object at line %d that may set %s, "
                "but %s: the gate cannot tell which %s Prisma will use; write %s in the config "
                "object after the spread (undefined keeps Prisma's default), or spread what the "
                "gate reads: an object written in the file, a config file imported by a relative "
                "path, or COND ? {...} : {...} on process.env",
                u->config, u->config_from, c.spread_line, what, c.spread_why,
                c.spread_mig && c.spread_ds ? "migrations folder and database"
                : c.spread_mig              ? "migrations folder"
                                            : "database",
                c.spread_mig && c.spread_ds
                    ? "migrations: { path: \"...\" } and datasource: { url: env(\"NAME\") }"
                : c.spread_mig ? "migrations: { path: \"...\" }"
                               : "datasource: { url: env(\"NAME\") }");
        }
        if (c.found && !c.spread_mig && c.mig == 2) {
            add(r, true,
                "the Prisma config file %s (%s) sets migrations at %s, but %s: the gate "
                "cannot tell which migrations folder Prisma will use; write it as a string "
                "literal, e.g. migrations: { path: \"prisma/migrations\" }",
                u->config, u->config_from, where(r->a, c.mig_line, c.mig_file, c.mig_via),
                c.mig_why);
        } else if (c.found && !c.spread_mig && c.mig == 1) {
            u->migrations = join(r->a, dir_of(r->a, u->config), c.mig_path);
            u->migrations_from = gate_arena_printf(
                r->a, "migrations.path \"%s\" in %s (%s), relative to its directory", c.mig_path,
                u->config, where(r->a, c.mig_line, c.mig_file, c.mig_via));
        }
        if (!c.spread_ds) {
            if (c.url.kind == 1)
                u->cfg_url_env = gate_arena_strdup(r->a, c.url.text);
            else if (c.url.kind == 2)
                u->cfg_url_lit = gate_arena_strdup(r->a, c.url.text);
            else if (c.url.kind == 3)
                add(r, true,
                    "the Prisma config file %s (%s) sets datasource.url at %s in a way the gate "
                    "cannot read: Prisma would connect to a database the gate cannot check; "
                    "write it as url: env(\"NAME\") (or process.env.NAME)",
                    u->config, u->config_from, where(r->a, c.url.line, c.url.file, 0));
            if (c.direct.kind == 1)
                u->cfg_direct_env = gate_arena_strdup(r->a, c.direct.text);
            else if (c.direct.kind == 2)
                u->cfg_direct_lit = gate_arena_strdup(r->a, c.direct.text);
            else if (c.direct.kind == 3)
                add(r, true,
                    "the Prisma config file %s (%s) sets datasource.directUrl at %s in a way "
                    "the gate cannot read: Prisma Migrate would connect through it to a "
                    "database the gate cannot check; write it as directUrl: env(\"NAME\")",
                    u->config, u->config_from, where(r->a, c.direct.line, c.direct.file, 0));
            if (c.shadow.kind == 1)
                u->cfg_shadow_env = gate_arena_strdup(r->a, c.shadow.text);
            else if (c.shadow.kind == 2)
                u->cfg_shadow_lit = gate_arena_strdup(r->a, c.shadow.text);
        }
        if (c.found && c.adapter_line) {
            u->adapter_line = c.adapter_line;
            u->config_env_reads = gate_arena_alloc(r->a, (c.nenv_reads + 1) * sizeof(char *));
            for (size_t i = 0; i < c.nenv_reads; i++)
                u->config_env_reads[i] = gate_arena_strdup(r->a, c.env_reads[i]);
            u->nconfig_env_reads = c.nenv_reads;
            u->config_env_any = c.env_any ? gate_arena_strdup(r->a, c.env_any) : NULL;
            u->config_url_lits = gate_arena_alloc(r->a, (c.nurl_lits + 1) * sizeof(char *));
            for (size_t i = 0; i < c.nurl_lits; i++)
                u->config_url_lits[i] = gate_arena_strdup(r->a, c.url_lits[i]);
            u->nconfig_url_lits = c.nurl_lits;
            u->config_url_built = c.url_built ? gate_arena_strdup(r->a, c.url_built) : NULL;
        }
        bad = !c.found || c.spread_mig || c.mig == 2;
        gate_prisma_config_release(&c);
        free(text);
        if (bad)
            return;
    }
    if (!u->migrations && ds_dir) {
        u->migrations = join(r->a, ds_dir, "migrations");
        u->migrations_from = gate_arena_printf(
            r->a,
            "Prisma's default: `migrations` in %s, the directory of the schema file holding the "
            "datasource (schema %s)%s%s%s%s%s",
            ds_dir, u->schema, u->config ? "; the config " : "", u->config ? u->config : "",
            u->config ? " (" : "", u->config ? u->config_from : "",
            u->config ? ") sets no migrations.path" : "");
    }
}

/* The schema's datasource: env names, literals, and the directory Prisma derives from. */
static const char *read_schema(struct res *r)
{
    struct gate_prisma_use *u = r->u;
    struct gate_project p;
    struct gate_err err = {0};
    const struct gate_schema_block *ds;
    const char *dir;
    enum gate_path_kind k = gate_path_kind(u->schema);

    memset(&p, 0, sizeof(p));
    if (k == GATE_PATH_MISSING) {
        add(r, true,
            "the schema %s (%s) does not exist: Prisma would be started with --schema %s; set "
            "project.schema to the schema the migrations belong to",
            u->schema, u->schema_from, u->schema);
        return NULL;
    }
    p.schema = gate_xstrdup(u->schema);
    p.schema_folder = k == GATE_PATH_DIR;
    if (p.schema_folder) {
        gate_project_folder_files(u->schema, &p.files, &p.nfiles);
    } else {
        p.files = gate_xcalloc(1, sizeof(*p.files));
        p.files[0] = gate_xstrdup(u->schema);
        p.nfiles = 1;
    }
    if (gate_project_load(&p, &err)) {
        add(r, true, "cannot read the schema %s (%s): %s", u->schema, u->schema_from, err.msg);
        gate_project_release(&p);
        return NULL;
    }
    ds = gate_schema_find(&p.parsed, GATE_SB_DATASOURCE, NULL);
    if (ds) {
        u->url_env = ds->url_env ? gate_arena_strdup(r->a, ds->url_env) : NULL;
        u->direct_env = ds->direct_env ? gate_arena_strdup(r->a, ds->direct_env) : NULL;
        u->shadow_env = ds->shadow_env ? gate_arena_strdup(r->a, ds->shadow_env) : NULL;
        u->url_lit = ds->url ? gate_arena_strdup(r->a, ds->url) : NULL;
        u->direct_lit = ds->direct_url ? gate_arena_strdup(r->a, ds->direct_url) : NULL;
        u->shadow_lit = ds->shadow_url ? gate_arena_strdup(r->a, ds->shadow_url) : NULL;
        dir = dir_of(r->a, ds->file);
    } else {
        dir = p.schema_folder ? u->schema : dir_of(r->a, u->schema);
    }
    gate_project_release(&p);
    return dir;
}

void gate_prisma_resolve(const struct gate_policy *pol, const char *planned, struct gate_arena *a,
                         struct gate_prisma_use *out)
{
    struct res r;
    const char *argv_schema;
    const char *ds_dir;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    r.u = out;
    r.a = a;
    out->planned = planned;
    out->schema = pol->project.schema;
    out->schema_from =
        pol->project.schema_given ? "project.schema" : "the default of project.schema";
    argv_schema = argv_flag(pol->project.prisma, pol->project.nprisma, "--schema");
    if (argv_schema) {
        if (!same_path(argv_schema, out->schema))
            add(&r, true,
                "project.prisma passes --schema %s, but the gate plans from the schema %s (%s): "
                "Prisma would use another schema and migrations folder; remove --schema from "
                "project.prisma and set project.schema",
                argv_schema, out->schema, out->schema_from);
        else
            out->schema_in_argv = true;
    }
    resolve_config(&r, pol);
    ds_dir = read_schema(&r);
    resolve_migrations(&r, ds_dir);
    if (out->migrations) {
        out->same = same_path(out->migrations, planned);
        if (!out->same)
            add(&r, true,
                "Prisma would apply the migrations in %s (%s), but the gate planned %s: they are "
                "not the same folder, so Prisma could apply migrations the plan does not show; "
                "point --migrations/project.migrations and Prisma's folder at the same directory "
                "(or set migrations.path in the Prisma config)",
                out->migrations, out->migrations_from, planned);
    } else if (!out->nproblems) {
        add(&r, true,
            "cannot tell which migrations folder Prisma would use: fix the schema and config "
            "named above");
    }
}

const char **gate_prisma_argv(const struct gate_policy *pol, const struct gate_prisma_use *u,
                              const char *const *extra, size_t nextra, struct gate_arena *a,
                              size_t *argc)
{
    const char **argv = gate_arena_alloc(a, (pol->project.nprisma + nextra + 5) * sizeof(*argv));
    size_t n = 0;

    for (size_t i = 0; i < pol->project.nprisma; i++)
        argv[n++] = pol->project.prisma[i];
    for (size_t i = 0; i < nextra; i++)
        argv[n++] = extra[i];
    if (u && u->schema && !u->schema_in_argv) {
        argv[n++] = "--schema";
        argv[n++] = u->schema;
    }
    if (u && u->config && u->config_to_pass) {
        argv[n++] = "--config";
        argv[n++] = u->config;
    }
    argv[n] = NULL;
    *argc = n;
    return argv;
}
