/* SPDX-License-Identifier: MIT */
/*
 * sql.c - SQL parsing with libpg_query, the PostgreSQL 15 parser (sql.h);
 * only the files of src/sql/ include <pg_query.h>.
 *
 * A migration is scanned once (pg_query_scan: comments and exact token
 * boundaries) and parsed once (pg_query_parse_protobuf). Each raw statement
 * is translated into the IR of sql.h. Where the IR wants "everything
 * below a node" (string literals, the volatility of an expression) the
 * protobuf tree is walked generically through the protobuf-c descriptors.
 *
 * DO blocks and plpgsql function bodies go through pg_query_parse_plpgsql;
 * the embedded SQL statements are taken from its JSON output, parsed and
 * appended after their parent at depth 1. LANGUAGE sql bodies are parsed
 * directly. Errors inside bodies are ignored.
 *
 * The steps live beside this file (sql_internal.h): scan.c (tokens,
 * comments, lazy lexing), translate.c (parse tree -> IR), plpgsql.c
 * (bodies); pbdecode.c unpacks the parse trees.
 *
 * A file of 1 MiB or more is parsed in slices of about 256 KiB cut at
 * top-level ';' (see "slices" below), so the parser's memory stays bounded
 * by a slice; the IR is the same as from one parse of the whole file.
 *
 * When the file does not parse, the first error is recorded and the file
 * is split with pg_query_split_with_scanner; every piece is parsed on its
 * own so the statements that do parse are still returned.
 */
#include "gate/compat.h"
#include "gate/sql.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/pbdecode.h"
#include "gate/xalloc.h"
#include "sql_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
# include <sys/syscall.h>
# include <unistd.h>
#endif

/* PostgreSQL's MaxAllocSize: the scanner cannot take a larger text. */
#define SQL_MAX_BYTES ((size_t)0x3fffffff)

/*
 * libpg_query keeps per-thread state. In 15-4.0.0 pg_query_exit() crashes
 * in a thread that never used the library, the library cannot be used
 * again after it, and a thread-exit hook frees the state of every other
 * thread (so pg_query_exit() there would free it twice).
 */
enum pg_state {
    PG_UNUSED = 0,
    PG_IN_USE,
    PG_SHUT_DOWN,
};

static _Thread_local enum pg_state pg_state;

static void pg_enter(void)
{
    if (pg_state == PG_SHUT_DOWN)
        GATE_BUG("libpg_query used after gate_sql_shutdown()");
    pg_state = PG_IN_USE;
}

/*
 * libpg_query 15-4.0.0 leaks one strdup (the parser's stderr_buffer) every
 * time pg_query_parse_plpgsql() fails, and the caller never sees the
 * pointer. Keep LeakSanitizer quiet about it: the library has no frame
 * pointers, so the allocating frame is all the report shows. A result we
 * forget to free still shows up through its other allocations.
 */
#if defined(__SANITIZE_ADDRESS__)
# define GATE_LSAN_HOOK 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define GATE_LSAN_HOOK 1
# endif
#endif
#ifdef GATE_LSAN_HOOK
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_suppressions(void)
{
    return "leak:pg_query_raw_parse\n";
}

/* stderr stays the same as in a normal build (golden .err files) */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif

/*
 * protobuf-c allocator on the scratch arena: unpacking mallocs once per
 * node otherwise, and freeing the tree walks it again.
 */
static void *pb_alloc(void *data, size_t size)
{
    return gate_arena_alloc(data, size ? size : 1);
}

static void pb_free(GATE_UNUSED void *data, GATE_UNUSED void *p)
{
}

/* gate_pb_decode builds the same structs as pg_query__parse_result__unpack, 3x faster. */
PgQuery__ParseResult *gate_sql_unpack(struct ctx *c, const PgQueryProtobuf *pb)
{
    return (PgQuery__ParseResult *)(void *)gate_pb_decode(
        &pg_query__parse_result__descriptor, &c->pba, pb->len, (const uint8_t *)pb->data);
}

