/* SPDX-License-Identifier: MIT */
/*
 * schema.c - a small reader of Prisma schema files: blocks, fields and
 * their database names, datasource and generator settings, and a
 * normalised form of each block for comparisons.
 *
 * The text is first cut into logical lines: line comments (two or three slashes)
 * removed outside string literals, whitespace runs collapsed, and a line
 * whose parentheses or brackets are still open joined with the next one.
 * Then each logical line is read in the context of the block it is in.
 */
#include "gate/compat.h"
#include "gate/schema.h"
#include "gate/buf.h"
#include "gate/hmap.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct lline {
    char *text; /* normalised: comments gone, one space between tokens */
    int line;   /* 1-based line where it starts */
};

struct llines {
    struct lline *items;
    size_t n;
    size_t cap;
};

static void lines_add(struct llines *ls, struct gate_buf *b, int line)
{
    size_t n = b->len;

    while (n && b->data[n - 1] == ' ')
        n--;
    if (n) {
        GATE_GROW(ls->items, ls->cap, ls->n + 1);
        ls->items[ls->n].text = gate_xstrndup(b->data, n);
        ls->items[ls->n].line = line;
        ls->n++;
    }
    gate_buf_reset(b);
}

/* Cut text into logical lines (see the file comment). */
static void split_lines(const char *text, size_t len, struct llines *out)
{
    struct gate_buf b = {0};
    int line = 1, start = 1, depth = 0;
    bool in_str = false, space = false;

    for (size_t i = 0; i < len; i++) {
        char c = text[i];

        if (in_str && c != '\n' && c != '\r') {
            gate_buf_addc(&b, c);
            if (c == '\\' && i + 1 < len && text[i + 1] != '\n')
                gate_buf_addc(&b, text[++i]);
            else if (c == '"')
                in_str = false;
            continue;
        }
        in_str = false; /* an unterminated string ends with its line */
        if (c == '/' && i + 1 < len && text[i + 1] == '/') {
            while (i + 1 < len && text[i + 1] != '\n')
                i++;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
                i++;
            line++;
            if (depth > 0) {
                space = true;
                continue;
            }
            lines_add(out, &b, start);
            start = line;
            space = false;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
            space = b.len > 0;
            continue;
        }
        if (space) {
            gate_buf_addc(&b, ' ');
            space = false;
        }
        if (!b.len)
            start = line;
        gate_buf_addc(&b, c);
        if (c == '"')
            in_str = true;
        else if (c == '(' || c == '[')
            depth++;
        else if ((c == ')' || c == ']') && depth > 0)
            depth--;
    }
    lines_add(out, &b, start);
    gate_buf_release(&b);
}

