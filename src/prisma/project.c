/* SPDX-License-Identifier: MIT */
/*
 * project.c - find a Prisma project's schema and migrations directory
 * (see project.h for the order), and read the schema.
 */
#include "gate/compat.h"
#include "gate/project.h"
#include "gate/buf.h"
#include "gate/fs.h"
#include "gate/json.h"
#include "gate/policy.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Folders the search for a project never enters. */
static const char *const skip_dirs[] = {"node_modules", "dist",   "build",  "out",
                                        "coverage",     "vendor", "target", "tmp"};

static bool skip_dir(const char *name)
{
    if (name[0] == '.')
        return true;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(skip_dirs); i++) {
        if (!strcmp(name, skip_dirs[i]))
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && !strcmp(s + n - m, suffix);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_prisma(const char *dir, int depth, char ***out, size_t *n, size_t *cap)
{
    DIR *d;
    struct dirent *e;

    if (depth > 8)
        return;
    d = opendir(dir);
    if (!d)
        return;
    while ((e = readdir(d))) {
        char *path;
        struct stat st;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        path = gate_path_join(dir, e->d_name);
        if (!stat(path, &st)) {
            if (S_ISDIR(st.st_mode) && e->d_name[0] != '.' &&
                strcmp(e->d_name, "node_modules") != 0 && strcmp(e->d_name, "migrations") != 0) {
                collect_prisma(path, depth + 1, out, n, cap);
            } else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".prisma")) {
                GATE_GROW(*out, *cap, *n + 1);
                (*out)[(*n)++] = path;
                path = NULL;
            }
        }
        free(path);
    }
    closedir(d);
}

void gate_project_folder_files(const char *dir, char ***out, size_t *n)
{
    size_t cap = 0;

    *out = NULL;
    *n = 0;
    collect_prisma(dir, 0, out, n, &cap);
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), cmp_str);
}

/* ------------------------------------------------------------ config files */

/* The string literal after `key:` in a prisma.config.ts (first match); malloc'd or NULL. */
static char *ts_string_after(const char *text, const char *from, const char *key)
{
    size_t kl = strlen(key);

    for (const char *p = strstr(from, key); p; p = strstr(p + 1, key)) {
        const char *q = p + kl;
        char quote;
        const char *end;

        if (p > text && (p[-1] == '_' || isalnum((unsigned char)p[-1])))
            continue;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != ':')
            continue;
        q++;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        quote = *q;
        if (quote != '"' && quote != '\'' && quote != '`')
            return NULL; /* an expression: not ours to evaluate */
        end = strchr(q + 1, quote);
        if (!end)
            return NULL;
        return gate_xstrndup(q + 1, (size_t)(end - q - 1));
    }
    return NULL;
}

/* prisma.config.ts (or .mts/.js/.mjs/.cjs) in the current directory: schema and migrations. */
static void read_prisma_config(char **schema, char **migrations, char **file)
{
    static const char *const names[] = {
        "prisma.config.ts",  "prisma.config.mts", "prisma.config.cts", "prisma.config.js",
        "prisma.config.mjs", "prisma.config.cjs", ".config/prisma.ts"};

    *schema = *migrations = *file = NULL;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(names); i++) {
        char *text = NULL;
        size_t len = 0;
        struct gate_err err = {0};
        const char *m;

        if (gate_read_file(names[i], (size_t)1024 * 1024, &text, &len, &err))
            continue;
        *file = gate_xstrdup(names[i]);
        *schema = ts_string_after(text, text, "schema");
        m = strstr(text, "migrations");
        while (m && m[10] != ':' && m[10] != ' ')
            m = strstr(m + 1, "migrations");
        if (m)
            *migrations = ts_string_after(text, m, "path");
        free(text);
        return;
    }
}

