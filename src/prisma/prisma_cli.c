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
    char *file; /* set in another file (spread into the config), malloc'd; NULL: this one */
};

/* How deep imported config files are followed (a spread of a spread of ...). */
#define CONFIG_DEPTH 4

struct cfg {
    const char *text; /* original */
    char *code;       /* comments blanked, same length */
    size_t len;
    const char *file;           /* its path (imports are read relative to it); NULL: none */
    const char *const *env_set; /* variables the child's environment sets, NULL-terminated */
    int depth;                  /* imports followed to reach this file */
    int nest;                   /* spreads being read inside each other (a guard) */
    /* results */
    int mig;             /* 0 no migrations.path, 1 literal, 2 cannot be checked */
    bool mig_set;        /* a migrations key (or a readable spread setting one) was seen */
    char *mig_path;      /* malloc'd, mig == 1 */
    int mig_line;        /* where migrations is */
    const char *mig_why; /* mig == 2: what the value is */
    char *mig_file;      /* set in another file, malloc'd; NULL: this one */
    int mig_via;         /* ... spread into this file at this line */
    bool ds_set;         /* a datasource key (or a readable spread setting one) was seen */
    int spread_line;     /* the last top-level spread the gate cannot read that may set ... */
    bool spread_mig;     /* ... migrations, and no literal migrations follows it */
    bool spread_ds;      /* ... datasource, and no literal datasource follows it */
    char *spread_why;    /* why it cannot be read, malloc'd */
    char *schema;        /* schema: "literal", malloc'd */
    bool found;          /* the config object was found */
    /* datasource: { url, shadowDatabaseUrl } (Prisma 7) */
    struct cfg_url url, direct, shadow;
};

static void cfg_url_clear(struct cfg_url *u)
{
    free(u->text);
    free(u->file);
    memset(u, 0, sizeof(*u));
}

/* Everything a read left in c (not text, code or file). */
static void cfg_release(struct cfg *c)
{
    free(c->mig_path);
    free(c->mig_file);
    free(c->spread_why);
    free(c->schema);
    cfg_url_clear(&c->url);
    cfg_url_clear(&c->direct);
    cfg_url_clear(&c->shadow);
}

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

/* c[b..e) is undefined, null, false or {}: a value that sets nothing. */
static bool is_nothing(const char *c, size_t b, size_t e)
{
    static const char *const words[] = {"undefined", "null", "false"};

    b = skip_ws(c, e, b);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(words); i++) {
        size_t n = strlen(words[i]);

        if (e - b == n && !strncmp(c + b, words[i], n))
            return true;
    }
    return e > b && c[b] == '{' && skip_ws(c, e, b + 1) == e - 1 && c[e - 1] == '}';
}

