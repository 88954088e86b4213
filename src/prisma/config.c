/* SPDX-License-Identifier: MIT */
/*
 * config.c - a Prisma config file (prisma.config.ts, .js, ...) read as
 * text, never run (prisma_config.h): the object given to defineConfig(...),
 * its migrations and datasource keys, and the spreads in it that the gate
 * can follow (objects in the file, config files imported by a relative
 * path, conditions on process.env).
 */
#include "gate/compat.h"
#include "gate/prisma_config.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/fs.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* How deep imported config files are followed (a spread of a spread of ...). */
#define CONFIG_DEPTH 4

/* Spread values read in one config, files and scratch copies together: beyond it, give up. */
#define SPREAD_BUDGET 1024

struct envmod;

struct cfg {
    const char *text; /* original */
    char *code;       /* comments blanked, same length */
    size_t len;
    const char *file;            /* its path (imports are read relative to it); NULL: none */
    const char *const *env_set;  /* variables the child's environment sets, NULL-terminated */
    int depth;                   /* imports followed to reach this file */
    int nest;                    /* spreads being read inside each other (a guard) */
    struct envmod *env;          /* what the config's code does to process.env (shared) */
    size_t open, name, namelen;  /* find_object's answer (env_prepare) */
    size_t *work;                /* spreads read so far, in all files (shared): a budget */
    bool mig_set;                /* a migrations key (or a readable spread setting one) was seen */
    bool ds_set;                 /* a datasource key (or a readable spread setting one) was seen */
    struct gate_prisma_config r; /* the results */
};

static void url_clear(struct gate_prisma_config_url *u)
{
    free(u->text);
    free(u->file);
    memset(u, 0, sizeof(*u));
}