static bool is_ident(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* The identifier at *p (advanced past it); NULL when none. malloc'd. */
static char *take_ident(const char **p)
{
    const char *s = *p, *e;

    while (*s == ' ')
        s++;
    e = s;
    while (is_ident(*e))
        e++;
    if (e == s)
        return NULL;
    *p = e;
    return gate_xstrndup(s, (size_t)(e - s));
}

/* The first string literal of s, unescaped; NULL when none. malloc'd. */
static char *first_string(const char *s)
{
    const char *q = strchr(s, '"');
    struct gate_buf b = {0};

    if (!q)
        return NULL;
    for (q++; *q && *q != '"'; q++) {
        if (*q == '\\' && q[1])
            q++;
        gate_buf_addc(&b, *q);
    }
    if (!b.data)
        return gate_xstrdup("");
    return gate_buf_detach(&b);
}

/* The argument text of attribute attr ("@map", "@@map") in line, from its '('; NULL. */
static const char *attr_args(const char *line, const char *attr)
{
    size_t n = strlen(attr);

    for (const char *p = strstr(line, attr); p; p = strstr(p + 1, attr)) {
        const char *a = p + n;

        if (p > line && p[-1] == '@')
            continue; /* "@map" inside "@@map" */
        if (is_ident(*a))
            continue; /* "@mapping" */
        while (*a == ' ')
            a++;
        return *a == '(' ? a : p + n;
    }
    return NULL;
}

static bool has_attr(const char *line, const char *attr)
{
    return attr_args(line, attr);
}

/*
 * The name an attribute gives: @map("x"), @map(name: "x"), @@map("x").
 * Only a string inside its parentheses counts. malloc'd, NULL.
 */
static char *attr_name(const char *line, const char *attr)
{
    const char *a = attr_args(line, attr);
    const char *close;
    char *inner, *s;

    if (!a || *a != '(')
        return NULL;
    close = strchr(a, ')');
    if (!close)
        return NULL;
    inner = gate_xstrndup(a, (size_t)(close - a));
    s = first_string(inner);
    free(inner);
    return s;
}

static struct gate_schema_block *add_block(struct gate_schema *s, enum gate_schema_kind kind,
                                           char *name, const char *file, int line)
{
    struct gate_schema_block *b;

    GATE_GROW(s->blocks, s->cap, s->n + 1);
    b = &s->blocks[s->n++];
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    b->name = name;
    b->file = gate_xstrdup(file);
    b->line = line;
    return b;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A field line of a model, view or type. */
static void read_field(struct gate_schema_block *b, const char *text, int line)
{
    const char *p = text;
    char *name = take_ident(&p);
    struct gate_schema_field *f;
    const char *t;
    size_t tl = 0;

    if (!name)
        return;
    while (*p == ' ')
        p++;
    t = p;
    if (!strncmp(t, "Unsupported(", 12)) {
        /* Unsupported("geography(Point, 4326)"): the ')' after the string */
        const char *close = strstr(t, "\")");

        tl = close ? (size_t)(close - t) + 2 : strlen(t);
    } else {
        while (is_ident(t[tl]) || t[tl] == '.')
            tl++;
    }
    if (!tl) {
        free(name);
        return;
    }
    GATE_GROW(b->fields, b->capfields, b->nfields + 1);
    f = &b->fields[b->nfields++];
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->type = gate_xstrndup(t, tl);
    p = t + tl;
    if (*p == '?') {
        f->optional = true;
        p++;
    } else if (p[0] == '[' && p[1] == ']') {
        f->list = true;
        p += 2;
    }
    f->column = attr_name(p, "@map");
    if (!f->column)
        f->column = gate_xstrdup(name);
    f->id = has_attr(p, "@id");
    f->unique = has_attr(p, "@unique");
    f->has_default = has_attr(p, "@default");
    f->relation = has_attr(p, "@relation");
    f->line = line;
}

/* An enum value line. */
static void read_value(struct gate_schema_block *b, const char *text, int line)
{
    const char *p = text;
    char *name = take_ident(&p);
    struct gate_schema_field *f;

    if (!name)
        return;
    GATE_GROW(b->fields, b->capfields, b->nfields + 1);
    f = &b->fields[b->nfields++];
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->type = gate_xstrdup("");
    f->column = attr_name(p, "@map");
    if (!f->column)
        f->column = gate_xstrdup(name);
    f->line = line;
}

/* `key = value` of a datasource or generator. */
static void read_setting(struct gate_schema_block *b, const char *text)
{
    const char *p = text;
    char *key = take_ident(&p);
    char **slot = NULL;

    if (!key)
        return;
    while (*p == ' ')
        p++;
    if (*p != '=') {
        free(key);
        return;
    }
    p++;
    while (*p == ' ')
        p++;
    if (!strcmp(key, "provider")) {
        slot = &b->provider;
    } else if (!strcmp(key, "output")) {
        slot = &b->output;
    } else if (!strcmp(key, "url")) {
        if (!strncmp(p, "env(", 4))
            slot = &b->url_env;
        else
            slot = &b->url;
    } else if (!strcmp(key, "directUrl")) {
        slot = strncmp(p, "env(", 4) ? &b->direct_url : &b->direct_env;
    } else if (!strcmp(key, "shadowDatabaseUrl")) {
        slot = strncmp(p, "env(", 4) ? &b->shadow_url : &b->shadow_env;
    }
    free(key);
    if (!slot || *slot)
        return;
    *slot = first_string(p);
}

static void finish_norm(struct gate_schema_block *b, char **lines, size_t n)
{
    struct gate_buf buf = {0};

    if (n > 1)
        qsort(lines, n, sizeof(*lines), cmp_str);
    gate_buf_printf(&buf, "%d %s\n", (int)b->kind, b->name);
    for (size_t i = 0; i < n; i++) {
        gate_buf_adds(&buf, lines[i]);
        gate_buf_addc(&buf, '\n');
    }
    b->norm = gate_buf_detach(&buf);
}

static const struct {
    const char *word;
    enum gate_schema_kind kind;
} keywords[] = {
    {"model", GATE_SB_MODEL},
    {"view", GATE_SB_VIEW},
    {"enum", GATE_SB_ENUM},
    {"type", GATE_SB_TYPE},
    {"datasource", GATE_SB_DATASOURCE},
    {"generator", GATE_SB_GENERATOR},
};

void gate_schema_parse(struct gate_schema *s, const char *file, const char *text, size_t len)
{
    struct llines ls = {0};
    struct gate_schema_block *cur = NULL;
    char **body = NULL;
    size_t nbody = 0, capbody = 0;

    split_lines(text, len, &ls);
    s->nfiles++;
    for (size_t i = 0; i < ls.n; i++) {
        const char *t = ls.items[i].text;

        if (!cur) {
            const char *p = t;
            char *word = take_ident(&p);
            char *name;

            if (!word)
                continue;
            for (size_t k = 0; k < GATE_ARRAY_SIZE(keywords); k++) {
                if (strcmp(word, keywords[k].word) != 0)
                    continue;
                name = take_ident(&p);
                while (*p == ' ')
                    p++;
                if (name && *p == '{') {
                    cur = add_block(s, keywords[k].kind, name, file, ls.items[i].line);
                    nbody = 0;
                } else {
                    free(name);
                }
                break;
            }
            free(word);
            continue;
        }
        if (t[0] == '}') {
            if (!cur->dbname)
                cur->dbname = gate_xstrdup(cur->name);
            finish_norm(cur, body, nbody);
            for (size_t k = 0; k < nbody; k++)
                free(body[k]);
            nbody = 0;
            cur = NULL;
            continue;
        }
        GATE_GROW(body, capbody, nbody + 1);
        body[nbody++] = gate_xstrdup(t);
        switch (cur->kind) {
        case GATE_SB_MODEL:
        case GATE_SB_VIEW:
        case GATE_SB_TYPE:
            if (!strncmp(t, "@@", 2)) {
                if (!cur->dbname && has_attr(t, "@@map"))
                    cur->dbname = attr_name(t, "@@map");
                if (!cur->dbschema && has_attr(t, "@@schema"))
                    cur->dbschema = attr_name(t, "@@schema");
            } else {
                read_field(cur, t, ls.items[i].line);
            }
            break;
        case GATE_SB_ENUM:
            if (!strncmp(t, "@@", 2)) {
                if (!cur->dbname && has_attr(t, "@@map"))
                    cur->dbname = attr_name(t, "@@map");
                if (!cur->dbschema && has_attr(t, "@@schema"))
                    cur->dbschema = attr_name(t, "@@schema");
            } else {
                read_value(cur, t, ls.items[i].line);
            }
            break;
        case GATE_SB_DATASOURCE:
        case GATE_SB_GENERATOR:
            read_setting(cur, t);
            break;
        }
    }
    if (cur) {
        /* an unterminated block still counts */
        if (!cur->dbname)
            cur->dbname = gate_xstrdup(cur->name);
        finish_norm(cur, body, nbody);
    }
    for (size_t k = 0; k < nbody; k++)
        free(body[k]);
    free(body);
    for (size_t i = 0; i < ls.n; i++)
        free(ls.items[i].text);
    free(ls.items);
}

void gate_schema_finish(struct gate_schema *s)
{
    /* the names of models and views, hashed once: a schema of thousands of models */
    struct gate_hmap models = {0};

    for (size_t i = 0; i < s->n; i++) {
        const struct gate_schema_block *b = &s->blocks[i];

        if ((b->kind == GATE_SB_MODEL || b->kind == GATE_SB_VIEW) && b->name)
            (void)gate_hmap_upserts(&models, b->name, NULL);
    }
    for (size_t i = 0; i < s->n; i++) {
        struct gate_schema_block *b = &s->blocks[i];

        if (b->kind != GATE_SB_MODEL && b->kind != GATE_SB_VIEW)
            continue;
        for (size_t k = 0; k < b->nfields; k++) {
            struct gate_schema_field *f = &b->fields[k];

            if (f->type ? (bool)gate_hmap_finds(&models, f->type) : models.len > 0)
                f->relation = true;
        }
    }
    gate_hmap_release(&models);
}

void gate_schema_release(struct gate_schema *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct gate_schema_block *b = &s->blocks[i];

        for (size_t k = 0; k < b->nfields; k++) {
            free(b->fields[k].name);
            free(b->fields[k].column);
            free(b->fields[k].type);
        }
        free(b->fields);
        free(b->name);
        free(b->dbname);
        free(b->dbschema);
        free(b->file);
        free(b->norm);
        free(b->provider);
        free(b->url_env);
        free(b->url);
        free(b->direct_env);
        free(b->shadow_env);
        free(b->direct_url);
        free(b->shadow_url);
        free(b->output);
    }
    free(s->blocks);
    memset(s, 0, sizeof(*s));
}

const struct gate_schema_block *gate_schema_find(const struct gate_schema *s,
                                                 enum gate_schema_kind kind, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->blocks[i].kind == kind && (!name || !strcmp(s->blocks[i].name, name)))
            return &s->blocks[i];
    }
    return NULL;
}

