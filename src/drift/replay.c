/* SPDX-License-Identifier: MIT */
/*
 * drift/replay.c - migrations replayed as Prisma replays them (replay.h):
 * one simple-protocol query per migration.sql (libpq through db.h), and
 * a failure located in the file (the statement, line and column) from
 * PostgreSQL's error position or the count of statements that completed.
 */
#include "gate/compat.h"
#include "gate/replay.h"
#include "gate/clock.h"
#include "gate/digest.h"
#include "gate/utf8.h"
#include "gate/fs.h"
#include "gate/migrations.h"
#include "gate/msg.h"
#include "gate/progress.h"
#include "gate/sql.h"
#include "gate/src.h"
#include "gate/stop.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Longest statement text kept in a failure. */
#define STATEMENT_CAP 2000

/* ------------------------------------------------------------------ sets */

enum gate_code gate_replay_set_add(struct gate_replay_set *s, const char *name, const char *path,
                                   const char *data, size_t len, struct gate_err *err)
{
    struct gate_replay_mig *m;
    size_t flen = 0;
    char *fixed;

    if (memchr(data, '\0', len))
        return gate_fail(err, GATE_E_SQL,
                         "%s holds a NUL byte: PostgreSQL cannot be sent it (Prisma fails too)",
                         path);
    gate_xgrow((void **)&s->items, &s->cap, s->n + 1, sizeof(*s->items));
    m = &s->items[s->n++];
    memset(m, 0, sizeof(*m));
    m->name = gate_xstrdup(name);
    m->path = gate_xstrdup(path);
    /* the text Prisma sends: Node's UTF-8 decoding of the file */
    fixed = gate_utf8_fix(data, len, &flen);
    if (fixed) {
        m->sql = fixed;
        m->len = flen;
    } else {
        m->sql = gate_xstrndup(data, len);
        m->len = len;
    }
    gate_sha256_hex(m->sql, m->len, m->checksum);
    return GATE_OK;
}

void gate_replay_set_release(struct gate_replay_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].name);
        free(s->items[i].path);
        free(s->items[i].sql);
    }
    free(s->items);
    memset(s, 0, sizeof(*s));
}

/* Read one listed migration into the set; P3015 when it has no readable migration.sql. */
static enum gate_code add_dir(struct gate_replay_set *s, const struct gate_migration_dir *d,
                              struct gate_err *err)
{
    char *data = NULL;
    size_t len = 0;
    enum gate_code rc;
    struct gate_err rerr = {0};

    if (!d->has_sql)
        return gate_fail(err, GATE_E_IO,
                         "migration folder '%s' has no migration.sql (Prisma fails on it with "
                         "P3015)",
                         d->dir);
    if (gate_read_file(d->sql_path, (size_t)GATE_MAX_SQL_FILE, &data, &len, &rerr))
        return gate_fail(err, rerr.code, "%s (Prisma fails on it with P3015)", rerr.msg);
    rc = gate_replay_set_add(s, d->name, d->sql_path, data, len, err);
    free(data);
    return rc;
}

enum gate_code gate_replay_set_local(const char *dir, struct gate_replay_set *out,
                                     struct gate_err *err)
{
    struct gate_migration_list list = {0};
    enum gate_code rc = GATE_OK;

    memset(out, 0, sizeof(*out));
    if (gate_path_kind(dir) == GATE_PATH_MISSING)
        return GATE_OK;
    if (gate_migrations_list(dir, &list, err))
        return err ? err->code : GATE_E_IO;
    for (size_t i = 0; i < list.n && !rc; i++)
        rc = add_dir(out, &list.items[i], err);
    gate_migration_list_release(&list);
    return rc;
}

enum gate_code gate_replay_set_applied_read(const struct gate_migration_list *list,
                                            char *const *data, const size_t *lens,
                                            const struct gate_hist_db *hdb,
                                            struct gate_replay_set *out, struct gate_err *err)
{
    struct gate_hist_local *locals;
    struct gate_hist_result res;
    const struct gate_hist_entry **of;
    enum gate_code rc = GATE_OK;

    memset(out, 0, sizeof(*out));
    locals = gate_xcalloc(list->n ? list->n : 1, sizeof(*locals));
    of = gate_xcalloc(list->n ? list->n : 1, sizeof(*of));
    for (size_t i = 0; i < list->n; i++) {
        locals[i].name = list->items[i].name;
        if (!data[i])
            continue;
        gate_history_checksums_lazy(data[i], lens[i], &locals[i].sums);
        locals[i].readable = true;
    }
    gate_history_classify(locals, list->n, hdb, false, &res);
    for (size_t e = 0; e < res.n; e++) {
        if (res.entries[e].local >= 0 && (size_t)res.entries[e].local < list->n)
            of[res.entries[e].local] = &res.entries[e];
    }
    for (size_t i = 0; i < list->n && !rc; i++) {
        const struct gate_migration_dir *d = &list->items[i];

        if (!of[i] || of[i]->applied_row < 0)
            continue;
        if (!locals[i].readable)
            rc = add_dir(out, d, err); /* says why it cannot be read */
        else
            rc = gate_replay_set_add(out, d->name, d->sql_path, data[i], lens[i], err);
    }
    gate_hist_result_release(&res);
    free(of);
    free(locals);
    return rc;
}