size_t gate_sql_push_stmt(struct ctx *c)
{
    struct gate_stmt *st;

    GATE_GROW(c->stmts, c->stmtcap, c->nstmts + 1);
    st = &c->stmts[c->nstmts];
    memset(st, 0, sizeof(*st));
    st->parent = -1;
    return c->nstmts++;
}

/*
 * Append the statements of one parse; the parsed text is src[base..base+tlen).
 */
static void add_parsed(struct ctx *c, const PgQuery__ParseResult *pr, int base, int tlen)
{
    for (size_t i = 0; i < pr->n_stmts; i++) {
        const PgQuery__RawStmt *rs = pr->stmts[i];
        int a = base + rs->stmt_location;
        int b = rs->stmt_len ? a + rs->stmt_len : base + tlen;
        size_t idx = gate_sql_push_stmt(c);
        struct gate_stmt *st = &c->stmts[idx];
        int end;

        if (b > base + tlen)
            b = base + tlen;
        c->base = base;
        if (c->lazy_lex)
            gate_sql_lex_region(c, rs->stmt, a, b);
        else
            c->use_toks = !!c->toks;
        gate_sql_stmt_span(c, a, b, &st->location, &end);
        st->length = end - st->location;
        gate_sql_translate(c, st, rs->stmt, end);
        if (rs->stmt)
            gate_sql_add_bodies(c, idx, rs->stmt, a, b);
    }
}

/* ---- syntax errors ---------------------------------------------------- */

/* Parse every piece the scanner splits the file into on its own. */
static void parse_pieces(struct ctx *c, struct gate_sql_file *out)
{
    PgQuerySplitResult sr = pg_query_split_with_scanner(c->src);
    int limit = c->len;
    bool need_offset = out->error_offset < 0;

    if (sr.error) {
        /* the scanner fails too: split what comes before the bad token */
        limit = gate_sql_cursor_to_byte(c->src, c->len, sr.error->cursorpos);
        pg_query_free_split_result(sr);
        if (limit <= 0)
            return;
        {
            char *prefix = gate_xstrndup(c->src, (size_t)limit);

            sr = pg_query_split_with_scanner(prefix);
            free(prefix);
        }
        if (sr.error) {
            pg_query_free_split_result(sr);
            return;
        }
    }
    for (int i = 0; i < sr.n_stmts; i++) {
        int a = sr.stmts[i]->stmt_location;
        int len = sr.stmts[i]->stmt_len;
        char *piece;
        PgQueryProtobufParseResult r;

        if (a < 0 || len < 0 || a + len > limit)
            continue;
        /* before a scanner error, only pieces ended by ';' are whole */
        if (limit < c->len && (a + len >= limit || c->src[a + len] != ';'))
            continue;
        piece = gate_xstrndup(c->src + a, (size_t)len);
        r = pg_query_parse_protobuf(piece);
        if (r.error) {
            if (need_offset) {
                int off = gate_sql_cursor_to_byte(piece, len, r.error->cursorpos);

                out->error_offset = off >= 0 ? a + off : gate_sql_skip_blank(c->src, a, a + len);
                need_offset = false;
            }
        } else {
            PgQuery__ParseResult *pr = gate_sql_unpack(c, &r.parse_tree);

            if (pr)
                add_parsed(c, pr, a, len);
        }
        pg_query_free_protobuf_parse_result(r);
        free(piece);
    }
    pg_query_free_split_result(sr);
}

/* ---- slices ----------------------------------------------------------- */

/*
 * A big file is parsed in slices cut at top-level ';' (gate_sql_slice_end):
 * each slice's parse tree is translated into the IR, then the tree, its
 * protobuf and the scratch arena are freed before the next slice, so the
 * memory the parser holds stays bounded by one slice instead of growing
 * with the file. PostgreSQL's grammar is a list of statements separated by
 * ';' and the scanner is back in its initial state after a ';' token, so
 * the file parses iff every slice does, and a statement parsed in its slice
 * has the same tree as in the whole file (its locations moved by the
 * slice's offset, which add_parsed adds back). When any slice fails, the
 * slices' work is dropped and the file is parsed whole, as before, so a
 * syntax error is reported from the whole file.
 */
