/* SPDX-License-Identifier: MIT */
/*
 * prisma_cli.c - what `prisma migrate deploy` will use (prisma_cli.h):
 * the policy's argv scanned for --schema/--config, the config file Prisma
 * loads read as text, the migrations directory derived as Prisma derives
 * it and compared with the planned one by device and inode.
 */
#include "gate/compat.h"
#include "gate/prisma_cli.h"
#include "gate/fs.h"
#include "gate/project.h"
#include "gate/schema.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Largest config file read (a cap, not OOM). */
#define CONFIG_MAX ((size_t)1024 * 1024)

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

/* ------------------------------------------------------------ config text */

/* A URL setting of the config's datasource. */
struct cfg_url {
    int kind;   /* 0 absent, 1 env("X") / process.env.X, 2 a literal, 3 anything else */
    char *text; /* the variable name (1) or the literal (2, a secret); malloc'd */
    int line;
};

struct cfg {
    const char *text; /* original */
    char *code;       /* comments blanked, same length */
    size_t len;
    /* results */
    int mig;             /* 0 no migrations.path, 1 literal, 2 cannot be checked */
    char *mig_path;      /* malloc'd, mig == 1 */
    int mig_line;        /* where migrations is */
    const char *mig_why; /* mig == 2: what the value is */
    int spread_line;     /* the last top-level spread that may set migrations/datasource, 0 */
    bool spread_mig;     /* ... and no literal migrations follows it */
    bool spread_ds;      /* ... and no literal datasource follows it */
    char *schema;        /* schema: "literal", malloc'd */
    bool found;          /* the config object was found */
    /* datasource: { url, shadowDatabaseUrl } (Prisma 7) */
    struct cfg_url url, direct, shadow;
};

static int line_at(const struct cfg *c, size_t off)
{
    int line = 1;

    for (size_t i = 0; i < off && i < c->len; i++)
        line += c->text[i] == '\n';
    return line;
}

/* The index after the string literal starting at i (quote at c[i]). */
static size_t skip_string(const char *c, size_t len, size_t i)
{
    char q = c[i];
    int depth = 0;

    for (i++; i < len; i++) {
        if (c[i] == '\\') {
            i++;
            continue;
        }
        if (q == '`' && c[i] == '$' && i + 1 < len && c[i + 1] == '{') {
            depth++;
            i++;
            continue;
        }
        if (q == '`' && depth && c[i] == '}') {
            depth--;
            continue;
        }
        if (!depth && c[i] == q)
            return i + 1;
    }
    return len;
}

/* A '/' at i starts a regular expression literal (not a division). */
static bool regex_start(const char *s, size_t i)
{
    static const char ops[] = "(,=:[!&|?{};+-*%<>~^";

    while (i > 0 && isspace((unsigned char)s[i - 1]))
        i--;
    if (i == 0)
        return true;
    if (strchr(ops, s[i - 1]))
        return true;
    return i >= 6 && !strncmp(s + i - 6, "return", 6);
}

/* The index after the regular expression literal starting at i; its body blanked. */
static size_t skip_regex(char *s, size_t len, size_t i)
{
    bool cls = false;

    for (i++; i < len && s[i] != '\n'; i++) {
        if (s[i] == '\\' && i + 1 < len) {
            s[i] = s[i + 1] = ' ';
            i++;
            continue;
        }
        if (s[i] == '[')
            cls = true;
        else if (s[i] == ']')
            cls = false;
        else if (s[i] == '/' && !cls)
            return i + 1;
        s[i] = ' ';
    }
    return i;
}

/* Comments become spaces (newlines kept), regular expressions too; strings stay. */
static void blank_comments(struct cfg *c)
{
    char *s = c->code;
    size_t i = 0;

    while (i < c->len) {
        if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
            i = skip_string(s, c->len, i);
        } else if (s[i] == '/' && i + 1 < c->len && s[i + 1] != '/' && s[i + 1] != '*' &&
                   regex_start(s, i)) {
            i = skip_regex(s, c->len, i);
        } else if (s[i] == '/' && i + 1 < c->len && s[i + 1] == '/') {
            while (i < c->len && s[i] != '\n')
                s[i++] = ' ';
        } else if (s[i] == '/' && i + 1 < c->len && s[i + 1] == '*') {
            s[i++] = ' ';
            s[i++] = ' ';
            while (i < c->len && !(s[i] == '*' && i + 1 < c->len && s[i + 1] == '/')) {
                if (s[i] != '\n')
                    s[i] = ' ';
                i++;
            }
            if (i < c->len) {
                s[i++] = ' ';
                s[i++] = ' ';
            }
        } else {
            i++;
        }
    }
}