static void read_migrations(struct cfg *c, const struct member *m)
{
    const char *s = c->code;
    size_t vend;
    size_t i;
    struct member in;

    c->mig_set = true;
    c->mig = 0;
    c->mig_line = line_at(c, m->vstart);
    c->mig_via = 0;
    free(c->mig_file);
    c->mig_file = NULL;
    free(c->mig_path);
    c->mig_path = NULL;
    if (is_nothing(s, m->vstart, trim_end(s, m->vstart, m->vend)))
        return; /* migrations: undefined: Prisma's default */
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
    free(out->file);
    out->text = NULL;
    out->file = NULL;
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

    c->ds_set = true;
    cfg_url_clear(&c->url);
    cfg_url_clear(&c->direct);
    cfg_url_clear(&c->shadow);
    if (!m->shorthand && is_nothing(s, m->vstart, trim_end(s, m->vstart, m->vend)))
        return; /* datasource: undefined */
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

static void read_members(struct cfg *c, size_t open, size_t end);
static void read_config_text(struct cfg *c);

/* A spread the gate cannot read: it may set migrations and datasource. */
static void spread_unknown(struct cfg *c, size_t at, char *why)
{
    c->spread_line = line_at(c, at);
    c->spread_mig = c->spread_ds = true;
    free(c->spread_why);
    c->spread_why = why;
}

/* The index of the first tok at depth 0 in c[b..e) (outside strings), or e. */
static size_t find_top(const char *c, size_t b, size_t e, const char *tok)
{
    size_t n = strlen(tok);
    int depth = 0;

    for (size_t i = b; i < e; i++) {
        char ch = c[i];

        if (ch == '"' || ch == '\'' || ch == '`') {
            i = skip_string(c, e, i) - 1;
            continue;
        }
        if (ch == '{' || ch == '(' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ')' || ch == ']')
            depth--;
        else if (!depth && i + n <= e && !strncmp(c + i, tok, n))
            return i;
    }
    return e;
}

/* c[b..e) without whitespace and the parentheses around all of it. */
static void strip_parens(const char *c, size_t *b, size_t *e)
{
    for (;;) {
        *b = skip_ws(c, *e, *b);
        *e = trim_end(c, *b, *e);
        if (*e - *b < 2 || c[*b] != '(' || match_close(c, *e, *b) != *e - 1)
            return;
        (*b)++;
        (*e)--;
    }
}

/* The ':' of the conditional whose '?' is just before b, in c[b..e), or e. */
static size_t find_colon(const char *c, size_t b, size_t e)
{
    int depth = 0, nest = 0;

    for (size_t i = b; i < e; i++) {
        char ch = c[i];

        if (ch == '"' || ch == '\'' || ch == '`') {
            i = skip_string(c, e, i) - 1;
        } else if (ch == '{' || ch == '(' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ')' || ch == ']') {
            depth--;
        } else if (depth) {
            continue;
        } else if (ch == '?' && i + 1 < e && (c[i + 1] == '.' || c[i + 1] == '?')) {
            i++; /* ?. and ?? */
        } else if (ch == '?') {
            nest++;
        } else if (ch == ':') {
            if (!nest)
                return i;
            nest--;
        }
    }
    return e;
}

/* The '?' of a conditional at depth 0 in c[b..e) (not ?. or ??), or e. */
static size_t find_question(const char *c, size_t b, size_t e)
{
    size_t q = find_top(c, b, e, "?");

    while (q + 1 < e && (c[q + 1] == '.' || c[q + 1] == '?'))
        q = find_top(c, q + 2, e, "?");
    return q;
}

/* ------------------------------------------------- conditions on process.env */

/*
 * A condition the gate evaluates is built from process.env.X (or
 * process.env["X"]), string literals, true/false/undefined, ===, !==, ==,
 * !=, !, &&, || and parentheses: what Prisma's child process would see,
 * since the gate starts it with its own environment (plus the variables
 * in env_set, which it sets).
 */
enum jskind { JS_UNKNOWN, JS_UNDEF, JS_STR, JS_BOOL, JS_SET };

struct jsval {
    enum jskind kind;
    const char *s; /* JS_STR */
    size_t n;
    bool b; /* JS_BOOL */
};

struct ev {
    const struct cfg *c;
    size_t i, e;
    bool bad;
    char *owned[8]; /* literal texts to free */
    size_t nowned;
};

static int truth(const struct jsval *v) /* 1 true, 0 false, -1 unknown */
{
    switch (v->kind) {
    case JS_UNDEF:
        return 0;
    case JS_STR:
        return v->n > 0;
    case JS_BOOL:
        return v->b;
    case JS_SET:
        return 1;
    default:
        return -1;
    }
}

static bool ev_eat(struct ev *ev, const char *tok)
{
    size_t n = strlen(tok);

    ev->i = skip_ws(ev->c->code, ev->e, ev->i);
    if (ev->i + n > ev->e || strncmp(ev->c->code + ev->i, tok, n))
        return false;
    ev->i += n;
    return true;
}

static struct jsval env_value(const struct cfg *c, const char *name, size_t n)
{
    struct jsval v = {JS_UNDEF, NULL, 0, false};
    char buf[128];
    const char *val;

    if (n >= sizeof(buf)) {
        v.kind = JS_UNKNOWN;
        return v;
    }
    memcpy(buf, name, n);
    buf[n] = '\0';
    for (size_t i = 0; c->env_set && c->env_set[i]; i++) {
        if (!strcmp(c->env_set[i], buf)) {
            v.kind = JS_SET;
            return v;
        }
    }
    val = getenv(buf);
    if (val) {
        v.kind = JS_STR;
        v.s = val;
        v.n = strlen(val);
    }
    return v;
}

static int ev_or(struct ev *ev);

static struct jsval ev_primary(struct ev *ev)
{
    const char *s = ev->c->code;
    struct jsval v = {JS_UNKNOWN, NULL, 0, false};
    size_t i = skip_ws(s, ev->e, ev->i), k;

    ev->i = i;
    if (i >= ev->e) {
        ev->bad = true;
        return v;
    }
    if (s[i] == '(') {
        int t;

        ev->i = i + 1;
        t = ev_or(ev);
        if (!ev_eat(ev, ")"))
            ev->bad = true;
        v.kind = t < 0 ? JS_UNKNOWN : JS_BOOL;
        v.b = t == 1;
        return v;
    }
    if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
        size_t qe = skip_string(s, ev->e, i);
        char *lit = literal_value(s, ev->c->len, i, qe);

        ev->i = qe;
        if (!lit || ev->nowned == GATE_ARRAY_SIZE(ev->owned)) {
            free(lit);
            ev->bad = true;
            return v;
        }
        ev->owned[ev->nowned++] = lit;
        v.kind = JS_STR;
        v.s = lit;
        v.n = strlen(lit);
        return v;
    }
    if (word_at(s, ev->e, i, "true") || word_at(s, ev->e, i, "false")) {
        v.kind = JS_BOOL;
        v.b = s[i] == 't';
        ev->i = i + (v.b ? 4 : 5);
        return v;
    }
    if (word_at(s, ev->e, i, "undefined")) {
        v.kind = JS_UNDEF;
        ev->i = i + 9;
        return v;
    }
    if (ev->e - i > 12 && !strncmp(s + i, "process.env.", 12)) {
        k = ident_end(s, ev->e, i + 12);
        if (k > i + 12) {
            ev->i = k;
            return env_value(ev->c, s + i + 12, k - i - 12);
        }
    }
    if (ev->e - i > 13 && !strncmp(s + i, "process.env[", 12) &&
        (s[i + 12] == '"' || s[i + 12] == '\'')) {
        size_t qe = skip_string(s, ev->e, i + 12);

        if (qe < ev->e && s[qe] == ']' && qe - i - 12 >= 2) {
            ev->i = qe + 1;
            return env_value(ev->c, s + i + 13, qe - i - 14);
        }
    }
    ev->bad = true;
    return v;
}