/* Everything a read left in c (not text, code or file). */
static void cfg_release(struct cfg *c)
{
    gate_prisma_config_release(&c->r);
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

static size_t trim_end(const char *c, size_t s, size_t e)
{
    while (e > s && isspace((unsigned char)c[e - 1]))
        e--;
    return e;
}

/* An identifier at c[i..]: its end, or i when there is none. */
static size_t ident_end(const char *c, size_t len, size_t i)
{
    while (i < len && (isalnum((unsigned char)c[i]) || c[i] == '_' || c[i] == '$'))
        i++;
    return i;
}

/* The identifier s[b..b+n) is also the whole identifier at s[k..] (its end may go on). */
static bool ident_is(const char *s, size_t len, size_t k, size_t b, size_t n)
{
    return k + n <= len && !strncmp(s + k, s + b, n) && ident_end(s, len, k) == k + n;
}

/* i moved back over the blanks before it. */
static size_t back_blanks(const char *s, size_t i)
{
    while (i > 0 && isspace((unsigned char)s[i - 1]))
        i--;
    return i;
}

/*
 * Walk the object literal at c[open] ('{'): call back for each key
 * (key text, value start, value end) and each spread (start, end).
 */
struct member {
    char key[64];
    bool spread;
    bool shorthand; /* { migrations }, a method or an accessor: no readable value */
    bool computed;  /* [expression]: any key */
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
    if (c[i] == '[') { /* ['migrations']: a literal key; [expr]: any key */
        size_t close = match_close(c, len, i), q = skip_ws(c, close, i + 1);
        char *lit = q < close && (c[q] == '"' || c[q] == '\'' || c[q] == '`')
                        ? literal_value(c, len, q, trim_end(c, q, close))
                        : NULL;

        if (!lit)
            m->computed = true;
        else
            (void)snprintf(m->key, sizeof(m->key), "%s", lit);
        free(lit);
        if (close >= len) { /* no ']' */
            m->computed = true;
            m->vstart = m->vend = len;
            return len;
        }
        k = close + 1;
    } else if (c[i] == '"' || c[i] == '\'') {
        size_t e = skip_string(c, len, i);
        size_t n = e - i >= 2 ? e - i - 2 : 0;

        if (n >= sizeof(m->key))
            n = sizeof(m->key) - 1;
        memcpy(m->key, c + i + 1, n);
        k = e;
    } else {
        size_t s = i, a;

        i = ident_end(c, len, i);
        if (i == s) { /* something else */
            m->shorthand = true;
            m->vstart = s;
            m->vend = skip_value(c, len, s);
            return m->vend;
        }
        a = skip_ws(c, len, i);
        if (a > i && ident_end(c, len, a) > a &&
            (word_at(c, len, s, "get") || word_at(c, len, s, "set") ||
             word_at(c, len, s, "async"))) {
            /* get migrations() {...}: the key is the next name, its value code */
            s = a;
            i = ident_end(c, len, a);
            m->shorthand = true;
        }
        memcpy(m->key, c + s, i - s < sizeof(m->key) ? i - s : sizeof(m->key) - 1);
        k = i;
        if (m->shorthand) {
            m->vstart = k;
            m->vend = skip_value(c, len, k);
            return m->vend;
        }
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

/* migrations set at `at` in a way the gate cannot check (why: static text). */
static void mig_unreadable(struct cfg *c, size_t at, const char *why)
{
    free(c->r.mig_path);
    c->r.mig_path = NULL;
    c->r.mig = 2;
    c->r.mig_line = line_at(c, at);
    c->r.mig_why = why;
}

static void read_migrations(struct cfg *c, const struct member *m)
{
    const char *s = c->code;
    size_t vend;
    size_t i;
    struct member in;

    c->mig_set = true;
    c->r.mig = 0;
    c->r.mig_line = line_at(c, m->vstart);
    c->r.mig_via = 0;
    free(c->r.mig_file);
    c->r.mig_file = NULL;
    free(c->r.mig_path);
    c->r.mig_path = NULL;
    if (is_nothing(s, m->vstart, trim_end(s, m->vstart, m->vend)))
        return; /* migrations: undefined: Prisma's default */
    if (m->shorthand || m->vstart >= m->vend || s[m->vstart] != '{' ||
        skip_ws(s, m->vend, match_close(s, c->len, m->vstart) + 1) != m->vend) {
        mig_unreadable(c, m->vstart, "its value is not an object literal");
        return;
    }
    vend = match_close(s, c->len, m->vstart);
    for (i = m->vstart + 1; i < vend;) {
        i = next_member(s, vend, i, &in);
        if (i > vend)
            break;
        if (in.spread || in.computed) {
            mig_unreadable(c, in.vstart,
                           in.spread ? "it spreads another object (...) that may set path"
                                     : "a computed key ([...]) in it may be path");
            return;
        }
        if (!strcmp(in.key, "path")) {
            size_t ve = trim_end(s, in.vstart, in.vend);
            char *lit = in.shorthand ? NULL : literal_value(s, c->len, in.vstart, ve);

            if (!lit) {
                mig_unreadable(c, in.vstart, "migrations.path is not a plain string literal");
                return;
            }
            c->r.mig_line = line_at(c, in.vstart);
            free(c->r.mig_path);
            c->r.mig_path = lit;
            c->r.mig = 1;
        }
        if (i < vend && s[i] == ',')
            i++;
    }
}

/* i, or past the string literals that start there: the next position in code from i. */
static size_t code_from(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == '"' || s[i] == '\'' || s[i] == '`'))
        i = skip_string(s, len, i);
    return i;
}

/* The '{' of `{` or `defineConfig<T>({` at s[k..] (after blanks), or len. */
static size_t object_at(const char *s, size_t len, size_t k)
{
    k = skip_ws(s, len, k);
    if (word_at(s, len, k, "defineConfig")) {
        k = skip_ws(s, len, k + 12);
        if (k < len && s[k] == '<') { /* defineConfig<T>( */
            while (k < len && s[k] != '>')
                k++;
            k = skip_ws(s, len, k + 1);
        }
        if (k >= len || s[k] != '(')
            return len;
        k = skip_ws(s, len, k + 1);
    }
    return k < len && s[k] == '{' ? k : len;
}

/* The value of `const|let|var NAME [: Type] = value` in s (NAME: s[b..b+n)): its start, or len. */
static size_t decl_value(const char *s, size_t len, size_t b, size_t n)
{
    for (size_t i = code_from(s, len, 0); i < len; i = code_from(s, len, i + 1)) {
        size_t k;

        if (!(word_at(s, len, i, "const") || word_at(s, len, i, "let") ||
              word_at(s, len, i, "var")))
            continue;
        k = skip_ws(s, len, i + (s[i] == 'c' ? 5 : 3));
        if (k == b || !ident_is(s, len, k, b, n))
            continue;
        k = skip_ws(s, len, k + n);
        if (k < len && s[k] == ':') { /* const base: PrismaConfig = */
            while (k + 1 < len && !(s[k] == '=' && s[k + 1] != '=' && s[k + 1] != '>'))
                k++;
        }
        if (k >= len || s[k] != '=' || (k + 1 < len && s[k + 1] == '='))
            continue;
        return skip_ws(s, len, k + 1);
    }
    return len;
}

/*
 * `export { ..., NAME as default, ... }` with s[k] its '{': NAME's start
 * (*n: its length), else len: no default in the list, something the
 * reader does not know in it, or a re-export (`} from '...'`), whose NAME
 * is the other module's, not a const of this file.
 */
static size_t export_list_default(const char *s, size_t len, size_t k, size_t *n)
{
    size_t end = match_close(s, len, k);
    size_t j = k + 1;

    if (end >= len || word_at(s, len, skip_ws(s, len, end + 1), "from"))
        return len;
    while ((j = skip_ws(s, end, j)) < end) {
        size_t a = j, e = ident_end(s, end, a), t;

        if (e == a)
            return len;
        t = skip_ws(s, end, e);
        if (word_at(s, end, a, "type") && ident_end(s, end, t) > t &&
            !word_at(s, end, t, "as")) { /* export { type T } (TypeScript) */
            a = t;
            e = ident_end(s, end, a);
            t = skip_ws(s, end, e);
        }
        if (word_at(s, end, t, "as")) {
            size_t d = skip_ws(s, end, t + 2);

            if (word_at(s, end, d, "default")) {
                *n = e - a;
                return a;
            }
            t = skip_ws(s, end, ident_end(s, end, d));
        }
        if (t < end && s[t] != ',')
            return len;
        j = t + 1;
    }
    return len;
}

/*
 * The '{' of the object the file exports: `export default` or
 * `module.exports =` followed by {...}, defineConfig({...}) or the name of
 * a const/let/var holding one, or `export { NAME as default }` (*name,
 * *namelen: that name, else 0). len when there is none, or it is something
 * else: only the exported object is Prisma's config, not the first
 * defineConfig in the file.
 */
static size_t find_object(const struct cfg *c, size_t *name, size_t *namelen)
{
    const char *s = c->code;
    size_t len = c->len;

    *name = *namelen = 0;
    for (size_t i = code_from(s, len, 0); i < len; i = code_from(s, len, i + 1)) {
        size_t k, o, e;

        k = len;
        if (word_at(s, len, i, "export")) {
            k = skip_ws(s, len, i + 6);
            if (k < len && s[k] == '{') {
                size_t n = 0;

                k = export_list_default(s, len, k, &n);
                if (k >= len)
                    continue;
                *name = k;
                *namelen = n;
                o = decl_value(s, len, k, n);
                return o < len ? object_at(s, len, o) : len;
            }
            k = word_at(s, len, k, "default") ? k + 7 : len;
        } else if (word_at(s, len, i, "module") && !strncmp(s + i, "module.exports", 14)) {
            k = skip_ws(s, len, i + 14);
            k = k < len && s[k] == '=' && s[k + 1] != '=' ? k + 1 : len;
        }
        if (k >= len)
            continue;
        o = object_at(s, len, k);
        if (o < len)
            return o;
        k = skip_ws(s, len, k);
        e = ident_end(s, len, k);
        if (e == k || isdigit((unsigned char)s[k]))
            return len;
        *name = k;
        *namelen = e - k;
        o = decl_value(s, len, k, e - k);
        return o < len ? object_at(s, len, o) : len;
    }
    return len;
}

static bool assigns(const char *c, size_t len, size_t i);

/*
 * The exported object's name s[b..b+n) changed after it is built:
 * NAME.migrations / NAME.datasource (or NAME["..."]) assigned, or
 * Object.assign(NAME, ...). The offset of the first, or len.
 */
static size_t mutated(const char *s, size_t len, size_t b, size_t n)
{
    for (size_t i = code_from(s, len, 0); i < len; i = code_from(s, len, i + 1)) {
        size_t k;

        if (i == b || !(ident_is(s, len, i, b, n) &&
                        (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_' ||
                                     s[i - 1] == '$' || s[i - 1] == '.'))))
            continue;
        k = skip_ws(s, len, i + n);
        if (k < len && (s[k] == '.' || s[k] == '[')) {
            size_t e = s[k] == '.' ? ident_end(s, len, k + 1) : match_close(s, len, k) + 1;

            while (e < len && (s[e] == '.' || s[e] == '[')) /* NAME.migrations.path = */
                e = s[e] == '.' ? ident_end(s, len, e + 1) : match_close(s, len, e) + 1;
            if (e < len && assigns(s, len, e))
                return i;
        }
        k = back_blanks(s, i);
        if (k >= 14 && !strncmp(s + k - 14, "Object.assign(", 14))
            return i;
    }
    return len;
}

