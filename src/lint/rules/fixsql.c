/* SPDX-License-Identifier: MIT */
/*
 * fixsql.c - the SQL that locking findings suggest instead (fixsql.h):
 * identifiers quoted, PostgreSQL's default constraint names, a statement
 * rewritten as written (comments dropped, blanks collapsed) with
 * CONCURRENTLY or NOT VALID put in, and the help templates' {X} fields.
 */
#include "gate/compat.h"
#include "gate/fixsql.h"
#include "gate/buf.h"
#include "gate/lint.h"
#include "gate/rules_common.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* "name" with embedded quotes doubled. */
void gate_fixsql_ident(struct gate_buf *b, const char *name)
{
    gate_buf_addc(b, '"');
    for (const char *p = name ? name : "?"; *p; p++) {
        if (*p == '"')
            gate_buf_addc(b, '"');
        gate_buf_addc(b, *p);
    }
    gate_buf_addc(b, '"');
}

/* "a", "b" (NULL entries, i.e. expressions, as an ellipsis). */
void gate_fixsql_columns(struct gate_buf *b, const char *const *cols, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            gate_buf_adds(b, ", ");
        if (cols[i])
            gate_fixsql_ident(b, cols[i]);
        else
            gate_buf_adds(b, "...");
    }
}

bool gate_fixsql_all_named(const char *const *cols, int n)
{
    if (n <= 0)
        return false;
    for (int i = 0; i < n; i++) {
        if (!cols[i])
            return false;
    }
    return true;
}

/* Cut s to at most 63 bytes on a UTF-8 character boundary, as PostgreSQL does. */
void gate_fixsql_clip_name(struct gate_buf *b)
{
    size_t n = gate_rules_name_keep(b->data, b->len);

    if (n == b->len)
        return;
    b->data[n] = '\0';
    b->len = n;
}

/*
 * A constraint's name: given, or else PostgreSQL's default,
 * table_col1_col2_suffix cut to 63 bytes.
 */
void gate_fixsql_cons_name(struct gate_buf *b, const char *given, const char *table,
                           const char *const *cols, int n, const char *suffix)
{
    gate_buf_reset(b);
    if (given) {
        gate_buf_adds(b, given);
        return;
    }
    gate_buf_adds(b, table ? table : "t");
    for (int i = 0; i < n; i++) {
        if (cols[i]) {
            gate_buf_addc(b, '_');
            gate_buf_adds(b, cols[i]);
        }
    }
    gate_buf_addc(b, '_');
    gate_buf_adds(b, suffix);
    gate_fixsql_clip_name(b);
}

/* Bytes [*b, *e) of a top-level statement's text; false when unknown. */
bool gate_fixsql_stmt_span(const struct gate_stmt *st, int *b, int *e)
{
    if (st->depth > 0 || st->location < 0 || st->length <= 0)
        return false;
    *b = st->location;
    *e = st->location + st->length;
    return true;
}

/* Position after keyword kw at p (case-insensitive, whole word), or -1. */
int gate_fixsql_keyword_at(const char *t, int p, int end, const char *kw)
{
    int n = (int)strlen(kw);

    if (end - p < n || strncasecmp(t + p, kw, (size_t)n) != 0)
        return -1;
    if (p + n < end && gate_rules_ident_char(t[p + n]))
        return -1;
    return p + n;
}

/* Skip a quoted string or identifier starting at p (t[p] is the quote). */
static int skip_quoted(const char *t, int p, int end)
{
    char q = t[p++];

    while (p < end) {
        if (t[p] == q) {
            if (p + 1 < end && t[p + 1] == q) {
                p += 2;
                continue;
            }
            return p + 1;
        }
        p++;
    }
    return end;
}

/*
 * End of the clause starting at p: the first comma outside parentheses
 * and quotes, or end.
 */
static int clause_end(const char *t, int p, int end)
{
    int depth = 0;

    while (p < end) {
        char c = t[p];

        if (c == '\'' || c == '"') {
            p = skip_quoted(t, p, end);
            continue;
        }
        if (c == '-' || c == '/') {
            int q = gate_rules_skip_blank(t, p, end);

            if (q != p) {
                p = q;
                continue;
            }
        }
        if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        else if (c == ',' && depth <= 0)
            break;
        p++;
    }
    return p;
}

/*
 * Append t[p, end) with comments removed and white space collapsed to
 * single spaces (quoted text kept as written). Returns false, appending
 * nothing, when the text holds dollar quoting.
 */
bool gate_fixsql_add_sql(struct gate_buf *b, const char *t, int p, int end)
{
    bool space = false;

    for (int i = p; i < end; i++) {
        if (t[i] == '$')
            return false;
    }
    p = gate_rules_skip_blank(t, p, end);
    while (end > p && isspace((unsigned char)t[end - 1]))
        end--;
    while (p < end) {
        int q = gate_rules_skip_blank(t, p, end);

        if (q != p) {
            space = true;
            p = q;
            continue;
        }
        if (space && b->len) {
            char last = b->data[b->len - 1];

            if (last != '(' && t[p] != ')' && t[p] != ',')
                gate_buf_addc(b, ' ');
        }
        space = false;
        if (t[p] == '\'' || t[p] == '"') {
            q = skip_quoted(t, p, end);
            gate_buf_add(b, t + p, (size_t)(q - p));
            p = q;
            continue;
        }
        gate_buf_addc(b, t[p]);
        p++;
    }
    return true;
}