/* ! unary | primary [(=== | !== | == | !=) primary]: 1, 0, -1 unknown */
static int ev_unary(struct ev *ev)
{
    struct jsval x, y;
    bool neg;
    int eq;

    ev->i = skip_ws(ev->c->code, ev->e, ev->i);
    if (ev->i < ev->e && ev->c->code[ev->i] == '!' &&
        !(ev->i + 1 < ev->e && ev->c->code[ev->i + 1] == '=')) {
        int t;

        ev->i++;
        t = ev_unary(ev);
        return t < 0 ? t : !t;
    }
    x = ev_primary(ev);
    if (ev->bad)
        return -1;
    if (ev_eat(ev, "===") || ev_eat(ev, "=="))
        neg = false;
    else if (ev_eat(ev, "!==") || ev_eat(ev, "!="))
        neg = true;
    else
        return truth(&x);
    y = ev_primary(ev);
    if (ev->bad || x.kind == JS_UNKNOWN || y.kind == JS_UNKNOWN || x.kind == JS_SET ||
        y.kind == JS_SET)
        return -1;
    if (x.kind != y.kind)
        eq = 0;
    else if (x.kind == JS_STR)
        eq = x.n == y.n && !memcmp(x.s, y.s, x.n);
    else if (x.kind == JS_BOOL)
        eq = x.b == y.b;
    else
        eq = 1; /* undefined, undefined */
    return neg ? !eq : eq;
}

static int ev_and(struct ev *ev)
{
    int r = ev_unary(ev);

    while (!ev->bad && ev_eat(ev, "&&")) {
        int t = ev_unary(ev);

        r = (r == 0 || t == 0) ? 0 : (r < 0 || t < 0) ? -1 : 1;
    }
    return r;
}

static int ev_or(struct ev *ev)
{
    int r = ev_and(ev);

    while (!ev->bad && ev_eat(ev, "||")) {
        int t = ev_and(ev);

        r = (r == 1 || t == 1) ? 1 : (r < 0 || t < 0) ? -1 : 0;
    }
    return r;
}

/* The condition c->code[b..e): 1 true, 0 false, -1 not one the gate evaluates. */
static int eval_cond(const struct cfg *c, size_t b, size_t e)
{
    struct ev ev;
    int r;

    memset(&ev, 0, sizeof(ev));
    ev.c = c;
    ev.i = b;
    ev.e = e;
    r = ev_or(&ev);
    if (skip_ws(c->code, e, ev.i) != e)
        ev.bad = true;
    for (size_t i = 0; i < ev.nowned; i++)
        free(ev.owned[i]);
    return ev.bad ? -1 : r;
}

