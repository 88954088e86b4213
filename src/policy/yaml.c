/* SPDX-License-Identifier: MIT */
/*
 * yaml.c - libyaml events -> a small node tree with positions (yaml.h).
 * The only module that includes libyaml.
 *
 * Why events and not yaml_parser_load(): the document loader expands
 * aliases (the "billion laughs" bomb) and forgets duplicate keys. Here an
 * alias is an error the moment it is seen, duplicate keys stay visible to
 * the validator (every key node in order), and the tree is capped in depth
 * and size. libyaml's terse errors are translated into ones a new user
 * can act on (a tab in the indentation, an unclosed quote, a misaligned
 * key).
 */
#include "gate/compat.h"
#include "gate/yaml.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/secrets.h"
#include "gate/utf8.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#define MAX_DEPTH 32
#define MAX_NODES 20000

/* A line that may carry a secret in a form the URL masker does not know. */
static bool names_secret(const char *line)
{
    static const char *const words[] = {"password", "passwd", "pwd=", "secret", "token_env"};

    for (size_t i = 0; i < GATE_ARRAY_SIZE(words); i++) {
        const char *w = words[i];
        size_t n = strlen(w);

        for (const char *p = line; *p; p++) {
            if (!strncasecmp(p, w, n))
                return true;
        }
    }
    return false;
}

const char *gate_yaml_source_line(struct gate_yaml_doc *doc, int line)
{
    size_t start, end;

    if (!doc->text || line < 1 || (size_t)line > doc->src.nlines)
        return NULL;
    start = gate_src_line_start(&doc->src, line);
    end = start;
    while (end < doc->len && doc->text[end] != '\n' && doc->text[end] != '\r')
        end++;
    if (end - start > 240)
        return NULL;
    {
        /* shown on a terminal: invalid bytes as U+FFFD, one column each (as libyaml counts) */
        struct gate_buf b = {0};
        const char *r;

        char masked[1024];

        gate_utf8_repair(&b, doc->text + start, end - start);
        /* never echo a secret: URL passwords masked, a line naming one not shown at all */
        gate_secret_mask(gate_buf_str(&b), masked, sizeof(masked));
        gate_buf_release(&b);
        if (names_secret(masked))
            return NULL;
        r = gate_arena_strdup(&doc->scratch, masked);
        return r;
    }
}

void gate_yaml_verror(struct gate_yaml_doc *doc, int line, int col, const char *fmt, va_list ap)
{
    struct gate_yaml_diag *d;
    char msg[1024];

    for (d = doc->diags; d; d = d->next) {
        if (line && d->line == line && d->column == col)
            return; /* the first error at a place wins */
    }
    if (doc->ndiags >= GATE_YAML_MAX_DIAGS) {
        doc->too_many = true;
        return;
    }
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    d = gate_arena_alloc(&doc->scratch, sizeof(*d));
    d->line = line;
    d->column = col;
    d->message = gate_arena_strdup(&doc->scratch, msg);
    d->source = line ? gate_yaml_source_line(doc, line) : NULL;
    if (doc->diags_last)
        doc->diags_last->next = d;
    else
        doc->diags = d;
    doc->diags_last = d;
    doc->ndiags++;
}

void gate_yaml_error(struct gate_yaml_doc *doc, int line, int col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gate_yaml_verror(doc, line, col, fmt, ap);
    va_end(ap);
}

static void add_child(struct gate_yaml_node *parent, struct gate_yaml_node *kid)
{
    if (parent->last)
        parent->last->next = kid;
    else
        parent->first = kid;
    parent->last = kid;
    parent->n++;
}

static struct gate_yaml_node *new_node(struct gate_yaml_doc *doc, enum gate_yaml_kind kind,
                                       const yaml_mark_t *mark)
{
    struct gate_yaml_node *n;

    if (++doc->nnodes > MAX_NODES) {
        gate_yaml_error(doc, (int)mark->line + 1, (int)mark->column + 1,
                        "%s is too large (more than %d YAML nodes)", doc->what, MAX_NODES);
        doc->fatal = true;
        return NULL;
    }
    n = gate_arena_alloc(&doc->scratch, sizeof(*n));
    n->kind = kind;
    n->line = (int)mark->line + 1;
    n->col = (int)mark->column + 1;
    return n;
}