/* package.json's "prisma": {"schema": "..."}; malloc'd or NULL. */
static char *read_package_json(void)
{
    char *text = NULL, *res = NULL;
    size_t len = 0;
    struct gate_err err = {0};
    struct gate_json *j = NULL;
    const struct gate_json *p;
    const char *s;

    if (gate_read_file("package.json", (size_t)4 * 1024 * 1024, &text, &len, &err))
        return NULL;
    if (!gate_json_parse(text, len, "package.json", &j, &err)) {
        p = gate_json_get(j, "prisma");
        s = p ? gate_json_get_str(p, "schema") : NULL;
        if (s)
            res = gate_xstrdup(s);
    }
    gate_json_free(j);
    free(text);
    return res;
}

/* ------------------------------------------------------------------ search */

static bool has_datasource(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    struct gate_err err = {0};
    struct gate_schema s = {0};
    bool found;

    if (gate_read_file(path, GATE_MAX_SCHEMA_FILE, &text, &len, &err))
        return false;
    gate_schema_parse(&s, path, text, len);
    found = gate_schema_find(&s, GATE_SB_DATASOURCE, NULL);
    gate_schema_release(&s);
    free(text);
    return found;
}

struct found {
    char **paths;
    size_t n;
    size_t cap;
};

static void search(const char *dir, int depth, struct found *f)
{
    DIR *d;
    struct dirent *e;
    char **subdirs = NULL, *hit = NULL;
    size_t nsub = 0, capsub = 0, nprisma = 0;

    if (depth > 6)
        return;
    d = opendir(dir);
    if (!d)
        return;
    while ((e = readdir(d))) {
        char *path;
        struct stat st;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        path = gate_path_resolve(dir, e->d_name);
        if (lstat(path, &st)) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode) && !skip_dir(e->d_name) && strcmp(e->d_name, "migrations") != 0) {
            GATE_GROW(subdirs, capsub, nsub + 1);
            subdirs[nsub++] = path;
            continue;
        }
        if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".prisma")) {
            nprisma++;
            if (!hit && has_datasource(path)) {
                hit = path;
                continue;
            }
        }
        free(path);
    }
    closedir(d);
    if (hit) {
        GATE_GROW(f->paths, f->cap, f->n + 1);
        /* a folder of several .prisma files is a multi-file schema */
        if (nprisma > 1) {
            f->paths[f->n++] = gate_xstrdup(dir);
            free(hit);
        } else {
            f->paths[f->n++] = hit;
        }
    } else {
        if (nsub > 1)
            qsort(subdirs, nsub, sizeof(*subdirs), cmp_str);
        for (size_t i = 0; i < nsub; i++)
            search(subdirs[i], depth + 1, f);
    }
    for (size_t i = 0; i < nsub; i++)
        free(subdirs[i]);
    free(subdirs);
}

/* ------------------------------------------------------------------- find */

static enum gate_code set_schema(struct gate_project *p, const char *path, const char *from,
                                 struct gate_err *err)
{
    enum gate_path_kind k = gate_path_kind(path);

    if (k == GATE_PATH_MISSING)
        return gate_fail(err, GATE_E_USAGE, "the schema '%s' (%s) does not exist", path, from);
    if (k != GATE_PATH_FILE && k != GATE_PATH_DIR)
        return gate_fail(err, GATE_E_USAGE, "the schema '%s' (%s) is not a file or folder", path,
                         from);
    p->schema = gate_xstrdup(path);
    p->schema_from = gate_xstrdup(from);
    p->schema_folder = k == GATE_PATH_DIR;
    if (p->schema_folder) {
        gate_project_folder_files(path, &p->files, &p->nfiles);
        if (!p->nfiles)
            return gate_fail(err, GATE_E_USAGE, "the schema folder '%s' (%s) holds no .prisma file",
                             path, from);
    } else {
        p->files = gate_xcalloc(1, sizeof(*p->files));
        p->files[0] = gate_xstrdup(path);
        p->nfiles = 1;
    }
    return GATE_OK;
}