/* ------------------------------------------------- what a spread sets */

/* A config file spread into this one, read as this one is. */
static void apply_import(struct cfg *c, size_t at, const char *spec, size_t specn)
{
    static const char *const exts[] = {"", ".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"};
    char *rel = gate_xstrndup(spec, specn);
    char *dir, *found = NULL, *text = NULL;
    size_t len = 0;
    struct gate_err err = {0};
    struct cfg child;
    size_t rl = strlen(rel);

    if (!c->file || !(rel[0] == '.' || rel[0] == '/')) {
        spread_unknown(c, at,
                       gate_xasprintf("it spreads an import of '%s', which the gate does not "
                                      "read (only config files imported by a relative path)",
                                      rel));
        free(rel);
        return;
    }
    if (c->depth >= CONFIG_DEPTH) {
        spread_unknown(c, at,
                       gate_xasprintf("it spreads an import of '%s' more than %d files deep", rel,
                                      CONFIG_DEPTH));
        free(rel);
        return;
    }
    dir = gate_path_dir(c->file);
    /* './base', './base.ts', and './base.js' naming base.ts (TypeScript's rule) */
    for (size_t k = 0; k < 2 && !found; k++) {
        for (size_t i = 0; i < GATE_ARRAY_SIZE(exts) && !found; i++) {
            char *p;

            if (k == 1 &&
                !(rl > 3 && rel[rl - 3] == '.' && rel[rl - 2] == 'j' && rel[rl - 1] == 's'))
                break;
            p = k == 0 ? gate_xasprintf("%s%s", rel, exts[i])
                       : gate_xasprintf("%.*s%s", (int)(rl - 3), rel, exts[i]);
            found = gate_path_resolve(dir, p);
            free(p);
            if (gate_path_kind(found) != GATE_PATH_FILE) {
                free(found);
                found = NULL;
            }
        }
    }
    free(dir);
    if (!found) {
        spread_unknown(c, at,
                       gate_xasprintf("it spreads an import of '%s', which is not a file", rel));
        free(rel);
        return;
    }
    if (gate_read_file(found, CONFIG_MAX, &text, &len, &err)) {
        spread_unknown(c, at,
                       gate_xasprintf("it spreads %s, which cannot be read: %s", found, err.msg));
        free(found);
        free(rel);
        return;
    }
    memset(&child, 0, sizeof(child));
    child.text = text;
    child.len = len;
    child.code = gate_xstrndup(text, len);
    child.file = found;
    child.env_set = c->env_set;
    child.depth = c->depth + 1;
    read_config_text(&child);
    if (!child.found) {
        spread_unknown(c, at,
                       gate_xasprintf("it spreads %s, which has no defineConfig({...}) or export "
                                      "default {...} object the gate can read",
                                      found));
    } else {
        /* its keys, in order, as if written here: the last setting wins */
        if (child.mig_set) {
            c->mig_set = true;
            c->mig = child.mig;
            free(c->mig_path);
            c->mig_path = child.mig_path;
            child.mig_path = NULL;
            c->mig_line = child.mig_line;
            c->mig_why = child.mig_why;
            free(c->mig_file);
            c->mig_file = child.mig_file ? child.mig_file : gate_xstrdup(found);
            child.mig_file = NULL;
            c->mig_via = line_at(c, at);
            c->spread_mig = false;
        }
        if (child.ds_set) {
            struct cfg_url *from[] = {&child.url, &child.direct, &child.shadow};
            struct cfg_url *to[] = {&c->url, &c->direct, &c->shadow};

            c->ds_set = true;
            c->spread_ds = false;
            for (size_t i = 0; i < 3; i++) {
                cfg_url_clear(to[i]);
                *to[i] = *from[i];
                if (to[i]->kind && !to[i]->file)
                    to[i]->file = gate_xstrdup(found);
                memset(from[i], 0, sizeof(*from[i]));
            }
        }
        if (child.spread_mig || child.spread_ds) {
            bool m = c->spread_mig || child.spread_mig, d = c->spread_ds || child.spread_ds;

            spread_unknown(c, at,
                           gate_xasprintf("it spreads %s, whose spread at line %d cannot be read: "
                                          "%s",
                                          found, child.spread_line, child.spread_why));
            c->spread_mig = m;
            c->spread_ds = d;
        }
    }
    cfg_release(&child);
    free(child.code);
    free(text);
    free(found);
    free(rel);
}