const struct gate_schema_block *gate_schema_find_table(const struct gate_schema *s,
                                                       const char *table)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct gate_schema_block *b = &s->blocks[i];

        if ((b->kind == GATE_SB_MODEL || b->kind == GATE_SB_VIEW) && !strcmp(b->dbname, table))
            return b;
    }
    return NULL;
}

const struct gate_schema_block *gate_schema_find_enum(const struct gate_schema *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct gate_schema_block *b = &s->blocks[i];

        if (b->kind == GATE_SB_ENUM && !strcmp(b->dbname, name))
            return b;
    }
    return NULL;
}

const struct gate_schema_field *gate_schema_find_column(const struct gate_schema_block *b,
                                                        const char *column)
{
    for (size_t i = 0; i < b->nfields; i++) {
        if (!b->fields[i].relation && !strcmp(b->fields[i].column, column))
            return &b->fields[i];
    }
    return NULL;
}

const char *gate_schema_lock_provider(const struct gate_schema *s)
{
    const struct gate_schema_block *ds = gate_schema_find(s, GATE_SB_DATASOURCE, NULL);

    if (!ds || !ds->provider)
        return NULL;
    if (!strcmp(ds->provider, "postgres"))
        return "postgresql";
    return ds->provider;
}

static bool counts(const struct gate_schema_block *b, bool with_provider)
{
    if (b->kind == GATE_SB_GENERATOR)
        return false;
    if (b->kind == GATE_SB_DATASOURCE)
        return with_provider;
    return true;
}