/* The directory of the schema file that holds the datasource (Prisma's rule). */
static char *datasource_dir(const struct gate_project *p)
{
    if (!p->schema)
        GATE_BUG("datasource_dir: find() set no schema"); /* set_schema failed, rc was not 0 */
    if (!p->schema_folder)
        return gate_path_dir(p->schema);
    for (size_t i = 0; i < p->nfiles; i++) {
        if (has_datasource(p->files[i]))
            return gate_path_dir(p->files[i]);
    }
    return gate_xstrdup(p->schema);
}

/*
 * gate_project_find with the phrases that say where a given schema and
 * migrations directory came from; schema_optional: a search that finds no
 * schema (or several, when the migrations directory is given) is no error
 * (out->schema stays NULL, the migrations directory is the given one or
 * ./prisma/migrations).
 */
static enum gate_code find(const char *schema_arg, const char *schema_from,
                           const char *migrations_arg, const char *migrations_from,
                           bool schema_optional, struct gate_project *out, struct gate_err *err)
{
    char *cfg_schema = NULL, *cfg_migrations = NULL, *cfg_file = NULL, *pkg = NULL;
    enum gate_code rc = GATE_OK;
    bool no_schema = false;

    memset(out, 0, sizeof(*out));
    read_prisma_config(&cfg_schema, &cfg_migrations, &cfg_file);
    if (!schema_arg && !cfg_schema)
        pkg = read_package_json();
    if (schema_arg) {
        rc = set_schema(out, schema_arg, schema_from, err);
    } else if (cfg_schema) {
        char *from = gate_xasprintf("%s", cfg_file);
        char *path = gate_path_resolve(".", cfg_schema);

        rc = set_schema(out, path, from, err);
        free(path);
        free(from);
    } else if (pkg) {
        rc = set_schema(out, pkg, "package.json prisma.schema", err);
    } else if (gate_path_kind("schema.prisma") == GATE_PATH_FILE) {
        rc = set_schema(out, "schema.prisma", "default location", err);
    } else if (gate_path_kind("prisma/schema.prisma") == GATE_PATH_FILE) {
        rc = set_schema(out, "prisma/schema.prisma", "default location", err);
    } else if (gate_path_kind("prisma/schema") == GATE_PATH_DIR) {
        rc = set_schema(out, "prisma/schema", "default folder", err);
    } else {
        struct found f = {0};

        search(".", 0, &f);
        if (f.n == 1) {
            rc = set_schema(out, f.paths[0], "found below the current directory", err);
        } else if (schema_optional && (!f.n || migrations_arg)) {
            /* none, or several while the migrations folder is given: not needed */
            no_schema = true;
        } else if (!f.n) {
            rc = gate_fail(err, GATE_E_USAGE,
                           "no Prisma schema found: not at ./schema.prisma, "
                           "./prisma/schema.prisma or ./prisma/schema, not named by "
                           "prisma.config.ts or package.json, and no .prisma file with a "
                           "datasource below the current directory; pass --schema PATH or run in "
                           "the project's folder (-C DIR)");
        } else {
            struct gate_buf b = {0};

            for (size_t i = 0; i < f.n && i < 8; i++)
                gate_buf_printf(&b, "%s'%s'", i ? ", " : "", f.paths[i]);
            if (f.n > 8)
                gate_buf_printf(&b, " and %zu more", f.n - 8);
            rc = gate_fail(err, GATE_E_USAGE,
                           "%zu Prisma projects found below the current directory (%s): pass "
                           "--schema PATH, or -C DIR to run in one of them",
                           f.n, gate_buf_str(&b));
            gate_buf_release(&b);
        }
        for (size_t i = 0; i < f.n; i++)
            free(f.paths[i]);
        free(f.paths);
    }
    if (!rc) {
        if (migrations_arg) {
            out->migrations = gate_xstrdup(migrations_arg);
            out->migrations_from = gate_xstrdup(migrations_from);
        } else if (no_schema) {
            out->migrations = gate_xstrdup("prisma/migrations");
            out->migrations_from = gate_xstrdup("the default: no schema found");
        } else if (cfg_migrations) {
            out->migrations = gate_path_resolve(".", cfg_migrations);
            out->migrations_from = gate_xasprintf("%s migrations.path", cfg_file);
        } else {
            char *dir = datasource_dir(out);

            out->migrations = gate_path_resolve(dir, "migrations");
            out->migrations_from = gate_xstrdup("next to the datasource (Prisma's rule)");
            if (out->schema_folder && gate_path_kind(out->migrations) != GATE_PATH_DIR) {
                char *parent = gate_path_dir(out->schema);
                char *alt = gate_path_resolve(parent, "migrations");

                if (gate_path_kind(alt) == GATE_PATH_DIR) {
                    free(out->migrations);
                    free(out->migrations_from);
                    out->migrations = alt;
                    alt = NULL;
                    out->migrations_from = gate_xstrdup("next to the schema folder");
                }
                free(alt);
                free(parent);
            }
            free(dir);
        }
    }
    free(cfg_schema);
    free(cfg_migrations);
    free(cfg_file);
    free(pkg);
    return rc;
}