/*
 * NAME spread or used as a branch: a top-level const/let/var NAME = {...}
 * (or defineConfig({...})) in this file, or a default import
 * (import NAME from '...', const NAME = require('...')) of a config file.
 */
static void apply_ident(struct cfg *c, size_t at, size_t b, size_t e)
{
    const char *s = c->code;
    size_t n = e - b;

    for (size_t i = 0; i < c->len; i++) {
        size_t k, q;

        if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
            i = skip_string(s, c->len, i) - 1;
            continue;
        }
        if (word_at(s, c->len, i, "import")) {
            k = skip_ws(s, c->len, i + 6);
            if (word_at(s, c->len, k, "type"))
                continue;
            if (k + n <= c->len && !strncmp(s + k, s + b, n) && ident_end(s, c->len, k) == k + n) {
                q = find_top(s, k + n, c->len, "from");
                while (q < c->len && !word_at(s, c->len, q, "from"))
                    q = find_top(s, q + 1, c->len, "from");
                q = q < c->len ? skip_ws(s, c->len, q + 4) : c->len;
                if (q < c->len && (s[q] == '"' || s[q] == '\'')) {
                    size_t qe = skip_string(s, c->len, q);

                    apply_import(c, at, s + q + 1, qe - q - 2);
                    return;
                }
            }
            continue;
        }
        if (!(word_at(s, c->len, i, "const") || word_at(s, c->len, i, "let") ||
              word_at(s, c->len, i, "var")))
            continue;
        k = skip_ws(s, c->len, i + (s[i] == 'c' ? 5 : 3));
        if (!(k + n <= c->len && !strncmp(s + k, s + b, n) && ident_end(s, c->len, k) == k + n))
            continue;
        k = skip_ws(s, c->len, k + n);
        if (k < c->len && s[k] == ':') { /* const base: PrismaConfig = */
            while (k < c->len && !(s[k] == '=' && s[k + 1] != '=' && s[k + 1] != '>'))
                k++;
        }
        if (k >= c->len || s[k] != '=' || (k + 1 < c->len && s[k + 1] == '='))
            continue;
        k = skip_ws(s, c->len, k + 1);
        if (word_at(s, c->len, k, "defineConfig")) {
            k = skip_ws(s, c->len, k + 12);
            if (k < c->len && s[k] == '(')
                k = skip_ws(s, c->len, k + 1);
        }
        if (k < c->len && s[k] == '{') {
            read_members(c, k, match_close(s, c->len, k));
            return;
        }
        if (word_at(s, c->len, k, "require")) {
            q = skip_ws(s, c->len, k + 7);
            q = q < c->len && s[q] == '(' ? skip_ws(s, c->len, q + 1) : c->len;
            if (q < c->len && (s[q] == '"' || s[q] == '\'')) {
                size_t qe = skip_string(s, c->len, q);

                apply_import(c, at, s + q + 1, qe - q - 2);
                return;
            }
        }
        break;
    }
    spread_unknown(c, at,
                   gate_xasprintf("it spreads `%.*s`, which is neither an object written in the "
                                  "file nor a config file imported by a relative path",
                                  (int)n, s + b));
}

static bool value_sets(const struct cfg *c, size_t at, size_t b, size_t e);
static void apply_value(struct cfg *c, size_t at, size_t b, size_t e);

/* COND ? A : B (q: the '?'), COND && A (q: the last "&&") spread at `at`. */
static void apply_cond(struct cfg *c, size_t at, size_t b, size_t q, size_t e, bool ternary)
{
    static const char why[] = "%s, and its condition is not one the gate evaluates (process.env "
                              "tests: process.env.X, ===, !==, !, &&, ||)";
    const char *s = c->code;
    size_t col = ternary ? find_colon(s, q + 1, e) : e;
    size_t tb = q + (ternary ? 1 : 2);
    int t;

    if (ternary && col >= e) {
        spread_unknown(c, at, gate_xstrdup("its conditional cannot be parsed"));
        return;
    }
    t = eval_cond(c, b, q);
    if (t == 1)
        apply_value(c, at, tb, col);
    else if (t == 0 && ternary)
        apply_value(c, at, col + 1, e);
    else if (t < 0 && (value_sets(c, at, tb, col) || (ternary && value_sets(c, at, col + 1, e))))
        spread_unknown(c, at, gate_xasprintf(why, "a branch sets migrations or datasource"));
}

