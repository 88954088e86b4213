/* SPDX-License-Identifier: MIT */
/*
 * scan.c - the SQL scanner's side of parsing (pg_query_scan): tokens and
 * their exact boundaries, the comments of a file, a statement's extent
 * without its leading and trailing comments, where each command of an
 * ALTER TABLE starts; and lazy lexing, which scans a parsed file one
 * statement at a time and only where the tokens matter.
 */
#include "gate/compat.h"
#include "gate/sql.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/xalloc.h"
#include "sql_internal.h"
#include "gate/pbdecode.h"

#include <stdlib.h>

/* Skip whitespace and comments (as PostgreSQL's scanner defines them). */
int gate_sql_skip_blank(const char *s, int pos, int end)
{
    while (pos < end) {
        if (is_space(s[pos])) {
            pos++;
        } else if (s[pos] == '-' && pos + 1 < end && s[pos + 1] == '-') {
            while (pos < end && s[pos] != '\n' && s[pos] != '\r')
                pos++;
        } else if (s[pos] == '/' && pos + 1 < end && s[pos + 1] == '*') {
            int depth = 1;

            pos += 2;
            while (pos < end && depth > 0) {
                if (s[pos] == '/' && pos + 1 < end && s[pos + 1] == '*') {
                    depth++;
                    pos += 2;
                } else if (s[pos] == '*' && pos + 1 < end && s[pos + 1] == '/') {
                    depth--;
                    pos += 2;
                } else {
                    pos++;
                }
            }
        } else {
            break;
        }
    }
    return pos;
}

int gate_sql_trim_blank(const char *s, int start, int end)
{
    while (end > start && is_space(s[end - 1]))
        end--;
    return end;
}

/* Bytes of the UTF-8 character starting with lead byte b (pg_utf_mblen). */
static int utf8_len(unsigned char b)
{
    if (b < 0x80)
        return 1;
    if ((b & 0xe0) == 0xc0)
        return 2;
    if ((b & 0xf0) == 0xe0)
        return 3;
    if ((b & 0xf8) == 0xf0)
        return 4;
    return 1;
}

/* PgQueryError.cursorpos (1-based, in characters) to a byte offset; -1 if 0. */
int gate_sql_cursor_to_byte(const char *s, int len, int cursorpos)
{
    int i = 0;

    if (cursorpos <= 0)
        return -1;
    for (int k = 1; k < cursorpos && i < len; k++)
        i += utf8_len((unsigned char)s[i]);
    return i < len ? i : len;
}