static size_t skip_ws(const char *c, size_t len, size_t i)
{
    while (i < len && isspace((unsigned char)c[i]))
        i++;
    return i;
}

/* The end of a value starting at i: the ',' or closing bracket at depth 0. */
static size_t skip_value(const char *c, size_t len, size_t i)
{
    int depth = 0;

    while (i < len) {
        char ch = c[i];

        if (ch == '"' || ch == '\'' || ch == '`') {
            i = skip_string(c, len, i);
            continue;
        }
        if (ch == '{' || ch == '(' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ')' || ch == ']') {
            if (!depth)
                return i;
            depth--;
        } else if (ch == ',' && !depth)
            return i;
        i++;
    }
    return len;
}

/* The index of the bracket closing the one at c[open] (len when none). */
static size_t match_close(const char *c, size_t len, size_t open)
{
    size_t e = skip_value(c, len, open + 1);

    while (e < len && c[e] == ',')
        e = skip_value(c, len, e + 1);
    return e;
}

static bool word_at(const char *c, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);

    return i + n <= len && !strncmp(c + i, w, n) &&
           (i + n == len ||
            !(isalnum((unsigned char)c[i + n]) || c[i + n] == '_' || c[i + n] == '$')) &&
           (i == 0 || !(isalnum((unsigned char)c[i - 1]) || c[i - 1] == '_' || c[i - 1] == '$' ||
                        c[i - 1] == '.'));
}

/*
 * A value that is one plain string literal ("x", 'x', `x` without ${}):
 * its text (malloc'd), else NULL.
 */
static char *literal_value(const char *c, size_t len, size_t i, size_t end)
{
    size_t e;
    struct gate_buf b = {0};

    if (i >= end || (c[i] != '"' && c[i] != '\'' && c[i] != '`'))
        return NULL;
    e = skip_string(c, len, i);
    if (e > end || skip_ws(c, end, e) != end)
        return NULL; /* "a" + b, "a".concat(...) */
    for (size_t k = i + 1; k + 1 < e; k++) {
        if (c[i] == '`' && c[k] == '$' && c[k + 1] == '{') {
            gate_buf_release(&b);
            return NULL;
        }
        if (c[k] == '\\' && k + 2 < e)
            k++;
        gate_buf_addc(&b, c[k]);
    }
    return b.data ? gate_buf_detach(&b) : gate_xstrdup("");
}

/*
 * Walk the object literal at c[open] ('{'): call back for each key
 * (key text, value start, value end) and each spread (start, end).
 */
struct member {
    char key[64];
    bool spread;
    bool shorthand; /* { migrations } or a method */
    size_t vstart, vend;
};

static size_t next_member(const char *c, size_t len, size_t i, struct member *m)
{
    size_t k;

    memset(m, 0, sizeof(*m));
    i = skip_ws(c, len, i);
    if (i >= len || c[i] == '}')
        return len + 1;
    if (i + 2 < len && c[i] == '.' && c[i + 1] == '.' && c[i + 2] == '.') {
        m->spread = true;
        m->vstart = i + 3;
        m->vend = skip_value(c, len, i + 3);
        return m->vend;
    }
    if (c[i] == '"' || c[i] == '\'') {
        size_t e = skip_string(c, len, i);
        size_t n = e - i >= 2 ? e - i - 2 : 0;

        if (n >= sizeof(m->key))
            n = sizeof(m->key) - 1;
        memcpy(m->key, c + i + 1, n);
        k = e;
    } else {
        size_t s = i;

        while (i < len && (isalnum((unsigned char)c[i]) || c[i] == '_' || c[i] == '$'))
            i++;
        if (i == s) { /* [computed]: or something else */
            m->shorthand = true;
            m->vstart = s;
            m->vend = skip_value(c, len, s);
            return m->vend;
        }
        memcpy(m->key, c + s, i - s < sizeof(m->key) ? i - s : sizeof(m->key) - 1);
        k = i;
    }
    k = skip_ws(c, len, k);
    if (k < len && c[k] == ':') {
        m->vstart = skip_ws(c, len, k + 1);
        m->vend = skip_value(c, len, m->vstart);
        return m->vend;
    }
    m->shorthand = true;
    m->vstart = k;
    m->vend = skip_value(c, len, k);
    return m->vend;
}