/* The value c->code[b..e) spread at `at`, applied to c. */
static void apply_value(struct cfg *c, size_t at, size_t b, size_t e)
{
    const char *s = c->code;
    size_t q, and = e;

    strip_parens(s, &b, &e);
    if (b >= e || is_nothing(s, b, e))
        return;
    q = find_question(s, b, e);
    if (q < e) {
        apply_cond(c, at, b, q, e, true);
        return;
    }
    for (size_t k = find_top(s, b, e, "&&"); k < e; k = find_top(s, k + 2, e, "&&"))
        and = k;
    if (and < e) {
        apply_cond(c, at, b, and, e, false);
        return;
    }
    if (s[b] == '{' && match_close(s, e, b) == e - 1) {
        read_members(c, b, e - 1);
        return;
    }
    if (ident_end(s, e, b) == e && !isdigit((unsigned char)s[b])) {
        apply_ident(c, at, b, e);
        return;
    }
    spread_unknown(c, at,
                   gate_xstrdup("it spreads an expression the gate does not evaluate (a call, a "
                                "member or an operator)"));
}

/* Whether the value c->code[b..e) sets migrations or datasource (read on a scratch copy). */
static bool value_sets(const struct cfg *c, size_t at, size_t b, size_t e)
{
    struct cfg t;
    bool sets;

    memset(&t, 0, sizeof(t));
    t.text = c->text;
    t.code = c->code;
    t.len = c->len;
    t.file = c->file;
    t.env_set = c->env_set;
    t.depth = c->depth;
    t.nest = c->nest;
    apply_value(&t, at, b, e);
    sets = t.mig_set || t.ds_set || t.spread_mig || t.spread_ds;
    cfg_release(&t);
    return sets;
}

/*
 * A spread (...X) in the config object: what it sets is applied as if
 * written there. Understood: an object literal, undefined/{}; NAME (see
 * apply_ident); COND ? A : B and COND && A where COND is a process.env
 * condition (eval_cond), or any condition when no branch sets migrations
 * or datasource. Anything else may set both: spread_unknown.
 */
static void read_spread(struct cfg *c, const struct member *m)
{
    if (c->nest >= 16) {
        spread_unknown(c, m->vstart, gate_xstrdup("its spreads nest more than 16 deep"));
        return;
    }
    c->nest++;
    apply_value(c, m->vstart, m->vstart, m->vend);
    c->nest--;
}

/* The members of the object literal c->code[open] ('{') .. end ('}'), in order. */
static void read_members(struct cfg *c, size_t open, size_t end)
{
    size_t i;
    struct member m;

    for (i = open + 1; i < end;) {
        i = next_member(c->code, end, i, &m);
        if (i > end)
            break;
        if (m.spread) {
            read_spread(c, &m);
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

static void read_config_text(struct cfg *c)
{
    size_t open;

    blank_comments(c);
    open = find_object(c);
    if (open >= c->len)
        return;
    c->found = true;
    read_members(c, open, match_close(c->code, c->len, open));
}

/* Read text (the config file `file`, NULL: imports are not followed) into c. */
static void cfg_read(struct cfg *c, const char *text, size_t len, const char *file,
                     const char *const *env_set)
{
    memset(c, 0, sizeof(*c));
    c->text = text;
    c->len = len;
    c->code = gate_xstrndup(text, len);
    c->file = file;
    c->env_set = env_set;
    read_config_text(c);
}

int gate_prisma_config_url(const char *text, size_t len, const char *file, char **value)
{
    struct cfg c;
    int res;

    cfg_read(&c, text, len, file, NULL);
    res = !c.found ? -1 : c.spread_ds ? 3 : c.url.kind;
    *value = res == 1 || res == 2 ? c.url.text : NULL;
    if (*value)
        c.url.text = NULL;
    cfg_release(&c);
    free(c.code);
    return res;
}

int gate_prisma_config_migrations(const char *text, size_t len, const char *file, char **path)
{
    struct cfg c;
    int res;

    cfg_read(&c, text, len, file, NULL);
    res = !c.found ? -1 : c.spread_mig ? 2 : c.mig;
    *path = res == 1 ? c.mig_path : NULL;
    if (*path)
        c.mig_path = NULL;
    cfg_release(&c);
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
    struct cfg c;
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
        if (gate_read_file(u->config, CONFIG_MAX, &text, &len, &err)) {
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
        cfg_read(&c, text, len, u->config, env_set);
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
        bad = !c.found || c.spread_mig || c.mig == 2;
        cfg_release(&c);
        free(c.code);
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