enum gate_code gate_replay_set_applied(const char *dir, const struct gate_hist_db *hdb,
                                       struct gate_replay_set *out, struct gate_err *err)
{
    struct gate_migration_list list = {0};
    char **data;
    size_t *lens;
    enum gate_code rc;

    memset(out, 0, sizeof(*out));
    if (gate_path_kind(dir) == GATE_PATH_MISSING)
        return GATE_OK;
    if (gate_migrations_list(dir, &list, err))
        return err ? err->code : GATE_E_IO;
    data = gate_xcalloc(list.n ? list.n : 1, sizeof(*data));
    lens = gate_xcalloc(list.n ? list.n : 1, sizeof(*lens));
    for (size_t i = 0; i < list.n; i++) {
        const struct gate_migration_dir *d = &list.items[i];
        struct gate_err rerr = {0};

        if (d->has_sql &&
            gate_read_file(d->sql_path, (size_t)GATE_MAX_SQL_FILE, &data[i], &lens[i], &rerr)) {
            free(data[i]);
            data[i] = NULL;
        }
    }
    rc = gate_replay_set_applied_read(&list, data, lens, hdb, out, err);
    for (size_t i = 0; i < list.n; i++)
        free(data[i]);
    free(data);
    free(lens);
    gate_migration_list_release(&list);
    return rc;
}

/* -------------------------------------------------------------- failures */

void gate_replay_failure_release(struct gate_replay_failure *f)
{
    free(f->statement);
    free(f->message);
    free(f->detail);
    free(f->hint);
    free(f->context);
    memset(f, 0, sizeof(*f));
}

void gate_replay_result_release(struct gate_replay_result *r)
{
    gate_replay_failure_release(&r->failure);
    memset(r, 0, sizeof(*r));
}

/* Byte offset of the 1-based character position pos in sql[0..len) (UTF-8). */
static size_t char_to_byte(const char *sql, size_t len, int pos)
{
    size_t off = 0;
    int chars = 0;

    while (off < len) {
        if (((unsigned char)sql[off] & 0xC0) != 0x80) {
            if (++chars == pos)
                return off;
        }
        off++;
    }
    return len;
}

/* The statement text, trimmed and capped. */
static char *statement_text(const char *sql, size_t len, size_t at, size_t n)
{
    const char *end;
    const char *p;
    size_t k;

    if (at > len)
        return NULL;
    if (n > len - at)
        n = len - at;
    p = sql + at;
    end = p + n;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
        end--;
    k = (size_t)(end - p);
    if (k > STATEMENT_CAP) {
        /* do not cut a UTF-8 sequence */
        k = STATEMENT_CAP;
        while (k && ((unsigned char)p[k] & 0xC0) == 0x80)
            k--;
        {
            char *s = gate_xmalloc(k + 4);

            memcpy(s, p, k);
            memcpy(s + k, "...", 4);
            return s;
        }
    }
    return k ? gate_xstrndup(p, k) : NULL;
}

void gate_replay_locate(const char *sql, size_t len, int position, int done,
                        struct gate_replay_failure *f)
{
    struct gate_sql_file file;
    struct gate_err err = {0};
    struct gate_src src;
    size_t off = 0;
    long found = -1;
    int top = 0;

    gate_src_init(&src, sql, len);
    memset(&file, 0, sizeof(file));
    (void)gate_sql_parse(sql, len, &file, &err);
    if (position > 0)
        off = char_to_byte(sql, len, position);
    for (int i = 0; i < file.nstmts; i++) {
        const struct gate_stmt *st = &file.stmts[i];

        if (st->depth != 0 || st->location < 0)
            continue;
        if (position > 0) {
            /* the statement holding the position: the last one starting at or before it */
            if ((size_t)st->location <= off)
                found = i;
        } else if (top == done) {
            found = i;
            break;
        }
        top++;
    }
    if (position > 0 && found >= 0) {
        const struct gate_stmt *st = &file.stmts[found];

        /* a position past the statement's end belongs to an unparsed tail */
        if (off > (size_t)st->location + (size_t)(st->length > 0 ? st->length : 0) + 1 &&
            file.syntax_error)
            found = -1;
    }
    if (found >= 0) {
        const struct gate_stmt *st = &file.stmts[found];

        free(f->statement);
        f->statement = statement_text(sql, len, (size_t)st->location,
                                      (size_t)(st->length > 0 ? st->length : 0));
        gate_src_position(&src, (size_t)st->location, &f->stmt_line, &f->column);
        f->line = f->stmt_line;
    }
    if (position > 0) {
        gate_src_position(&src, off, &f->line, &f->column);
        if (found < 0) {
            /* no parsed statement holds it (a syntax error): the line itself */
            size_t a = gate_src_line_start(&src, f->line);
            size_t b = gate_src_line_start(&src, f->line + 1);

            free(f->statement);
            f->statement = statement_text(sql, len, a, b > a ? b - a : len - a);
            f->stmt_line = f->line;
        }
    }
    f->position = position > 0 ? position : 0;
    gate_sql_file_release(&file);
    gate_src_release(&src);
}