#define SLICE_MIN_FILE (1024 * 1024)
#define SLICE_BYTES    (256 * 1024)

/*
 * Statements per slice from PRISMA_GATE_SLICE_STATEMENTS (tests: cut a
 * small file into slices of that many statements); 0 when unset.
 */
static int slice_statements(void)
{
    const char *env = getenv("PRISMA_GATE_SLICE_STATEMENTS");
    char *end;
    long v;

    if (!env || !*env)
        return 0;
    v = strtol(env, &end, 10);
    if (*end || v <= 0 || v > INT32_MAX)
        return 0;
    return (int)v;
}

/*
 * Parse text in slices into c; the number of slices, or 0 when a slice
 * does not parse (c is then partly filled).
 */
static int parse_sliced(struct ctx *c, char *text, int max_stmts)
{
    int a = 0;
    int n = 0;
    size_t semis = 1;

    /*
     * Room for a statement per ';' up front: no copying as the array grows.
     * Not zeroed: gate_sql_push_stmt() clears each statement it hands out,
     * so the pages of the room a file does not use are never touched.
     */
    for (const char *p = text; (p = memchr(p, ';', (size_t)(text + c->len - p))); p++)
        semis++;
    c->stmts = gate_xmalloc(semis * sizeof(*c->stmts));
    c->stmtcap = semis;

    while (a < c->len) {
        int b = gate_sql_slice_end(text, a, c->len, max_stmts, SLICE_BYTES);
        char saved = text[b];
        PgQueryProtobufParseResult r;
        PgQuery__ParseResult *pr = NULL;

        text[b] = '\0';
        r = pg_query_parse_protobuf(text + a);
        text[b] = saved;
        if (!r.error)
            pr = gate_sql_unpack(c, &r.parse_tree);
        if (pr)
            add_parsed(c, pr, a, b - a);
        pg_query_free_protobuf_parse_result(r);
        gate_arena_release(&c->scratch);
        if (!pr)
            return 0;
        a = b;
        n++;
    }
    if (c->lazy_lex)
        gate_sql_lex_gap(c, c->len);
    return n ? n : 1;
}

/* Forget what parse_sliced built, keeping the text and the allocator. */
static void ctx_reset(struct ctx *c, struct gate_sql_file *out)
{
    free(c->stmts);
    free(c->strs);
    free(c->toks);
    free(c->piece);
    gate_arena_release(&c->scratch);
    gate_arena_release(&out->arena);
    c->stmts = NULL;
    c->nstmts = c->stmtcap = 0;
    c->strs = NULL;
    c->nstrs = c->strcap = 0;
    c->toks = NULL;
    c->ntoks = c->tokcap = 0;
    c->piece = NULL;
    c->piececap = 0;
    c->use_toks = c->head_only = false;
    c->lexed_to = c->stmt_a = c->stmt_b = c->base = 0;
    c->stmt_tok0 = 0;
}

/* ---- API -------------------------------------------------------------- */

enum gate_code gate_sql_parse(const char *src, size_t len, struct gate_sql_file *out,
                              struct gate_err *err)
{
    return gate_sql_parse_flags(src, len, out, err, 0);
}

enum gate_code gate_sql_parse_flags(const char *src, size_t len, struct gate_sql_file *out,
                                    struct gate_err *err, unsigned flags)
{
    struct ctx c = {0};
    const char *nul = NULL;
    char *text;
    PgQueryProtobufParseResult r;
    enum gate_code ret = GATE_OK;
    int max_stmts;
    bool sliced = false;

