/* SPDX-License-Identifier: MIT */
/*
 * suppress.c - suppression directives in SQL comments:
 * "prisma-gate-ignore RULE[, RULE]: reason" covers the statement right
 * after the comment, "prisma-gate-ignore-file ..." the whole file. A
 * directive needs a known rule and a reason, must sit directly before a
 * statement, and must suppress something; otherwise it is a finding.
 */
#include "gate/compat.h"
#include "gate/lint.h"
#include "gate/arena.h"
#include "gate/rules.h"
#include "lint_internal.h"

#include <string.h>

/* A suppression directive found in a comment. */
struct directive {
    bool file;          /* prisma-gate-ignore-file */
    int comment;        /* index into the file's comments */
    int offset;         /* where to report problems with it */
    int stmt;           /* statement it applies to, -1 none (or file-wide) */
    const char **rules; /* arena */
    bool *used;         /* arena, one per rule */
    int nrules;
    size_t caprules;
    const char *reason; /* NULL when missing */
};

/* ---- suppression directives ------------------------------------------- */

static const char *skip_ws(const char *p)
{
    while (*p && is_space(*p))
        p++;
    return p;
}

/* The comment that starts at byte p, or -1 (comments are in file order). */
static int comment_at(const struct gate_sql_file *f, int p)
{
    int lo = 0, hi = f->ncomments;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (f->comments[mid].start < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->ncomments && f->comments[lo].start == p ? lo : -1;
}

/*
 * First top-level statement that starts after offset with only
 * blanks/comments between. *cursor is where the previous call's search
 * stopped: directives come in file order, and the first statement that
 * ends at or after a later offset is never an earlier one.
 */
static int stmt_after(const struct gate_lint_ctx *ctx, int offset, int *cursor, int *last_offset)
{
    const struct gate_sql_file *f = &ctx->file;

    if (offset < *last_offset)
        *cursor = 0;
    *last_offset = offset;
    for (int i = *cursor; i < f->nstmts; i++) {
        const struct gate_stmt *st = &f->stmts[i];

        if (st->depth > 0)
            continue;
        if (st->location >= offset) {
            /* between offset and the statement: only whitespace and comments */
            int p = offset;

            *cursor = i;
            while (p < st->location) {
                int c = comment_at(f, p);

                if (c >= 0) {
                    p = f->comments[c].end;
                    continue;
                }
                if (!is_space(ctx->text[p]))
                    return -1;
                p++;
            }
            return i;
        }
        if (st->location + st->length >= offset) {
            *cursor = i;
            return -1; /* a directive inside a statement */
        }
    }
    *cursor = f->nstmts;
    return -1;
}

static void add_rule_name(struct gate_lint_ctx *ctx, struct directive *d, const char *s, size_t n)
{
    GATE_ARENA_GROW(&ctx->scratch, d->rules, d->caprules, (size_t)d->nrules, (size_t)d->nrules + 1);
    d->rules[d->nrules++] = gate_arena_strndup(&ctx->scratch, s, n);
}

/*
 * "prisma-gate-ignore RULE[, RULE]: reason" and "prisma-gate-ignore-file ...".
 * Returns false when the comment holds no directive.
 */
static bool parse_directive(struct gate_lint_ctx *ctx, int ci, struct directive *d)
{
    const struct gate_sql_comment *c = &ctx->file.comments[ci];
    const char *p = skip_ws(c->text);
    static const char kw[] = "prisma-gate-ignore";

    memset(d, 0, sizeof(*d));
    if (strncmp(p, kw, sizeof(kw) - 1) != 0)
        return false;
    p += sizeof(kw) - 1;
    if (!strncmp(p, "-file", 5)) {
        d->file = true;
        p += 5;
    }
    if (*p && !is_space(*p) && *p != ':')
        return false; /* prisma-gate-ignored, prisma-gate-ignore-files, ... */
    d->comment = ci;
    d->offset = c->start;
    d->stmt = -1;
    for (;;) {
        const char *s;

        p = skip_ws(p);
        while (*p == ',')
            p = skip_ws(p + 1);
        if (!*p || *p == ':')
            break;
        s = p;
        while (*p && *p != ',' && *p != ':' && !is_space(*p))
            p++;
        add_rule_name(ctx, d, s, (size_t)(p - s));
    }
    d->used = gate_arena_alloc(&ctx->scratch, sizeof(bool) * (size_t)(d->nrules + 1));
    if (*p == ':') {
        const char *r = skip_ws(p + 1);
        size_t n = strlen(r);

        while (n && is_space(r[n - 1]))
            n--;
        if (c->block) {
            /* a block comment may end with decoration */
            while (n && (r[n - 1] == '*' || is_space(r[n - 1])))
                n--;
        }
        if (n)
            d->reason = gate_arena_strndup(ctx->arena, r, n);
    }
    return true;
}

void gate_lint_apply_directives(struct gate_lint_ctx *ctx)
{
    const struct gate_sql_file *f = &ctx->file;
    struct directive *ds;
    int nd = 0;
    int cursor = 0;
    int last_offset = -1;

    if (!f->ncomments)
        return;
    ds = gate_arena_alloc(&ctx->scratch, sizeof(*ds) * (size_t)f->ncomments);
    for (int ci = 0; ci < f->ncomments; ci++) {
        struct directive *d = &ds[nd];
        bool valid = true;

        if (!parse_directive(ctx, ci, d))
            continue;
        if (!d->nrules) {
            gate_lint_emit(
                ctx, &gate_rule_invalid_suppression, -1, d->offset, NULL,
                "suppression names no rule: write prisma-gate-ignore%s RULE[, RULE]: reason "
                "(there is no ignore-all)",
                d->file ? "-file" : "");
            valid = false;
        }
        for (int r = 0; r < d->nrules; r++) {
            if (!gate_rule_find(d->rules[r])) {
                const char *hint = gate_rule_suggest(d->rules[r]);

                if (hint)
                    gate_lint_emit(ctx, &gate_rule_invalid_suppression, -1, d->offset, NULL,
                                   "unknown rule '%s' in suppression (did you mean '%s'?)",
                                   d->rules[r], hint);
                else
                    gate_lint_emit(ctx, &gate_rule_invalid_suppression, -1, d->offset, NULL,
                                   "unknown rule '%s' in suppression (see prisma-gate rules)",
                                   d->rules[r]);
                d->used[r] = true; /* reported already */
            }
        }
        if (d->nrules && !d->reason) {
            gate_lint_emit(
                ctx, &gate_rule_invalid_suppression, -1, d->offset, NULL,
                "suppression of %s has no reason: write prisma-gate-ignore%s %s: why it is safe",
                d->rules[0], d->file ? "-file" : "", d->rules[0]);
            valid = false;
        }
        if (!valid)
            continue;
        if (!d->file) {
            d->stmt = stmt_after(ctx, ctx->file.comments[ci].end, &cursor, &last_offset);
            if (d->stmt < 0) {
                gate_lint_emit(
                    ctx, &gate_rule_unused_suppression, -1, d->offset, NULL,
                    "suppression is not directly before a statement; put it on the line(s) "
                    "before the statement it covers");
                continue;
            }
        }
        nd++;
    }
    /* mark findings */
    for (size_t i = 0; i < ctx->m->nfindings; i++) {
        struct gate_finding *fi = &ctx->m->findings[i];
        int top = fi->stmt;

        if (fi->rule == gate_rule_invalid_suppression.id ||
            fi->rule == gate_rule_unused_suppression.id)
            continue;
        if (top >= 0 && top < f->nstmts && f->stmts[top].depth > 0)
            top = f->stmts[top].parent;
        for (int k = 0; k < nd && !fi->suppressed; k++) {
            struct directive *d = &ds[k];

            if (!d->file && (top < 0 || d->stmt != top))
                continue;
            for (int r = 0; r < d->nrules; r++) {
                if (!strcmp(d->rules[r], fi->rule)) {
                    fi->suppressed = true;
                    fi->suppression_reason = d->reason;
                    d->used[r] = true;
                    break;
                }
            }
        }
    }
    for (int k = 0; k < nd; k++) {
        struct directive *d = &ds[k];

        for (int r = 0; r < d->nrules; r++) {
            if (!d->used[r])
                gate_lint_emit(ctx, &gate_rule_unused_suppression, -1, d->offset, NULL,
                               "suppression of %s%s suppresses nothing; remove it", d->rules[r],
                               d->file ? " (file-wide)" : "");
        }
    }
}