/* env("X"), env('X'), process.env.X, process.env["X"], "literal" or something else. */
static void read_url_value(struct cfg *c, const struct member *m,
                           struct gate_prisma_config_url *out)
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
    url_clear(&c->r.url);
    url_clear(&c->r.direct);
    url_clear(&c->r.shadow);
    if (!m->shorthand && is_nothing(s, m->vstart, trim_end(s, m->vstart, m->vend)))
        return; /* datasource: undefined */
    if (m->shorthand || m->vstart >= m->vend || s[m->vstart] != '{') {
        c->r.url.kind = 3;
        c->r.url.line = line_at(c, m->vstart);
        return;
    }
    vend = match_close(s, c->len, m->vstart);
    for (i = m->vstart + 1; i < vend;) {
        i = next_member(s, vend, i, &in);
        if (i > vend)
            break;
        if (in.spread || in.computed) { /* may set url or directUrl: neither readable */
            url_clear(&c->r.url);
            url_clear(&c->r.direct);
            c->r.url.kind = c->r.direct.kind = 3;
            c->r.url.line = c->r.direct.line = line_at(c, in.vstart);
        } else if (!strcmp(in.key, "url")) {
            read_url_value(c, &in, &c->r.url);
        } else if (!strcmp(in.key, "directUrl")) {
            read_url_value(c, &in, &c->r.direct);
        } else if (!strcmp(in.key, "shadowDatabaseUrl")) {
            read_url_value(c, &in, &c->r.shadow);
        }
        if (i < vend && s[i] == ',')
            i++;
    }
}

static void read_members(struct cfg *c, size_t open, size_t end);
static void read_config_text(struct cfg *c);

/*
 * The file a relative import names (spec from the file `from`): as
 * written, with .ts/.mts/.cts/.js/.mjs/.cjs added, or './x.js' naming x.ts
 * (TypeScript's rule). malloc'd, or NULL.
 */