static size_t trim_end(const char *c, size_t s, size_t e)
{
    while (e > s && isspace((unsigned char)c[e - 1]))
        e--;
    return e;
}

static void read_migrations(struct cfg *c, const struct member *m)
{
    const char *s = c->code;
    size_t vend;
    size_t i;
    struct member in;

    c->mig_line = line_at(c, m->vstart);
    if (m->shorthand || m->vstart >= m->vend || s[m->vstart] != '{' ||
        skip_ws(s, m->vend, match_close(s, c->len, m->vstart) + 1) != m->vend) {
        c->mig = 2;
        c->mig_why = "its value is not an object literal";
        return;
    }
    vend = match_close(s, c->len, m->vstart);
    for (i = m->vstart + 1; i < vend;) {
        i = next_member(s, vend, i, &in);
        if (i > vend)
            break;
        if (in.spread) {
            c->mig = 2;
            c->mig_why = "it spreads another object (...) that may set path";
            return;
        }
        if (!strcmp(in.key, "path")) {
            size_t ve = trim_end(s, in.vstart, in.vend);
            char *lit = in.shorthand ? NULL : literal_value(s, c->len, in.vstart, ve);

            c->mig_line = line_at(c, in.vstart);
            if (!lit) {
                c->mig = 2;
                c->mig_why = "migrations.path is not a plain string literal";
                return;
            }
            free(c->mig_path);
            c->mig_path = lit;
            c->mig = 1;
        }
        if (i < vend && s[i] == ',')
            i++;
    }
}

/* The '{' of the config object: defineConfig({, export default {, module.exports = {. */
static size_t find_object(const struct cfg *c)
{
    const char *s = c->code;
    size_t len = c->len;

    for (size_t i = 0; i < len; i++) {
        size_t k;

        if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
            i = skip_string(s, len, i) - 1;
            continue;
        }
        if (word_at(s, len, i, "defineConfig")) {
            k = skip_ws(s, len, i + 12);
            if (k < len && s[k] == '<') { /* defineConfig<T>( */
                while (k < len && s[k] != '>')
                    k++;
                k = skip_ws(s, len, k + 1);
            }
            if (k < len && s[k] == '(') {
                k = skip_ws(s, len, k + 1);
                if (k < len && s[k] == '{')
                    return k;
            }
        }
        if (word_at(s, len, i, "export")) {
            k = skip_ws(s, len, i + 6);
            if (word_at(s, len, k, "default")) {
                k = skip_ws(s, len, k + 7);
                if (k < len && s[k] == '{')
                    return k;
            }
        }
        if (word_at(s, len, i, "module") && !strncmp(s + i, "module.exports", 14)) {
            k = skip_ws(s, len, i + 14);
            if (k < len && s[k] == '=') {
                k = skip_ws(s, len, k + 1);
                if (k < len && s[k] == '{')
                    return k;
            }
        }
    }
    return len;
}

/* An identifier at c[i..]: its end, or i when there is none. */
static size_t ident_end(const char *c, size_t len, size_t i)
{
    while (i < len && (isalnum((unsigned char)c[i]) || c[i] == '_' || c[i] == '$'))
        i++;
    return i;
}