/* Does line (1-based) have a tab in its indentation? Sets *col to it. */
static bool tab_in_indent(struct gate_yaml_doc *doc, int line, int *col)
{
    size_t i;

    if (!doc->text || line < 1 || (size_t)line > doc->src.nlines)
        return false;
    i = gate_src_line_start(&doc->src, line);
    for (int c = 1; i < doc->len && (doc->text[i] == ' ' || doc->text[i] == '\t'); i++, c++) {
        if (doc->text[i] == '\t') {
            *col = c;
            return true;
        }
    }
    return false;
}

/* Offset of the first byte that is not valid UTF-8, or len. */
static size_t invalid_utf8_at(const char *text, size_t len)
{
    long at = gate_utf8_first_invalid(text, len);

    return at < 0 ? len : (size_t)at;
}

/* Indentation (spaces) of 1-based line; -1 for a blank or comment line. */
static int indent_of(struct gate_yaml_doc *doc, int line)
{
    size_t i;
    int n = 0;

    if (!doc->text || line < 1 || (size_t)line > doc->src.nlines)
        return -1;
    i = gate_src_line_start(&doc->src, line);
    while (i < doc->len && doc->text[i] == ' ') {
        i++;
        n++;
    }
    if (i >= doc->len || doc->text[i] == '\n' || doc->text[i] == '\r' || doc->text[i] == '#')
        return -1;
    return n;
}

/* Translate libyaml's error into one a new user can act on. */
static void yaml_error(struct gate_yaml_doc *doc, const yaml_parser_t *ps)
{
    int line = (int)ps->problem_mark.line + 1;
    int col = (int)ps->problem_mark.column + 1;
    int tcol;
    const char *problem = ps->problem ? ps->problem : "unknown error";

    doc->fatal = true;
    if (ps->error == YAML_READER_ERROR) {
        size_t bad = invalid_utf8_at(doc->text, doc->len);

        if (bad < doc->len) {
            gate_src_position(&doc->src, bad, &line, &col);
            gate_yaml_error(
                doc, line, col,
                "the file is not valid UTF-8 (byte 0x%02X here; Latin-1?): save it as UTF-8",
                (unsigned)(unsigned char)doc->text[bad]);
        } else {
            gate_src_position(&doc->src, ps->problem_offset, &line, &col);
            gate_yaml_error(doc, line, col, "cannot read the file: %s", problem);
        }
        return;
    }
    if (ps->error == YAML_MEMORY_ERROR)
        GATE_BUG("out of memory in libyaml");
    /* a tab in the indentation is the classic: libyaml only says "cannot start any token" */
    for (int l = line; l >= 1 && l >= line - 1; l--) {
        if (tab_in_indent(doc, l, &tcol)) {
            gate_yaml_error(
                doc, l, tcol,
                "tab character in the indentation: YAML indents with spaces only (replace the "
                "tab with spaces)");
            return;
        }
    }
    if (doc->text && ps->problem_offset < doc->len && doc->text[ps->problem_offset] == '\t') {
        gate_yaml_error(doc, line, col, "tab character here: YAML indents with spaces only");
        return;
    }
    if (ps->context && strstr(ps->context, "quoted scalar")) {
        gate_yaml_error(doc, (int)ps->context_mark.line + 1, (int)ps->context_mark.column + 1,
                        "this quoted value is never closed: add the closing quote");
        return;
    }
    if (ps->context &&
        (strstr(ps->context, "flow mapping") || strstr(ps->context, "flow sequence"))) {
        bool map = strstr(ps->context, "mapping");

        gate_yaml_error(doc, (int)ps->context_mark.line + 1, (int)ps->context_mark.column + 1,
                        "this '%c' is not closed with '%c' (or a ',' is missing between its items)",
                        map ? '{' : '[', map ? '}' : ']');
        return;
    }
    if (strstr(problem, "mapping values are not allowed")) {
        int here = indent_of(doc, line), above = line - 1;

        while (above >= 1 && indent_of(doc, above) < 0)
            above--;
        if (above >= 1 && here > indent_of(doc, above)) {
            gate_yaml_error(
                doc, line, here + 1,
                "this line is indented more than the line above it: keys of one mapping must "
                "start in the same column");
            return;
        }
        gate_yaml_error(
            doc, line, col,
            "unexpected ':' (a key on the line above may be missing its ':', or a value "
            "containing ': ' needs quotes, e.g. \"a: b\")");
        return;
    }
    if (strstr(problem, "could not find expected ':'")) {
        if (ps->context) {
            line = (int)ps->context_mark.line + 1;
            col = (int)ps->context_mark.column + 1;
        }
        gate_yaml_error(doc, line, col,
                        "this line needs 'key: value' (a ':' followed by a space is missing)");
        return;
    }
    if (strstr(problem, "did not find expected key") ||
        strstr(problem, "did not find expected '-' indicator")) {
        gate_yaml_error(
            doc, line, col,
            "the indentation does not line up: keys of one mapping (and items of one list) "
            "must start in the same column");
        return;
    }
    if (strstr(problem, "found undefined tag handle") || strstr(problem, "while parsing a tag")) {
        gate_yaml_error(doc, line, col, "YAML tags are not supported: quote the value instead");
        return;
    }
    if (ps->context)
        gate_yaml_error(doc, line, col, "invalid YAML: %s (%s at line %d)", problem, ps->context,
                        (int)ps->context_mark.line + 1);
    else
        gate_yaml_error(doc, line, col, "invalid YAML: %s", problem);
}