static char *resolve_import(const char *from, const char *spec)
{
    static const char *const exts[] = {"", ".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"};
    size_t rl = strlen(spec);
    char *dir = gate_path_dir(from), *found = NULL;

    for (size_t k = 0; k < 2 && !found; k++) {
        for (size_t i = 0; i < GATE_ARRAY_SIZE(exts) && !found; i++) {
            char *p;

            if (k == 1 &&
                !(rl > 3 && spec[rl - 3] == '.' && spec[rl - 2] == 'j' && spec[rl - 1] == 's'))
                break;
            p = k == 0 ? gate_xasprintf("%s%s", spec, exts[i])
                       : gate_xasprintf("%.*s%s", (int)(rl - 3), spec, exts[i]);
            found = gate_path_resolve(dir, p);
            free(p);
            if (gate_path_kind(found) != GATE_PATH_FILE) {
                free(found);
                found = NULL;
            }
        }
    }
    free(dir);
    return found;
}

/* ------------------------------------------------- what the code does to process.env */

/*
 * A condition on process.env is evaluated with the environment Prisma's
 * process starts with, so it holds only if the config's code does not
 * change that environment before the object is built. Read first, in the
 * config file up to the end of its object and in every file it imports
 * by a relative path (imports run first): a variable assigned or deleted
 * there is unknown; an env file loaded (dotenv, process.loadEnvFile, Next's
 * loadEnvConfig, node --env-file in NODE_OPTIONS) or a computed name
 * assigned (process.env[name] = ..., Object.assign(process.env, ...))
 * makes every variable unknown.
 */
struct envmod {
    bool all;
    char **names; /* assigned or deleted */
    size_t n;
    char **reads; /* read anywhere (process.env.X, env('X')), for the adapter check */
    size_t nreads;
    char *any; /* where a read names no variable (process.env[k], env(k), the whole process.env) */
    char **urls; /* postgres URLs written as plain string literals */
    size_t nurls;
    char *built; /* where a template literal builds one (`postgres://${...}`), else NULL */
};

/* name[0..n) added to the list *v (*nv entries) unless it is there. */
static void name_add(char ***v, size_t *nv, const char *name, size_t n)
{
    for (size_t i = 0; i < *nv; i++)
        if (strlen((*v)[i]) == n && !strncmp((*v)[i], name, n))
            return;
    *v = gate_xrealloc(*v, (*nv + 1) * sizeof(**v));
    (*v)[(*nv)++] = gate_xstrndup(name, n);
}

static void env_add(struct envmod *m, const char *name, size_t n)
{
    name_add(&m->names, &m->n, name, n);
}

static void names_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void env_release(struct envmod *m)
{
    names_free(m->names, m->n);
    names_free(m->reads, m->nreads);
    free(m->any);
    names_free(m->urls, m->nurls);
    free(m->built);
    memset(m, 0, sizeof(*m));
}

/* An assignment operator (=, +=, ||=, &&=, ??=, not == or =>) at c[i..]. */
static bool assigns(const char *c, size_t len, size_t i)
{
    static const char *const ops[] = {"||=", "&&=", "?\?=", "+="};

    i = skip_ws(c, len, i);
    if (i < len && c[i] == '=')
        return !(i + 1 < len && (c[i + 1] == '=' || c[i + 1] == '>'));
    for (size_t k = 0; k < GATE_ARRAY_SIZE(ops); k++)
        if (!strncmp(c + i, ops[k], strlen(ops[k])))
            return true;
    return false;
}

static void env_scan_file(struct envmod *m, const char *file, int depth);

/* "line N", and " of FILE" in a file the config imports (malloc'd). */
static char *where_at(const struct cfg *c, size_t i)
{
    return c->depth ? gate_xasprintf("line %d of %s", line_at(c, i), c->file)
                    : gate_xasprintf("line %d", line_at(c, i));
}

/* A read at c->code[i] that names no variable: the first is kept (where). */
static void any_read(struct envmod *m, const struct cfg *c, size_t i, const char *what)
{
    char *where;

    if (m->any)
        return;
    where = where_at(c, i);
    m->any = gate_xasprintf("%s at %s", what, where);
    free(where);
}

static void env_scan_range(struct envmod *m, const struct cfg *c, size_t from, size_t to,
                           size_t limit);

/*
 * The string literal c->code[i..e) when it is a postgres URL: kept (a
 * driver adapter may connect through it), or, built in a template literal
 * (`postgres://${user}@...`), where it is. The scheme alone (as in
 * url.startsWith('postgres://')) is no URL.
 */
static void env_url_literal(struct envmod *m, const struct cfg *c, size_t i, size_t e)
{
    const char *s = c->code;
    size_t scheme = !strncmp(s + i + 1, "postgres://", 11)     ? 11
                    : !strncmp(s + i + 1, "postgresql://", 13) ? 13
                                                               : 0;
    char *lit;

    if (!scheme || e - i < scheme + 3) /* quotes, scheme, at least one more character */
        return;
    lit = literal_value(s, e, i, e);
    if (lit) {
        name_add(&m->urls, &m->nurls, lit, strlen(lit));
        free(lit);
    } else if (!m->built) {
        m->built = where_at(c, i);
    }
}

/*
 * The ${...} expressions of the template literal c->code[i..e) are code
 * (`${process.env.URL}` reads URL): each is scanned as such; the text
 * between them is not.
 */