/* Index of the first token starting at or after pos. */
static size_t tok_lower(const struct ctx *c, int pos)
{
    size_t lo = 0;
    size_t hi = c->ntoks;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c->toks[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first and last real token of src[a..b): the statement's extent. */
void gate_sql_stmt_span(const struct ctx *c, int a, int b, int *start, int *end)
{
    if (c->use_toks && c->toks && !c->head_only) {
        const struct tok *t = c->toks;
        size_t n = c->ntoks;
        size_t i = tok_lower(c, a);

        while (i < n && t[i].start < b && tok_is_comment(&t[i]))
            i++;
        if (i < n && t[i].start < b) {
            size_t j = tok_lower(c, b);

            while (j > i + 1 && tok_is_comment(&t[j - 1]))
                j--;
            *start = t[i].start;
            *end = t[j - 1].end > b ? b : t[j - 1].end;
            return;
        }
    }
    *start = gate_sql_skip_blank(c->src, a, b);
    *end = gate_sql_trim_blank(c->src, *start, b);
}

/*
 * Start of each ALTER TABLE command: the commands follow the relation name
 * and are separated by commas outside parentheses and brackets.
 */
bool gate_sql_alter_cmd_starts(const struct ctx *c, const PgQuery__RangeVar *rv, int end,
                               int *starts, size_t ncmds)
{
    const struct tok *t = c->toks;
    size_t n = c->ntoks;
    size_t i;
    size_t k = 0;
    int depth = 0;
    bool want = true;

    if (!c->use_toks || !t || !rv || rv->location < 0)
        return false;
    i = tok_lower(c, loc(c, rv->location));
    if (i >= n)
        return false;
    i++;
    while (i + 1 < n && t[i].type == PG_QUERY__TOKEN__ASCII_46)
        i += 2;
    if (i < n && t[i].type == PG_QUERY__TOKEN__ASCII_42)
        i++;
    for (; i < n && t[i].start < end; i++) {
        if (tok_is_comment(&t[i]))
            continue;
        if (want) {
            if (k >= ncmds)
                return false;
            starts[k++] = t[i].start;
            want = false;
        }
        switch (t[i].type) {
        case PG_QUERY__TOKEN__ASCII_40:
        case PG_QUERY__TOKEN__ASCII_91:
            depth++;
            break;
        case PG_QUERY__TOKEN__ASCII_41:
        case PG_QUERY__TOKEN__ASCII_93:
            depth--;
            break;
        case PG_QUERY__TOKEN__ASCII_44:
            if (depth == 0)
                want = true;
            break;
        default:
            break;
        }
    }
    return k == ncmds;
}

/*
 * Tokens of a pg_query.ScanResult (field 2, ScanToken: start 1, end 2,
 * token 4), decoded straight off the wire: one array, no message per token.
 */
static bool decode_tokens(struct ctx *c, const PgQueryProtobuf *pb, int offset)
{
    const uint8_t *p = (const uint8_t *)pb->data;
    const uint8_t *end = p + pb->len;
    size_t first = c->ntoks;

    while (p < end) {
        struct gate_pb_field f;
        const uint8_t *q;
        const uint8_t *qend;
        struct tok *t;

        if (!gate_pb_next_field(&p, end, &f))
            goto bad;
        if (f.id != 2 || !f.data)
            continue;
        q = f.data;
        qend = f.data + f.len;
        GATE_GROW(c->toks, c->tokcap, c->ntoks + 1);
        t = &c->toks[c->ntoks++];
        /* zero-valued fields are not on the wire */
        t->start = offset;
        t->end = offset;
        t->type = 0;
        while (q < qend) {
            struct gate_pb_field g;

            if (!gate_pb_next_field(&q, qend, &g))
                goto bad;
            if (g.id == 1)
                t->start = offset + (int)(int32_t)(uint32_t)g.varint;
            else if (g.id == 2)
                t->end = offset + (int)(int32_t)(uint32_t)g.varint;
            else if (g.id == 4)
                t->type = (int)(int32_t)(uint32_t)g.varint;
        }
    }
    return true;
bad:
    c->ntoks = first;
    return false;
}

/* Tokens of text (the source, or a prefix of it) into c->toks. */
void gate_sql_scan_text(struct ctx *c, const char *text)
{
    PgQueryScanResult r = pg_query_scan(text);
    int limit = -1;

    if (!r.error && r.pbuf.data && !decode_tokens(c, &r.pbuf, 0)) {
        free(c->toks);
        c->toks = NULL;
        c->ntoks = 0;
        c->tokcap = 0;
    }
    if (r.error)
        limit = gate_sql_cursor_to_byte(text, to_int(strlen(text)), r.error->cursorpos);
    pg_query_free_scan_result(r);
    if (limit > 0 && text == c->src) {
        /* unterminated literal or comment: scan what comes before it */
        char *prefix = gate_xstrndup(c->src, (size_t)limit);

        gate_sql_scan_text(c, prefix);
        free(prefix);
    }
}

/*
 * Lazy lexing. The scanner's tokens give a statement's comments and
 * extent, and where each command of a multi-command ALTER TABLE starts.
 * Lexing the whole file costs a third as much as parsing it, and most of
 * a file is statement bodies without a comment in them. So, once the
 * parser has accepted the file, its statements are lexed one at a time:
 * a statement whose body (after its first token) may hold a comment, or
 * whose tokens are needed, is scanned whole; otherwise only its leading
 * blanks and comments go to the scanner (with, for an ALTER TABLE of one
 * command, its tokens up to that command's first word), and its extent is
 * its first to its last non-blank byte. Text between statements (';', empty statements)
 * is scanned when it may hold a comment. Statement boundaries are token
 * boundaries, so each piece scans as it would within the whole file.
 */

/* May s[a..b) hold a comment? (Any "--" or slash-star, even in a literal.) */
static bool may_comment(const char *s, int a, int b)
{
    for (int i = a; i + 1 < b; i++) {
        if ((s[i] == '-' && s[i + 1] == '-') || (s[i] == '/' && s[i + 1] == '*'))
            return true;
    }
    return false;
}

/* Append the tokens of src[a..b). False when the scanner rejects the piece. */
static bool scan_piece(struct ctx *c, int a, int b)
{
    PgQueryScanResult r;
    bool ok;

    GATE_GROW(c->piece, c->piececap, (size_t)(b - a) + 1);
    memcpy(c->piece, c->src + a, (size_t)(b - a));
    c->piece[b - a] = '\0';
    r = pg_query_scan(c->piece);
    ok = !r.error && r.pbuf.data && decode_tokens(c, &r.pbuf, a);
    pg_query_free_scan_result(r);
    return ok;
}

/* Give up lexing piece by piece: lex the whole file, as for a syntax error. */
static void lex_all(struct ctx *c)
{
    c->ntoks = 0;
    c->lazy_lex = false;
    c->head_only = false;
    gate_sql_scan_text(c, c->src);
}

/* Lex the text before offset a that is not lexed yet, when it may hold a comment. */
void gate_sql_lex_gap(struct ctx *c, int a)
{
    if (c->lexed_to < a && may_comment(c->src, c->lexed_to, a) && !scan_piece(c, c->lexed_to, a))
        lex_all(c);
    if (c->lexed_to < a)
        c->lexed_to = a;
}

/*
 * Where the tokens of an ALTER TABLE with one command may stop: past its
 * relation name (identifiers, dots, a '*') and the command's first word.
 * A guess from the bytes; gate_sql_alter_cmd_starts() on the scanner's tokens
 * decides, and gate_sql_lex_rest() lexes the whole statement when it was short.
 */
static int alter_head_end(const char *s, int p, int b)
{
    for (;;) {
        if (p < b && s[p] == '"') {
            for (p++; p < b; p++) {
                if (s[p] == '"' && !(p + 1 < b && s[p + 1] == '"'))
                    break;
                if (s[p] == '"')
                    p++;
            }
            p++;
        }
        while (p < b && is_ident_char(s[p]))
            p++;
        while (p < b && is_space(s[p]))
            p++;
        if (p >= b || s[p] != '.')
            break;
        for (p++; p < b && is_space(s[p]); p++)
            ;
    }
    if (p < b && s[p] == '*')
        p++;
    while (p < b && is_space(s[p]))
        p++;
    while (p < b && is_ident_char(s[p]))
        p++;
    return p < b ? p : b;
}

/* How far the statement's tokens are needed: to b, a little way (ALTER TABLE), or not (-1). */
static int tokens_needed(const struct ctx *c, const PgQuery__Node *n, int b)
{
    const PgQuery__AlterTableStmt *s;

    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || !n->alter_table_stmt)
        return -1;
    s = n->alter_table_stmt;
    if (s->n_cmds != 1 || !s->relation || s->relation->location < 0)
        return b;
    return alter_head_end(c->src, loc(c, s->relation->location), b);
}

/* Lex the statement n, src[a..b). Sets use_toks and head_only. */
void gate_sql_lex_region(struct ctx *c, const PgQuery__Node *n, int a, int b)
{
    int first;
    int upto;

    c->head_only = false;
    gate_sql_lex_gap(c, a);
    if (!c->lazy_lex) {
        c->use_toks = !!c->toks;
        return;
    }
    c->lexed_to = b;
    c->stmt_a = a;
    c->stmt_b = b;
    c->stmt_tok0 = c->ntoks;
    first = gate_sql_skip_blank(c->src, a, b);
    upto = tokens_needed(c, n, b);
    if (first >= b || may_comment(c->src, first, b))
        upto = b;
    if (upto > first) {
        bool ok = scan_piece(c, a, upto);

        if (!ok && upto < b) {
            upto = b; /* the cut fell inside a quoted name or a literal */
            ok = scan_piece(c, a, b);
        }
        if (!ok)
            lex_all(c);
        else
            c->head_only = upto < b;
    } else if (first > a && may_comment(c->src, a, first) && !scan_piece(c, a, first)) {
        lex_all(c);
    }
    c->use_toks = !!c->toks || c->lazy_lex;
}

/* The statement's head was not enough: lex all of it. */
void gate_sql_lex_rest(struct ctx *c)
{
    c->ntoks = c->stmt_tok0;
    c->head_only = false;
    if (!scan_piece(c, c->stmt_a, c->stmt_b))
        lex_all(c);
    c->use_toks = !!c->toks;
}

void gate_sql_comments(struct ctx *c, struct gate_sql_file *out)
{
    size_t n = 0;

    for (size_t i = 0; i < c->ntoks; i++)
        n += tok_is_comment(&c->toks[i]);
    out->comments = arena_array(c, n, sizeof(*out->comments));
    for (size_t i = 0; i < c->ntoks; i++) {
        const struct tok *t = &c->toks[i];
        struct gate_sql_comment *k;
        int from;
        int to;

        if (!tok_is_comment(t))
            continue;
        k = &out->comments[out->ncomments++];
        k->start = t->start;
        k->end = t->end;
        k->block = t->type == PG_QUERY__TOKEN__C_COMMENT;
        from = t->start + 2;
        to = k->block ? t->end - 2 : t->end;
        if (to < from)
            to = from;
        k->text = gate_arena_strndup(c->arena, c->src + from, (size_t)(to - from));
    }
}

/* ---- slices ----------------------------------------------------------- */

/* Is s[p] a dollar quote's opening tag? Its length (both '$' included), or 0. */
static int dollar_tag(const char *s, int p, int len)
{
    int q = p + 1;

    if (p > 0 && (is_ident_char(s[p - 1]) || s[p - 1] == '$'))
        return 0;
    if (q < len && s[q] >= '0' && s[q] <= '9')
        return 0;
    while (q < len && is_ident_char(s[q]))
        q++;
    if (q < len && s[q] == '$')
        return q + 1 - p;
    return 0;
}

/* End of the quoted text that starts at s[p] (quote q); len when unterminated. */
static int skip_quoted(const char *s, int p, int len, char q, bool backslash)
{
    p++;
    while (p < len) {
        if (backslash && s[p] == '\\') {
            p += 2;
        } else if (s[p] == q) {
            if (p + 1 < len && s[p + 1] == q)
                p += 2;
            else
                return p + 1;
        } else {
            p++;
        }
    }
    return len;
}

/* End of the dollar-quoted text that starts at s[p] with a tag of tlen bytes. */
static int skip_dollar(const char *s, int p, int len, int tlen)
{
    const char *tag = s + p;

    p += tlen;
    while (p + tlen <= len) {
        const char *d = memchr(s + p, '$', (size_t)(len - p));

        if (!d || (int)(d - s) + tlen > len)
            return len;
        p = (int)(d - s);
        if (!memcmp(s + p, tag, (size_t)tlen))
            return p + tlen;
        p++;
    }
    return len;
}

int gate_sql_slice_end(const char *s, int pos, int len, int max_stmts, int max_bytes)
{
    int start = pos;
    int n = 0;

    while (pos < len) {
        char ch = s[pos];
        int t;

        if (ch == ';') {
            pos++;
            n++;
            if ((max_stmts > 0 && n >= max_stmts) || (max_stmts <= 0 && pos - start >= max_bytes))
                return pos;
        } else if ((ch == '-' && pos + 1 < len && s[pos + 1] == '-') ||
                   (ch == '/' && pos + 1 < len && s[pos + 1] == '*')) {
            pos = gate_sql_skip_blank(s, pos, len);
        } else if (ch == '\'') {
            bool e = pos > 0 && (s[pos - 1] == 'e' || s[pos - 1] == 'E') &&
                     (pos < 2 || !is_ident_char(s[pos - 2]));

            pos = skip_quoted(s, pos, len, '\'', e);
        } else if (ch == '"') {
            pos = skip_quoted(s, pos, len, '"', false);
        } else if (ch == '$' && (t = dollar_tag(s, pos, len)) > 0) {
            pos = skip_dollar(s, pos, len, t);
        } else {
            pos++;
        }
    }
    return len;
}