/* env("X"), env('X'), process.env.X, process.env["X"], "literal" or something else. */
static void read_url_value(struct cfg *c, const struct member *m, struct cfg_url *out)
{
    const char *s = c->code;
    size_t b = m->vstart, e = trim_end(s, m->vstart, m->vend), k;
    char *lit;

    free(out->text);
    out->text = NULL;
    out->line = line_at(c, b);
    out->kind = 3;
    if (m->shorthand || b >= e)
        return;
    lit = literal_value(s, c->len, b, e);
    if (lit) {
        out->kind = 2;
        out->text = lit;
        return;
    }
    if (word_at(s, e, b, "env")) {
        k = skip_ws(s, e, b + 3);
        if (k < e && s[k] == '(') {
            size_t q = skip_ws(s, e, k + 1), qe;

            if (q < e && (s[q] == '"' || s[q] == '\'' || s[q] == '`')) {
                qe = skip_string(s, e, q);
                if (skip_ws(s, e, qe) < e && s[skip_ws(s, e, qe)] == ')' &&
                    skip_ws(s, e, skip_ws(s, e, qe) + 1) == e) {
                    out->text = literal_value(s, c->len, q, qe);
                    out->kind = out->text ? 1 : 3;
                }
            }
        }
        return;
    }
    if (e - b > 12 && !strncmp(s + b, "process.env.", 12)) {
        k = ident_end(s, e, b + 12);
        if (k == e && k > b + 12) {
            out->text = gate_xstrndup(s + b + 12, k - b - 12);
            out->kind = 1;
        }
        return;
    }
    if (e - b > 12 && !strncmp(s + b, "process.env[", 12)) {
        size_t q = b + 12, qe;

        if (q < e && (s[q] == '"' || s[q] == '\'')) {
            qe = skip_string(s, e, q);
            if (qe + 1 == e && s[qe] == ']') {
                out->text = literal_value(s, c->len, q, qe);
                out->kind = out->text ? 1 : 3;
            }
        }
    }
}

static void read_datasource(struct cfg *c, const struct member *m)
{
    const char *s = c->code;
    size_t vend, i;
    struct member in;

    if (m->shorthand || m->vstart >= m->vend || s[m->vstart] != '{') {
        c->url.kind = 3;
        c->url.line = line_at(c, m->vstart);
        return;
    }
    vend = match_close(s, c->len, m->vstart);
    for (i = m->vstart + 1; i < vend;) {
        i = next_member(s, vend, i, &in);
        if (i > vend)
            break;
        if (in.spread) {
            c->url.kind = 3;
            c->url.line = line_at(c, in.vstart);
        } else if (!strcmp(in.key, "url")) {
            read_url_value(c, &in, &c->url);
        } else if (!strcmp(in.key, "directUrl")) {
            read_url_value(c, &in, &c->direct);
        } else if (!strcmp(in.key, "shadowDatabaseUrl")) {
            read_url_value(c, &in, &c->shadow);
        }
        if (i < vend && s[i] == ',')
            i++;
    }
}

static void read_config_text(struct cfg *c)
{
    size_t open, end, i;
    struct member m;

    blank_comments(c);
    open = find_object(c);
    if (open >= c->len)
        return;
    c->found = true;
    end = match_close(c->code, c->len, open);
    for (i = open + 1; i < end;) {
        i = next_member(c->code, end, i, &m);
        if (i > end)
            break;
        if (m.spread) {
            /*
             * whatever it spreads (an imported object: its keys are not in
             * this text) may set migrations and datasource, unless a literal
             * key after it overrides them
             */
            c->spread_line = line_at(c, m.vstart);
            c->spread_mig = c->spread_ds = true;
        } else if (!strcmp(m.key, "migrations")) {
            c->spread_mig = false;
            read_migrations(c, &m);
        } else if (!strcmp(m.key, "datasource")) {
            c->spread_ds = false;
            read_datasource(c, &m);
        } else if (!strcmp(m.key, "schema") && !m.shorthand) {
            free(c->schema);
            c->schema =
                literal_value(c->code, c->len, m.vstart, trim_end(c->code, m.vstart, m.vend));
        }
        if (i < end && c->code[i] == ',')
            i++;
    }
}

int gate_prisma_config_url(const char *text, size_t len, char **value)
{
    struct cfg c;
    int res;

    memset(&c, 0, sizeof(c));
    c.text = text;
    c.len = len;
    c.code = gate_xstrndup(text, len);
    read_config_text(&c);
    res = c.found ? c.url.kind : -1;
    *value = c.url.text;
    free(c.mig_path);
    free(c.schema);
    free(c.direct.text);
    free(c.shadow.text);
    free(c.code);
    return res;
}