static void env_scan_template(struct envmod *m, const struct cfg *c, size_t i, size_t e,
                              size_t limit)
{
    const char *s = c->code;

    for (size_t k = i + 1; k + 1 < e; k++) {
        size_t b, depth = 1;

        if (s[k] == '\\') {
            k++;
            continue;
        }
        if (s[k] != '$' || s[k + 1] != '{')
            continue;
        b = k + 2;
        for (k = b; k < e; k++) {
            if (s[k] == '"' || s[k] == '\'' || s[k] == '`') {
                k = skip_string(s, e, k) - 1;
            } else if (s[k] == '{') {
                depth++;
            } else if (s[k] == '}' && !--depth) {
                break;
            }
        }
        env_scan_range(m, c, b, k < e ? k : e, limit);
    }
}

/*
 * c's code: the variables it reads, env files it loads, relative imports
 * (scanned too), and before limit the variables it assigns.
 */
static void env_scan(struct envmod *m, const struct cfg *c, size_t limit)
{
    /*
     * The whole file: imports run first wherever they stand, and a
     * function declared after the object may read the environment; only
     * assignments after the object's end are too late to count.
     */
    env_scan_range(m, c, 0, c->len, limit);
}

/*
 * `{ A, B: b, 'C': c = d } = process.env` with c->code[i] the `p` of
 * process: the keys are the variables read (true); a rest (`...x`) or a
 * computed key reads any; false when process.env is not destructured there.
 */
static bool env_destructured(struct envmod *m, const struct cfg *c, size_t i)
{
    const char *s = c->code;
    size_t b = back_blanks(s, i), open, close, depth = 0;

    if (b < 2 || s[b - 1] != '=' || strchr("=!<>+-*/%&|^?", s[b - 2]))
        return false;
    close = back_blanks(s, b - 1);
    if (close == 0 || s[close - 1] != '}')
        return false;
    close--;
    for (open = close + 1; open-- > 0;) {
        if (s[open] == '}')
            depth++;
        else if (s[open] == '{' && !--depth)
            break;
    }
    if (open > close)
        return false; /* no '{' before it */
    for (size_t k = open + 1; k < close;) {
        size_t e;

        k = skip_ws(s, close, k);
        if (k >= close)
            break;
        if (s[k] == '.' || s[k] == '[') {
            any_read(m, c, i,
                     s[k] == '.' ? "process.env destructured with a rest (...)"
                                 : "process.env destructured with a computed key");
            return true;
        }
        if (s[k] == '"' || s[k] == '\'') {
            e = skip_string(s, close, k);
            if (e - k >= 2)
                name_add(&m->reads, &m->nreads, s + k + 1, e - k - 2);
        } else {
            e = ident_end(s, close, k);
            if (e == k)
                return false; /* not a pattern the reader knows */
            name_add(&m->reads, &m->nreads, s + k, e - k);
        }
        /* past `: alias`, `= default`, a nested pattern: to the next top-level ',' */
        for (depth = 0; e < close && (depth || s[e] != ','); e++) {
            if (s[e] == '"' || s[e] == '\'' || s[e] == '`')
                e = skip_string(s, close, e) - 1;
            else if (s[e] == '{' || s[e] == '[' || s[e] == '(')
                depth++;
            else if ((s[e] == '}' || s[e] == ']' || s[e] == ')') && depth)
                depth--;
        }
        k = e + 1;
    }
    return true;
}