static bool next_event(struct gate_yaml_doc *doc, yaml_parser_t *ps, yaml_event_t *ev)
{
    if (!yaml_parser_parse(ps, ev)) {
        yaml_error(doc, ps);
        return false;
    }
    return true;
}

/* Reject what a strict document never needs: aliases (no expansion, ever) and tags. */
static bool event_ok(struct gate_yaml_doc *doc, const yaml_event_t *ev)
{
    const unsigned char *tag = NULL;
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;

    if (ev->type == YAML_ALIAS_EVENT) {
        gate_yaml_error(doc, line, col,
                        "YAML aliases (*%s) are not supported in %s: write the value out "
                        "(anchors and aliases can hide what a key holds, and expand without bound)",
                        (const char *)ev->data.alias.anchor, doc->what);
        doc->fatal = true;
        return false;
    }
    if (ev->type == YAML_SCALAR_EVENT)
        tag = ev->data.scalar.tag;
    else if (ev->type == YAML_MAPPING_START_EVENT)
        tag = ev->data.mapping_start.tag;
    else if (ev->type == YAML_SEQUENCE_START_EVENT)
        tag = ev->data.sequence_start.tag;
    if (tag && strcmp((const char *)tag, "tag:yaml.org,2002:str") != 0 &&
        strcmp((const char *)tag, "!") != 0) {
        gate_yaml_error(doc, line, col,
                        "YAML tags (%s) are not supported: write a plain or quoted value",
                        (const char *)tag);
        return false;
    }
    return true;
}