/* Append template tmpl with its {X} fields filled in from a. */
void gate_fixsql_template(struct gate_buf *b, const char *tmpl, const struct gate_fixsql_args *a)
{
    for (const char *p = tmpl; *p; p++) {
        if (p[0] != '{' || !p[1] || p[2] != '}') {
            gate_buf_addc(b, *p);
            continue;
        }
        p++;
        switch (*p) {
        case 'T':
            gate_buf_adds(b, a->table);
            break;
        case 'R':
            gate_buf_adds(b, a->ref);
            break;
        case 'N':
            gate_fixsql_ident(b, a->name);
            break;
        case 'C':
            gate_fixsql_ident(b, a->column);
            break;
        case 'K':
            gate_fixsql_columns(b, a->cols, a->ncols);
            break;
        default:
            gate_buf_printf(b, "{%c}", *p);
            break;
        }
        p++;
    }
}

/*
 * The statement rewritten with CONCURRENTLY (and IF NOT EXISTS when it
 * has a name): CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS ...
 */
bool gate_fixsql_create_concurrently(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                                     struct gate_buf *b)
{
    const char *t = gate_lint_text(ctx, 0);
    int p, end, q;
    size_t mark = b->len;

    if (!gate_fixsql_stmt_span(st, &p, &end))
        return false;
    p = gate_fixsql_keyword_at(t, gate_rules_skip_blank(t, p, end), end, "CREATE");
    if (p < 0)
        return false;
    q = gate_fixsql_keyword_at(t, gate_rules_skip_blank(t, p, end), end, "UNIQUE");
    if (q >= 0)
        p = q;
    p = gate_fixsql_keyword_at(t, gate_rules_skip_blank(t, p, end), end, "INDEX");
    if (p < 0)
        return false;
    gate_buf_adds(b, st->unique ? "CREATE UNIQUE INDEX CONCURRENTLY" : "CREATE INDEX CONCURRENTLY");
    if (st->index_name && !st->missing_ok)
        gate_buf_adds(b, " IF NOT EXISTS");
    gate_buf_addc(b, ' ');
    if (!gate_fixsql_add_sql(b, t, p, end)) {
        b->len = mark;
        b->data[mark] = '\0';
        return false;
    }
    gate_buf_addc(b, ';');
    return true;
}

/*
 * Append "ALTER TABLE t ADD <clause as written>" for the constraint at
 * cons->location; false when the text is not available.
 */
bool gate_fixsql_add_constraint(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                                const struct gate_constraint *k, struct gate_buf *b)
{
    const char *t = gate_lint_text(ctx, 0);
    int p, end, ce;
    size_t mark = b->len;

    if (!gate_fixsql_stmt_span(st, &p, &end) || k->location < p || k->location >= end)
        return false;
    ce = clause_end(t, k->location, end);
    gate_buf_printf(b, "ALTER TABLE %s ADD ", gate_lint_qname(ctx, &st->rel));
    if (!gate_fixsql_add_sql(b, t, k->location, ce)) {
        b->len = mark;
        b->data[mark] = '\0';
        return false;
    }
    return true;
}

/*
 * Append REINDEX st rewritten with CONCURRENTLY right after the object
 * kind (REINDEX [(...)] INDEX CONCURRENTLY name), as written; when the
 * text is not at hand, a template naming kind and the object.
 */
void gate_fixsql_reindex_concurrently(struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                                      const char *kind, struct gate_buf *b)
{
    static const char *const kinds[] = {"INDEX", "TABLE", "SCHEMA", "DATABASE"};
    const char *t = gate_lint_text(ctx, 0);
    int p, end, after = -1;

    /* CONCURRENTLY goes right after the object kind: REINDEX [(...)] INDEX CONCURRENTLY name */
    if (gate_fixsql_stmt_span(st, &p, &end)) {
        p = gate_fixsql_keyword_at(t, gate_rules_skip_blank(t, p, end), end, "REINDEX");
        if (p >= 0) {
            p = gate_rules_skip_blank(t, p, end);
            if (p < end && t[p] == '(') {
                int depth = 0;

                while (p < end) {
                    if (t[p] == '(') {
                        depth++;
                    } else if (t[p] == ')' && --depth == 0) {
                        p++;
                        break;
                    }
                    p++;
                }
                p = gate_rules_skip_blank(t, p, end);
            }
            for (size_t i = 0; i < GATE_ARRAY_SIZE(kinds) && after < 0; i++)
                after = gate_fixsql_keyword_at(t, p, end, kinds[i]);
        }
    }
    if (after >= 0) {
        size_t mark = b->len;
        bool ok = gate_fixsql_add_sql(b, t, st->location, after);

        gate_buf_adds(b, " CONCURRENTLY ");
        if (ok && gate_fixsql_add_sql(b, t, after, end)) {
            gate_buf_addc(b, ';');
        } else {
            b->len = mark;
            b->data[mark] = '\0';
            gate_buf_printf(b, "REINDEX %s CONCURRENTLY ...;", kind);
        }
    } else {
        gate_buf_printf(b, "REINDEX %s CONCURRENTLY %s;", kind,
                        st->rel.name ? gate_lint_qname(ctx, &st->rel) : "...");
    }
}