/* env_scan's work on c->code[from..to). */
static void env_scan_range(struct envmod *m, const struct cfg *c, size_t from, size_t to,
                           size_t limit)
{
    const char *s = c->code;
    size_t len = c->len;

    for (size_t i = from; i < to; i++) {
        size_t k;

        if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
            size_t e = skip_string(s, c->len, i);
            char *lit = gate_xstrndup(s + i, e - i);

            if (strstr(lit, "dotenv") || strstr(lit, "@next/env"))
                m->all = true;
            /* import ... from './x', import './x', require('./x'): runs before the object */
            if ((lit[1] == '.' || lit[1] == '/') && c->file && e - i >= 3) {
                size_t b = back_blanks(s, i);

                if ((b >= 4 && !strncmp(s + b - 4, "from", 4)) ||
                    (b >= 6 && !strncmp(s + b - 6, "import", 6)) ||
                    (b >= 8 && !strncmp(s + b - 8, "require(", 8)) ||
                    (b >= 7 && !strncmp(s + b - 7, "import(", 7))) {
                    char *spec = gate_xstrndup(s + i + 1, e - i - 2);
                    char *found = resolve_import(c->file, spec);

                    if (found)
                        env_scan_file(m, found, c->depth + 1);
                    free(found);
                    free(spec);
                }
            }
            free(lit);
            env_url_literal(m, c, i, e);
            if (s[i] == '`')
                env_scan_template(m, c, i, e, limit);
            i = e - 1;
            continue;
        }
        if ((i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')) &&
            ((!strncmp(s + i, "loadEnvFile", 11) && ident_end(s, len, i) == i + 11) ||
             (!strncmp(s + i, "loadEnvConfig", 13) && ident_end(s, len, i) == i + 13))) {
            m->all = true; /* process.loadEnvFile(), Next's loadEnvConfig() */
            continue;
        }
        if (word_at(s, len, i, "env")) { /* env('X'), Prisma's helper: a read */
            size_t q = skip_ws(s, len, i + 3);

            q = q < len && s[q] == '(' ? skip_ws(s, len, q + 1) : len;
            if (q < len && (s[q] == '"' || s[q] == '\'')) {
                size_t qe = skip_string(s, len, q);

                if (qe - q >= 2)
                    name_add(&m->reads, &m->nreads, s + q + 1, qe - q - 2);
            } else if (q < len && s[q] != ')') {
                any_read(m, c, i, "env(...)");
            }
            continue;
        }
        if (!(i + 11 <= len && !strncmp(s + i, "process.env", 11) &&
              ident_end(s, len, i + 8) == i + 11))
            continue;
        k = i + 11;
        if (k < len && s[k] == '.') {
            size_t e = ident_end(s, len, k + 1);
            size_t b = back_blanks(s, i);

            if (e > k + 1)
                name_add(&m->reads, &m->nreads, s + k + 1, e - k - 1);
            if (i < limit && e > k + 1 &&
                (assigns(s, len, e) || (b >= 6 && !strncmp(s + b - 6, "delete", 6))))
                env_add(m, s + k + 1, e - k - 1);
        } else if (k < len && s[k] == '[') {
            size_t q = skip_ws(s, len, k + 1), close = match_close(s, len, k);
            bool lit = close < len && (s[q] == '"' || s[q] == '\'') &&
                       skip_string(s, len, q) <= close &&
                       skip_ws(s, close, skip_string(s, len, q)) == close;

            if (lit)
                name_add(&m->reads, &m->nreads, s + q + 1, skip_string(s, len, q) - q - 2);
            else
                any_read(m, c, i, "process.env[...]");
            if (i < limit && close < len && assigns(s, len, close + 1)) {
                if (lit)
                    env_add(m, s + q + 1, skip_string(s, len, q) - q - 2);
                else
                    m->all = true; /* process.env[name] = ... */
            }
        } else if (assigns(s, len, k)) {
            if (i < limit)
                m->all = true; /* process.env = ... */
        } else {
            size_t b = back_blanks(s, i);

            /* { ...process.env }, f(process.env), Object.keys(process.env), ... */
            if (!env_destructured(m, c, i))
                any_read(m, c, i, "process.env as a whole");
            if (i < limit && b > 0 && s[b - 1] == '(')
                m->all = true; /* Object.assign(process.env, ...), a call given process.env */
        }
    }
}

static void env_scan_file(struct envmod *m, const char *file, int depth)
{
    struct cfg c;
    char *text = NULL;
    size_t len = 0;
    struct gate_err err = {0};

    if (depth > CONFIG_DEPTH) {
        m->all = true; /* not read: assume the worst */
        return;
    }
    if (gate_read_file(file, GATE_PRISMA_CONFIG_MAX, &text, &len, &err)) {
        m->all = true;
        return;
    }
    memset(&c, 0, sizeof(c));
    c.text = text;
    c.len = len;
    c.code = gate_xstrndup(text, len);
    c.file = file;
    c.depth = depth;
    blank_comments(&c);
    env_scan(m, &c, c.len);
    free(c.code);
    free(text);
}

/*
 * c->env (storage given) for the conditions in c's file: what its imports
 * do (they run first), then what the file does up to its object's end.
 */
static void env_prepare(struct cfg *c, struct envmod *env)
{
    const char *opts = getenv("NODE_OPTIONS");
    c->env = env;
    blank_comments(c);
    c->open = find_object(c, &c->name, &c->namelen);
    env_scan(env, c, c->open < c->len ? match_close(c->code, c->len, c->open) : c->len);
    if (opts && strstr(opts, "--env-file"))
        env->all = true;
}

/* A spread the gate cannot read that may set migrations (mig), datasource (ds). */
static void spread_maybe(struct cfg *c, size_t at, char *why, bool mig, bool ds)
{
    c->r.spread_line = line_at(c, at);
    c->r.spread_mig = c->r.spread_mig || mig;
    c->r.spread_ds = c->r.spread_ds || ds;
    free(c->r.spread_why);
    c->r.spread_why = why;
}