    memset(out, 0, sizeof(*out));
    out->error_offset = -1;
    if (len)
        nul = memchr(src, '\0', len);
    if (nul)
        return gate_fail(err, GATE_E_SQL, "file contains a NUL byte at offset %zu",
                         (size_t)(nul - src));
    if (len > SQL_MAX_BYTES)
        return gate_fail(err, GATE_E_SQL, "file is too large to parse (%zu bytes)", len);
    pg_enter();
    text = gate_xmalloc(len + 1);
    if (len)
        memcpy(text, src, len);
    text[len] = '\0';
    c.arena = &out->arena;
    c.src = text;
    c.len = (int)len;
    c.pba.alloc = pb_alloc;
    c.pba.free = pb_free;
    c.pba.allocator_data = &c.scratch;

    max_stmts = slice_statements();
    /* (an empty file goes to the parser whole: gate_sql_shutdown() needs it used) */
    if (len && (max_stmts > 0 || len >= SLICE_MIN_FILE)) {
        c.lazy_lex = !(flags & GATE_SQL_FULL_SCAN);
        if (!c.lazy_lex)
            gate_sql_scan_text(&c, text);
        out->slices = parse_sliced(&c, text, max_stmts);
        sliced = out->slices > 0;
        if (!sliced) {
            ctx_reset(&c, out);
            c.lazy_lex = false;
        }
    }
    if (!sliced) {
        r = pg_query_parse_protobuf(text);
        if (!r.error) {
            PgQuery__ParseResult *pr = gate_sql_unpack(&c, &r.parse_tree);

            c.lazy_lex = !(flags & GATE_SQL_FULL_SCAN);
            if (!c.lazy_lex)
                gate_sql_scan_text(&c, text);
            if (pr) {
                add_parsed(&c, pr, 0, c.len);
            } else {
                ret = gate_fail(err, GATE_E_INTERNAL,
                                "cannot decode the parse tree from libpg_query");
            }
            if (c.lazy_lex)
                gate_sql_lex_gap(&c, c.len);
        } else {
            gate_sql_scan_text(&c, text);
            out->syntax_error = true;
            out->error_msg = value_dup(&c, r.error->message);
            out->error_offset = gate_sql_cursor_to_byte(text, c.len, r.error->cursorpos);
            parse_pieces(&c, out);
        }
        pg_query_free_protobuf_parse_result(r);
    }
    gate_sql_comments(&c, out);

    if (c.nstmts) {
        /* handed over, not copied: a big file's statements are most of its memory */
        out->stmts = gate_xrealloc(c.stmts, c.nstmts * sizeof(*out->stmts));
        out->nstmts = to_int(c.nstmts);
    } else {
        free(c.stmts);
    }
    free(c.strs);
    free(c.toks);
    free(c.piece);
    gate_arena_release(&c.scratch);
    free(text);
    return ret;
}

/* Count the top-level stmts (field 2) of a ParseResult on the wire. */
static int count_stmts(const PgQueryProtobuf *pb)
{
    const uint8_t *p = (const uint8_t *)pb->data;
    const uint8_t *end = p + pb->len;
    int n = 0;

    while (p < end) {
        struct gate_pb_field f;

        if (!gate_pb_next_field(&p, end, &f))
            break;
        if (f.id == 2 && f.data)
            n++;
    }
    return n;
}

int gate_sql_parse_only(const char *src)
{
    PgQueryProtobufParseResult r;
    int n;

    pg_enter();
    r = pg_query_parse_protobuf(src);
    n = r.error ? -1 : count_stmts(&r.parse_tree);

    pg_query_free_protobuf_parse_result(r);
    return n;
}

void gate_sql_file_release(struct gate_sql_file *f)
{
    if (!f)
        return;
    gate_arena_release(&f->arena);
    free(f->stmts);
    memset(f, 0, sizeof(*f));
    f->error_offset = -1;
}

/*
 * Thread-exit hooks do not run for the main thread. NEEDSWORK: outside
 * Linux we cannot tell, and leave the main thread's state to process exit.
 */
static bool main_thread(void)
{
#if defined(__linux__)
    return syscall(SYS_gettid) == getpid();
#else
    return false;
#endif
}

void gate_sql_shutdown(void)
{
    if (pg_state != PG_IN_USE)
        return;
    pg_state = PG_SHUT_DOWN;
    if (main_thread())
        pg_query_exit();
}