/* Build the node of the event ev (already read); reads the events of its children. */
static struct gate_yaml_node *build(struct gate_yaml_doc *doc, yaml_parser_t *ps, yaml_event_t *ev,
                                    int depth)
{
    struct gate_yaml_node *n = NULL;
    yaml_event_type_t end;

    if (!event_ok(doc, ev) && doc->fatal)
        return NULL;
    if (depth > MAX_DEPTH) {
        gate_yaml_error(doc, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                        "%s nests deeper than %d levels", doc->what, MAX_DEPTH);
        doc->fatal = true;
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = new_node(doc, GATE_YAML_SCALAR, &ev->start_mark);
        if (!n)
            return NULL;
        n->len = ev->data.scalar.length;
        n->text = gate_arena_strndup(&doc->scratch, (const char *)ev->data.scalar.value, n->len);
        n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                    (ev->data.scalar.tag && !ev->data.scalar.plain_implicit);
        return n;
    case YAML_MAPPING_START_EVENT:
        n = new_node(doc, GATE_YAML_MAP, &ev->start_mark);
        end = YAML_MAPPING_END_EVENT;
        break;
    case YAML_SEQUENCE_START_EVENT:
        n = new_node(doc, GATE_YAML_SEQ, &ev->start_mark);
        end = YAML_SEQUENCE_END_EVENT;
        break;
    default:
        gate_yaml_error(doc, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                        "unexpected YAML structure");
        doc->fatal = true;
        return NULL;
    }
    if (!n)
        return NULL;
    for (;;) {
        yaml_event_t kid;
        struct gate_yaml_node *k;

        if (!next_event(doc, ps, &kid))
            return NULL;
        if (kid.type == end) {
            yaml_event_delete(&kid);
            return n;
        }
        k = build(doc, ps, &kid, depth + 1);
        yaml_event_delete(&kid);
        if (doc->fatal)
            return NULL;
        if (k)
            add_child(n, k);
        else if (n->kind == GATE_YAML_MAP)
            return NULL; /* keys and values would no longer pair up */
    }
}

struct gate_yaml_node *gate_yaml_read(struct gate_yaml_doc *doc)
{
    yaml_parser_t ps;
    yaml_event_t ev;
    struct gate_yaml_node *root = NULL;
    int docs = 0;

    if (!yaml_parser_initialize(&ps))
        GATE_BUG("yaml_parser_initialize failed");
    yaml_parser_set_input_string(&ps, (const unsigned char *)doc->text, doc->len);
    yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
    while (!doc->fatal && next_event(doc, &ps, &ev)) {
        yaml_event_type_t t = ev.type;

        if (t == YAML_DOCUMENT_START_EVENT) {
            if (++docs > 1) {
                gate_yaml_error(doc, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                                "a second YAML document ('---'): %s is one document", doc->what);
                doc->fatal = true;
            }
        } else if (t == YAML_SCALAR_EVENT || t == YAML_MAPPING_START_EVENT ||
                   t == YAML_SEQUENCE_START_EVENT || t == YAML_ALIAS_EVENT) {
            root = build(doc, &ps, &ev, 0);
        }
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&ps);
    return doc->fatal ? NULL : root;
}

bool gate_yaml_is_null(const struct gate_yaml_node *v)
{
    if (!v)
        return true;
    if (v->kind != GATE_YAML_SCALAR || v->quoted)
        return false;
    return !v->len || !strcmp(v->text, "~") || !strcmp(v->text, "null") ||
           !strcmp(v->text, "Null") || !strcmp(v->text, "NULL");
}

const char *gate_yaml_what(struct gate_yaml_doc *doc, const struct gate_yaml_node *v)
{
    if (!v || gate_yaml_is_null(v))
        return "nothing";
    if (v->kind == GATE_YAML_MAP)
        return "a mapping (key: value lines)";
    if (v->kind == GATE_YAML_SEQ)
        return "a list";
    if (v->len > 40)
        return gate_arena_printf(&doc->scratch, "'%.37s...'", v->text);
    return gate_arena_printf(&doc->scratch, "'%s'", v->text);
}

void gate_yaml_init(struct gate_yaml_doc *doc, const char *name, const char *what, const char *text,
                    size_t len)
{
    memset(doc, 0, sizeof(*doc));
    doc->name = name;
    doc->what = what;
    doc->text = text;
    doc->len = len;
    gate_src_init(&doc->src, text, len);
}

void gate_yaml_release(struct gate_yaml_doc *doc)
{
    gate_src_release(&doc->src);
    gate_arena_release(&doc->scratch);
    doc->diags = doc->diags_last = NULL;
    doc->ndiags = 0;
}