/* ... that may set anything. */
static void spread_unknown(struct cfg *c, size_t at, char *why)
{
    spread_maybe(c, at, why, true, true);
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
    if (c->env && c->env->all) {
        v.kind = JS_UNKNOWN;
        return v;
    }
    for (size_t i = 0; c->env && i < c->env->n; i++) {
        if (!strcmp(c->env->names[i], buf)) {
            v.kind = JS_UNKNOWN;
            return v;
        }
    }
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

/*
 * a && b && ... (is_or false) or a || b || ... (is_or true), each 1, 0 or
 * -1 (unknown): the value that decides wins, else unknown if any is.
 */
static int ev_chain(struct ev *ev, bool is_or)
{
    int win = is_or ? 1 : 0;
    int r = is_or ? ev_chain(ev, false) : ev_unary(ev);

    while (!ev->bad && ev_eat(ev, is_or ? "||" : "&&")) {
        int t = is_or ? ev_chain(ev, false) : ev_unary(ev);

        r = (r == win || t == win) ? win : (r < 0 || t < 0) ? -1 : !win;
    }
    return r;
}

static int ev_or(struct ev *ev)
{
    return ev_chain(ev, true);
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

/*
 * The string literal whose quote is at s[q] ends before len: *n, its
 * text's length (an unterminated one, a file ending in `from '`, has
 * none).
 */
static bool closed_string(const char *s, size_t len, size_t q, size_t *n)
{
    size_t qe = skip_string(s, len, q);

    if (qe - q < 2 || s[qe - 1] != s[q])
        return false;
    *n = qe - q - 2;
    return true;
}

/* A config file spread into this one, read as this one is. */
static void apply_import(struct cfg *c, size_t at, const char *spec, size_t specn)
{
    char *rel = gate_xstrndup(spec, specn);
    char *found, *text = NULL;
    size_t len = 0;
    struct gate_err err = {0};
    struct cfg child;
    struct envmod cenv = {0};

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
    found = resolve_import(c->file, rel);
    if (!found) {
        spread_unknown(c, at,
                       gate_xasprintf("it spreads an import of '%s', which is not a file", rel));
        free(rel);
        return;
    }
    if (gate_read_file(found, GATE_PRISMA_CONFIG_MAX, &text, &len, &err)) {
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
    child.work = c->work;
    child.depth = c->depth + 1;
    env_prepare(&child, &cenv);
    read_config_text(&child);
    if (!child.r.found) {
        spread_unknown(c, at,
                       gate_xasprintf("it spreads %s, which has no defineConfig({...}) or export "
                                      "default {...} object the gate can read",
                                      found));
    } else {
        /* its keys, in order, as if written here: the last setting wins */
        if (child.mig_set) {
            c->mig_set = true;
            c->r.mig = child.r.mig;
            free(c->r.mig_path);
            c->r.mig_path = child.r.mig_path;
            child.r.mig_path = NULL;
            c->r.mig_line = child.r.mig_line;
            c->r.mig_why = child.r.mig_why;
            free(c->r.mig_file);
            c->r.mig_file = child.r.mig_file ? child.r.mig_file : gate_xstrdup(found);
            child.r.mig_file = NULL;
            c->r.mig_via = line_at(c, at);
            c->r.spread_mig = false;
        }
        if (child.ds_set) {
            struct gate_prisma_config_url *from[] = {&child.r.url, &child.r.direct,
                                                     &child.r.shadow};
            struct gate_prisma_config_url *to[] = {&c->r.url, &c->r.direct, &c->r.shadow};

            c->ds_set = true;
            c->r.spread_ds = false;
            for (size_t i = 0; i < 3; i++) {
                url_clear(to[i]);
                *to[i] = *from[i];
                if (to[i]->kind && !to[i]->file)
                    to[i]->file = gate_xstrdup(found);
                memset(from[i], 0, sizeof(*from[i]));
            }
        }
        if (child.r.adapter_line)
            c->r.adapter_line = line_at(c, at);
        if (child.r.spread_mig || child.r.spread_ds)
            spread_maybe(c, at,
                         gate_xasprintf("it spreads %s, whose spread at line %d cannot be read: %s",
                                        found, child.r.spread_line, child.r.spread_why),
                         child.r.spread_mig, child.r.spread_ds);
    }
    cfg_release(&child);
    env_release(&cenv);
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
    size_t n = e - b, k, q;

    /* import NAME from '...', import NAME, { x } from '...' */
    for (size_t i = code_from(s, c->len, 0); i < c->len; i = code_from(s, c->len, i + 1)) {
        if (!word_at(s, c->len, i, "import"))
            continue;
        k = skip_ws(s, c->len, i + 6);
        if (!ident_is(s, c->len, k, b, n))
            continue;
        q = find_top(s, k + n, c->len, "from");
        while (q < c->len && !word_at(s, c->len, q, "from"))
            q = find_top(s, q + 1, c->len, "from");
        q = q < c->len ? skip_ws(s, c->len, q + 4) : c->len;
        if (q < c->len && (s[q] == '"' || s[q] == '\'') && closed_string(s, c->len, q, &k)) {
            apply_import(c, at, s + q + 1, k);
            return;
        }
    }
    /* const NAME = {...} / defineConfig({...}) / require('...') */
    k = decl_value(s, c->len, b, n);
    if (k < c->len && object_at(s, c->len, k) < c->len) {
        k = object_at(s, c->len, k);
        read_members(c, k, match_close(s, c->len, k));
        return;
    }
    if (k < c->len && word_at(s, c->len, k, "require")) {
        q = skip_ws(s, c->len, k + 7);
        q = q < c->len && s[q] == '(' ? skip_ws(s, c->len, q + 1) : c->len;
        if (q < c->len && (s[q] == '"' || s[q] == '\'') && closed_string(s, c->len, q, &k)) {
            apply_import(c, at, s + q + 1, k);
            return;
        }
    }
    spread_unknown(c, at,
                   gate_xasprintf("it spreads `%.*s`, which is neither an object written in the "
                                  "file nor a config file imported by a relative path",
                                  (int)n, s + b));
}

static unsigned value_sets(const struct cfg *c, size_t at, size_t b, size_t e);
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
    else if (t < 0) {
        unsigned sets = value_sets(c, at, tb, col) | (ternary ? value_sets(c, at, col + 1, e) : 0);

        if (sets)
            spread_maybe(c, at,
                         gate_xasprintf(why, sets == 3   ? "a branch sets migrations or datasource"
                                             : sets == 1 ? "a branch sets migrations"
                                                         : "a branch sets datasource"),
                         sets & 1, sets & 2);
    }
}

/* The value c->code[b..e) spread at `at`, applied to c. */
static void apply_value(struct cfg *c, size_t at, size_t b, size_t e)
{
    const char *s = c->code;
    size_t q, and = e;

    if (++*c->work > SPREAD_BUDGET) {
        spread_unknown(
            c, at,
            gate_xasprintf("the config's spreads take more than %d steps to read", SPREAD_BUDGET));
        return;
    }

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

/*
 * What the value c->code[b..e) may set, read on a scratch copy: 1
 * migrations, 2 datasource (or both).
 */
static unsigned value_sets(const struct cfg *c, size_t at, size_t b, size_t e)
{
    struct cfg t;
    unsigned sets;

    memset(&t, 0, sizeof(t));
    t.text = c->text;
    t.code = c->code;
    t.len = c->len;
    t.file = c->file;
    t.env_set = c->env_set;
    t.env = c->env;
    t.work = c->work;
    t.depth = c->depth;
    t.nest = c->nest;
    apply_value(&t, at, b, e);
    sets = (t.mig_set || t.r.spread_mig ? 1u : 0u) | (t.ds_set || t.r.spread_ds ? 2u : 0u);
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
        } else if (m.computed) {
            spread_unknown(c, m.vstart,
                           gate_xstrdup("a computed key ([...]) may be migrations or datasource"));
        } else if (!strcmp(m.key, "migrations")) {
            c->r.spread_mig = false;
            read_migrations(c, &m);
        } else if (!strcmp(m.key, "datasource")) {
            c->r.spread_ds = false;
            read_datasource(c, &m);
        } else if (!strcmp(m.key, "adapter")) {
            c->r.adapter_line = line_at(c, m.vstart);
        }
        if (i < end && c->code[i] == ',')
            i++;
    }
}

/* The config object of c (found by env_prepare) and its keys. */
static void read_config_text(struct cfg *c)
{
    size_t mut;

    if (c->open >= c->len)
        return;
    c->r.found = true;
    read_members(c, c->open, match_close(c->code, c->len, c->open));
    mut = c->namelen ? mutated(c->code, c->len, c->name, c->namelen) : c->len;
    if (mut < c->len) {
        /* config.migrations = ..., Object.assign(config, ...): anything may change */
        c->mig_set = c->ds_set = true;
        free(c->r.mig_file);
        c->r.mig_file = NULL;
        c->r.mig_via = 0;
        mig_unreadable(c, mut,
                       "the exported config object is changed after it is built (a property "
                       "assigned, or Object.assign)");
        c->r.spread_mig = c->r.spread_ds = false;
        url_clear(&c->r.url);
        c->r.url.kind = 3;
        c->r.url.line = line_at(c, mut);
    }
}

static void read_text(struct cfg *c, const char *text, size_t len, const char *file,
                      const char *const *env_set, struct envmod *env, size_t *work)
{
    memset(c, 0, sizeof(*c));
    c->work = work;
    c->text = text;
    c->len = len;
    c->code = gate_xstrndup(text, len);
    c->file = file;
    c->env_set = env_set;
    env_prepare(c, env);
    read_config_text(c);
}

void gate_prisma_config_read(const char *text, size_t len, const char *file,
                             const char *const *env_set, struct gate_prisma_config *out)
{
    struct cfg c;
    struct envmod env = {0};
    size_t work = 0;

    read_text(&c, text, len, file, env_set, &env, &work);
    *out = c.r;
    out->env_reads = env.reads;
    out->nenv_reads = env.nreads;
    out->env_any = env.any;
    out->url_lits = env.urls;
    out->nurl_lits = env.nurls;
    out->url_built = env.built;
    env.reads = NULL;
    env.nreads = 0;
    env.any = NULL;
    env.urls = NULL;
    env.nurls = 0;
    env.built = NULL;
    free(c.code);
    env_release(&env);
}

void gate_prisma_config_release(struct gate_prisma_config *c)
{
    names_free(c->env_reads, c->nenv_reads);
    free(c->env_any);
    names_free(c->url_lits, c->nurl_lits);
    free(c->url_built);
    free(c->mig_path);
    free(c->mig_file);
    free(c->spread_why);
    url_clear(&c->url);
    url_clear(&c->direct);
    url_clear(&c->shadow);
    memset(c, 0, sizeof(*c));
}

int gate_prisma_config_url(const char *text, size_t len, const char *file, char **value)
{
    struct gate_prisma_config c;
    int res;

    gate_prisma_config_read(text, len, file, NULL, &c);
    res = !c.found ? -1 : c.spread_ds ? 3 : c.url.kind;
    *value = res == 1 || res == 2 ? c.url.text : NULL;
    if (*value)
        c.url.text = NULL;
    gate_prisma_config_release(&c);
    return res;
}

int gate_prisma_config_migrations(const char *text, size_t len, const char *file, char **path)
{
    struct gate_prisma_config c;
    int res;

    gate_prisma_config_read(text, len, file, NULL, &c);
    res = !c.found ? -1 : c.spread_mig ? 2 : c.mig;
    *path = res == 1 ? c.mig_path : NULL;
    if (*path)
        c.mig_path = NULL;
    gate_prisma_config_release(&c);
    return res;
}