enum gate_code gate_project_find(const char *schema_arg, const char *migrations_arg,
                                 struct gate_project *out, struct gate_err *err)
{
    return find(schema_arg, "--schema", migrations_arg, "--migrations", false, out, err);
}

enum gate_code gate_project_resolve(const char *schema_flag, const char *migrations_flag,
                                    const struct gate_policy *pol, bool schema_optional,
                                    struct gate_project *out, struct gate_err *err)
{
    const char *schema = schema_flag, *migrations = migrations_flag;
    const char *pol_name = pol && pol->path ? pol->path : "the policy";
    char *schema_from = NULL, *migrations_from = NULL;
    enum gate_code rc;

    /* main.c hands the policy's project.migrations over as the flag: say so */
    if (migrations && pol && pol->project.migrations_given && migrations == pol->project.migrations)
        migrations_from = gate_xasprintf("project.migrations in %s", pol_name);
    else if (migrations)
        migrations_from = gate_xstrdup("--migrations");
    else if (pol && pol->project.migrations_given) {
        migrations = pol->project.migrations;
        migrations_from = gate_xasprintf("project.migrations in %s", pol_name);
    }
    if (schema)
        schema_from = gate_xstrdup("--schema");
    else if (pol && pol->project.schema_given) {
        schema = pol->project.schema;
        schema_from = gate_xasprintf("project.schema in %s", pol_name);
    }
    rc = find(schema, schema_from, migrations, migrations_from, schema_optional && !schema, out,
              err);
    free(schema_from);
    free(migrations_from);
    return rc;
}

enum gate_code gate_project_migrations_dir(const char *schema_flag, const char *migrations_flag,
                                           const struct gate_policy *pol, struct gate_arena *a,
                                           const char **out, struct gate_err *err)
{
    struct gate_project proj;
    enum gate_code rc = gate_project_resolve(schema_flag, migrations_flag, pol, true, &proj, err);

    *out = NULL;
    if (!rc)
        *out = gate_arena_strdup(a, proj.migrations);
    gate_project_release(&proj);
    return rc;
}

enum gate_code gate_project_load(struct gate_project *p, struct gate_err *err)
{
    gate_schema_release(&p->parsed);
    p->loaded = false;
    for (size_t i = 0; i < p->nfiles; i++) {
        char *text = NULL;
        size_t len = 0;
        enum gate_code rc = gate_read_file(p->files[i], GATE_MAX_SCHEMA_FILE, &text, &len, err);

        if (rc)
            return rc;
        gate_schema_parse(&p->parsed, p->files[i], text, len);
        free(text);
    }
    gate_schema_finish(&p->parsed);
    p->loaded = true;
    return GATE_OK;
}

void gate_project_release(struct gate_project *p)
{
    free(p->schema);
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files[i]);
    free(p->files);
    free(p->migrations);
    free(p->schema_from);
    free(p->migrations_from);
    gate_schema_release(&p->parsed);
    memset(p, 0, sizeof(*p));
}