int gate_prisma_config_migrations(const char *text, size_t len, char **path)
{
    struct cfg c;
    int res;

    memset(&c, 0, sizeof(c));
    c.text = text;
    c.len = len;
    c.code = gate_xstrndup(text, len);
    read_config_text(&c);
    res = c.found ? c.mig : -1;
    *path = res == 1 ? c.mig_path : NULL;
    if (res != 1)
        free(c.mig_path);
    free(c.schema);
    free(c.url.text);
    free(c.direct.text);
    free(c.shadow.text);
    free(c.code);
    return res;
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
static void resolve_migrations(struct res *r, const char *ds_dir)
{
    struct gate_prisma_use *u = r->u;
    struct cfg c;
    char *text = NULL;
    size_t len = 0;
    struct gate_err err = {0};

    if (u->config) {
        if (gate_path_kind(u->config) != GATE_PATH_FILE) {
            add(r, true, "the Prisma config file %s (%s) does not exist or is not a file",
                u->config, u->config_from);
            return;
        }
        if (gate_read_file(u->config, CONFIG_MAX, &text, &len, &err)) {
            add(r, true, "cannot read the Prisma config file %s (%s): %s", u->config,
                u->config_from, err.msg);
            return;
        }
        memset(&c, 0, sizeof(c));
        c.text = text;
        c.len = len;
        c.code = gate_xstrndup(text, len);
        read_config_text(&c);
        if (!c.found) {
            add(r, true,
                "cannot read the Prisma config file %s (%s): no defineConfig({...}), export "
                "default {...} or module.exports = {...} object in it; the gate reads the file "
                "as text and must see its migrations setting",
                u->config, u->config_from);
        } else if (c.mig == 2) {
            add(r, true,
                "the Prisma config file %s (%s) sets migrations at line %d, but %s: the gate "
                "cannot tell which migrations folder Prisma will use; write it as a string "
                "literal, e.g. migrations: { path: \"prisma/migrations\" }",
                u->config, u->config_from, c.mig_line, c.mig_why);
        } else if (c.mig == 1) {
            u->migrations = join(r->a, dir_of(r->a, u->config), c.mig_path);
            u->migrations_from = gate_arena_printf(
                r->a, "migrations.path \"%s\" in %s (line %d), relative to its directory",
                c.mig_path, u->config, c.mig_line);
        }
        if (c.url.kind == 1)
            u->cfg_url_env = gate_arena_strdup(r->a, c.url.text);
        else if (c.url.kind == 2)
            u->cfg_url_lit = gate_arena_strdup(r->a, c.url.text);
        else if (c.url.kind == 3)
            add(r, true,
                "the Prisma config file %s (%s) sets datasource.url at line %d in a way the gate "
                "cannot read: Prisma would connect to a database the gate cannot check; write "
                "it as url: env(\"NAME\") (or process.env.NAME)",
                u->config, u->config_from, c.url.line);
        if (c.direct.kind == 1)
            u->cfg_direct_env = gate_arena_strdup(r->a, c.direct.text);
        else if (c.direct.kind == 2)
            u->cfg_direct_lit = gate_arena_strdup(r->a, c.direct.text);
        else if (c.direct.kind == 3)
            add(r, true,
                "the Prisma config file %s (%s) sets datasource.directUrl at line %d in a way "
                "the gate cannot read: Prisma Migrate would connect through it to a database "
                "the gate cannot check; write it as directUrl: env(\"NAME\")",
                u->config, u->config_from, c.direct.line);
        if (c.shadow.kind == 1)
            u->cfg_shadow_env = gate_arena_strdup(r->a, c.shadow.text);
        else if (c.shadow.kind == 2)
            u->cfg_shadow_lit = gate_arena_strdup(r->a, c.shadow.text);
        if (c.spread_line && (c.spread_mig || c.spread_ds))
            add(r, false,
                "the Prisma config file %s spreads an object at line %d that may set %s: the "
                "gate cannot see keys set that way; write %s in the object itself, after the "
                "spread, if it sets them",
                u->config, c.spread_line,
                c.spread_mig && c.spread_ds ? "migrations or datasource"
                : c.spread_mig              ? "migrations"
                                            : "datasource",
                c.spread_mig && c.spread_ds
                    ? "migrations: { path: \"...\" } and datasource: { url: env(\"NAME\") }"
                : c.spread_mig ? "migrations: { path: \"...\" }"
                               : "datasource: { url: env(\"NAME\") }");
        free(c.schema);
        free(c.mig_path);
        free(c.url.text);
        free(c.direct.text);
        free(c.shadow.text);
        free(c.code);
        free(text);
        if (!c.found || c.mig == 2)
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