char *gate_replay_failure_text(const struct gate_replay_failure *f)
{
    char where[64] = "";

    if (f->line > 0)
        (void)snprintf(where, sizeof(where), ":%d:%d", f->line, f->column);
    return gate_xasprintf(
        "migration %s failed to apply at %s%s: %s%s%s%s%s%s%s%s", f->migration, f->path, where,
        f->message ? f->message : "(no message)", f->sqlstate[0] ? " (SQLSTATE " : "", f->sqlstate,
        f->sqlstate[0] ? ")" : "", f->detail ? "; detail: " : "", f->detail ? f->detail : "",
        f->hint ? "; hint: " : "", f->hint ? f->hint : "");
}

/* ---------------------------------------------------------------- replay */

static char *dup_or_null(const char *s)
{
    return s && *s ? gate_xstrdup(s) : NULL;
}

enum gate_code gate_replay_run(struct gate_db *db, const struct gate_replay_set *set, size_t from,
                               size_t to, const struct gate_replay_opts *o,
                               struct gate_replay_result *res, struct gate_err *err)
{
    long long deadline = o ? o->deadline_ms : 0;
    long long t0 = gate_clock_ms();
    enum gate_code rc = GATE_OK;

    res->total = set->n;
    if (to > set->n)
        to = set->n;
    if (from < to) {
        /* a scratch database: commits need not wait for the disk (results are the same) */
        struct gate_db_result *r = NULL;

        rc = gate_db_exec(db, "SET synchronous_commit = off", &r, err);
        gate_db_result_free(r);
    }
    for (size_t i = from; i < to && !rc; i++) {
        const struct gate_replay_mig *m = &set->items[i];
        struct gate_db_error e;
        struct gate_err qerr = {0};
        char sig[32];
        int stop = gate_stop_signal();

        if (stop) {
            rc = gate_fail(err, GATE_E_DB, "stopped by %s before replaying migration %s",
                           gate_signal_name(stop, sig, sizeof(sig)), m->name);
            break;
        }
        if (deadline && deadline - gate_clock_ms() <= 0) {
            rc = gate_fail(err, GATE_E_DB,
                           "timed out before replaying migration %s (%zu of %zu replayed; "
                           "drift.timeout)",
                           m->name, res->from_cache + res->replayed, set->n);
            break;
        }
        gate_verbosef("replay: %s (%zu/%zu)", m->name, i + 1, set->n);
        if (o && o->progress)
            gate_progress_update(o->progress, "%s: replaying %zu/%zu migrations",
                                 o->label ? o->label : "replay", i + 1, set->n);
        gate_db_cancel_on_stop(db);
        /* the deadline is kept by the client (a cancel past it): no SET round trip per file */
        rc = gate_db_exec_script_until(db, m->sql, deadline, &e, &qerr);
        gate_db_cancel_on_stop(NULL);
        if (!rc) {
            res->replayed++;
            continue;
        }
        stop = gate_stop_signal();
        if (stop) {
            rc = gate_fail(err, GATE_E_DB, "stopped by %s while replaying migration %s",
                           gate_signal_name(stop, sig, sizeof(sig)), m->name);
        } else if (deadline && !strcmp(e.sqlstate, "57014") && gate_clock_ms() >= deadline) {
            rc = gate_fail(err, GATE_E_DB,
                           "timed out while replaying migration %s (%zu of %zu replayed; "
                           "drift.timeout)",
                           m->name, res->from_cache + res->replayed, set->n);
        } else if (!e.failed) {
            rc = gate_fail(err, qerr.code ? qerr.code : GATE_E_DB, "%s", qerr.msg);
        } else {
            struct gate_replay_failure *f = &res->failure;

            res->failed = true;
            f->migration = m->name;
            f->path = m->path;
            (void)snprintf(f->sqlstate, sizeof(f->sqlstate), "%s", e.sqlstate);
            f->message = gate_xstrdup(e.message);
            f->detail = dup_or_null(e.detail);
            f->hint = dup_or_null(e.hint);
            f->context = dup_or_null(e.context);
            gate_replay_locate(m->sql, m->len, e.position, e.done, f);
            rc = GATE_OK;
            break;
        }
    }
    res->ms += gate_clock_ms() - t0;
    return rc;
}