static bool same_block(const struct gate_schema_block *x, const struct gate_schema_block *y)
{
    if (x->kind == GATE_SB_DATASOURCE) {
        const char *p = x->provider ? x->provider : "";
        const char *q = y->provider ? y->provider : "";

        return !strcmp(p, q);
    }
    return !strcmp(x->norm, y->norm);
}

/* "kind\0name" of a block, in key. */
static void block_key(struct gate_buf *key, const struct gate_schema_block *b)
{
    gate_buf_reset(key);
    gate_buf_printf(key, "%d", (int)b->kind);
    gate_buf_addc(key, '\0');
    gate_buf_adds(key, b->name);
}

/* The first block of each kind and name of s, by "kind\0name" (index in num). */
static void index_blocks(const struct gate_schema *s, struct gate_hmap *map, struct gate_buf *key)
{
    for (size_t i = 0; i < s->n; i++) {
        bool created;
        struct gate_hmap_entry *e;

        block_key(key, &s->blocks[i]);
        e = gate_hmap_upsert(map, key->data, key->len, &created);
        if (created)
            e->num = i;
    }
}

/* The first block of s with b's kind and name (map: index_blocks of s). */
static const struct gate_schema_block *match(const struct gate_schema *s,
                                             const struct gate_hmap *map, struct gate_buf *key,
                                             const struct gate_schema_block *b)
{
    const struct gate_hmap_entry *e;

    block_key(key, b);
    e = gate_hmap_find(map, key->data, key->len);
    return e ? &s->blocks[e->num] : NULL;
}

static void diff_add(struct gate_buf *out, const struct gate_schema_block *b, const char *what)
{
    if (out->len)
        gate_buf_adds(out, ", ");
    if (b->kind == GATE_SB_DATASOURCE)
        gate_buf_printf(out, "datasource %s (provider)", b->name);
    else
        gate_buf_printf(out, "%s %s", b->name, what);
}

char *gate_schema_diff(const struct gate_schema *a, const struct gate_schema *b, bool with_provider)
{
    struct gate_buf out = {0}, key = {0};
    struct gate_hmap amap = {0}, bmap = {0};

    index_blocks(a, &amap, &key);
    index_blocks(b, &bmap, &key);
    for (size_t i = 0; i < b->n; i++) {
        const struct gate_schema_block *nb = &b->blocks[i];
        const struct gate_schema_block *ob;

        if (!counts(nb, with_provider))
            continue;
        ob = match(a, &amap, &key, nb);
        if (!ob)
            diff_add(&out, nb, "(added)");
        else if (!same_block(ob, nb))
            diff_add(&out, nb, "(changed)");
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct gate_schema_block *ob = &a->blocks[i];

        if (counts(ob, with_provider) && !match(b, &bmap, &key, ob))
            diff_add(&out, ob, "(removed)");
    }
    gate_hmap_release(&amap);
    gate_hmap_release(&bmap);
    gate_buf_release(&key);
    return out.len ? gate_buf_detach(&out) : NULL;
}
