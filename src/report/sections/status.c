/* SPDX-License-Identifier: MIT */
/*
 * sections/status.c - the `status` section: the database history. JSON
 * `history` and the history keys of each migration, the text report
 * ("Database migration status"), and the Markdown "Next" list.
 */
#include "gate/compat.h"
#include "gate/report_section.h"
#include "gate/report_common.h"

#include <string.h>

/* ------------------------------------------------------------------ JSON */

static bool present(const struct gate_run *run)
{
    return run->history;
}

/* "history": {"strategy", "table", "rows", ..., "prisma_migrate_status", "next"} */
static void json(const struct gate_run *run, struct gate_jsonw *w)
{
    const struct gate_run_history *h = run->history;
    size_t n[GATE_MSTATE_MISSING_LOCALLY + 1] = {0};

    for (size_t i = 0; i < run->nmigrations; i++) {
        if ((size_t)run->migrations[i]->state < GATE_ARRAY_SIZE(n))
            n[run->migrations[i]->state]++;
    }
    gate_jsonw_key(w, "history");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "strategy");
    gate_jsonw_str(w, h->strategy);
    gate_jsonw_key(w, "table");
    gate_jsonw_bool(w, h->table);
    gate_jsonw_key(w, "rows");
    gate_jsonw_int(w, (long long)h->rows);
    gate_jsonw_key(w, "server_version");
    gate_jsonw_str(w, h->server_version);
    gate_jsonw_key(w, "migrations_dir");
    gate_jsonw_str(w, h->migrations_dir);
    gate_jsonw_key(w, "local_migrations");
    gate_jsonw_int(w, (long long)h->local_migrations);
    gate_jsonw_key(w, "last_local");
    gate_jsonw_str(w, h->last_local);
    gate_jsonw_key(w, "last_applied");
    gate_jsonw_str(w, h->last_applied);
    gate_jsonw_key(w, "last_applied_at");
    gate_jsonw_str(w, h->last_applied_at);
    gate_jsonw_key(w, "counts");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "applied");
    gate_jsonw_int(w, (long long)n[GATE_MSTATE_APPLIED]);
    gate_jsonw_key(w, "pending");
    gate_jsonw_int(w, (long long)n[GATE_MSTATE_PENDING]);
    gate_jsonw_key(w, "failed");
    gate_jsonw_int(w, (long long)n[GATE_MSTATE_FAILED]);
    gate_jsonw_key(w, "modified");
    gate_jsonw_int(w, (long long)n[GATE_MSTATE_MODIFIED]);
    gate_jsonw_key(w, "missing-locally");
    gate_jsonw_int(w, (long long)n[GATE_MSTATE_MISSING_LOCALLY]);
    gate_jsonw_key(w, "unknown");
    gate_jsonw_int(w, (long long)n[GATE_MSTATE_UNKNOWN]);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "prisma_migrate_status");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "exit_code");
    if (h->prisma_exit >= 0)
        gate_jsonw_int(w, h->prisma_exit);
    else
        gate_jsonw_null(w);
    gate_jsonw_key(w, "says");
    gate_jsonw_str(w, h->prisma_says);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "next");
    gate_jsonw_array(w);
    for (size_t i = 0; i < h->nnext; i++)
        gate_jsonw_str(w, h->next[i]);
    gate_jsonw_end(w);
    gate_jsonw_end(w);
}

/* The history keys of m: local, applied_at, db_checksum, ..., rows. */
static void json_migration(const struct gate_migration *m, struct gate_jsonw *w)
{
    if (!m->has_history)
        return;
    gate_jsonw_key(w, "local");
    gate_jsonw_bool(w, m->local);
    gate_jsonw_key(w, "applied_at");
    gate_jsonw_str(w, m->applied_at);
    gate_jsonw_key(w, "db_checksum");
    gate_jsonw_str(w, m->db_checksum);
    gate_jsonw_key(w, "prisma_edited");
    gate_jsonw_bool(w, m->prisma_edited);
    gate_jsonw_key(w, "out_of_order");
    gate_jsonw_bool(w, m->out_of_order);
    gate_jsonw_key(w, "note");
    gate_jsonw_str(w, m->note);
    gate_jsonw_key(w, "rows");
    gate_jsonw_array(w);
    for (size_t i = 0; i < m->nrows; i++) {
        const struct gate_mrow *r = &m->rows[i];

        gate_jsonw_object(w);
        gate_jsonw_key(w, "id");
        gate_jsonw_str(w, r->id);
        gate_jsonw_key(w, "state");
        gate_jsonw_str(w, gate_mstate_name(r->state));
        gate_jsonw_key(w, "checksum");
        gate_jsonw_str(w, r->checksum);
        gate_jsonw_key(w, "started_at");
        gate_jsonw_str(w, r->started_at);
        gate_jsonw_key(w, "finished_at");
        gate_jsonw_str(w, r->finished_at);
        gate_jsonw_key(w, "rolled_back_at");
        gate_jsonw_str(w, r->rolled_back_at);
        gate_jsonw_key(w, "applied_steps_count");
        gate_jsonw_int(w, r->applied_steps_count);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
}

/* ------------------------------------------------------------------ text */

static const char *state_color(enum gate_mstate s)
{
    switch (s) {
    case GATE_MSTATE_APPLIED:
        return GATE_C_GREEN;
    case GATE_MSTATE_PENDING:
        return GATE_C_YEL;
    case GATE_MSTATE_UNKNOWN:
        return GATE_C_DIM;
    default:
        return GATE_C_RED;
    }
}

/* "2026-11-25T17:00:01.123456Z" -> "2026-11-25 17:00:01" */
static void short_time(const char *iso, char out[20])
{
    if (!iso || strlen(iso) < 19) {
        out[0] = '\0';
        return;
    }
    memcpy(out, iso, 19);
    out[10] = ' ';
    out[19] = '\0';
}

static void field(struct gate_buf *out, const char *label, bool color)
{
    gate_buf_printf(out, "  %s%-17s%s", color ? GATE_C_BOLD : "", label, color ? GATE_C_RESET : "");
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    bool color = o->color;
    const struct gate_run_history *h = run->history;
    const struct gate_target *t = run->target;
    size_t n[GATE_MSTATE_MISSING_LOCALLY + 1] = {0};
    int width = 9;
    bool any = false;
    char when[20];

    for (size_t i = 0; i < run->nmigrations; i++) {
        int len = (int)strlen(run->migrations[i]->name);

        if ((size_t)run->migrations[i]->state < GATE_ARRAY_SIZE(n))
            n[run->migrations[i]->state]++;
        if (len > width)
            width = len > 64 ? 64 : len;
    }
    gate_buf_printf(out, "%sDatabase migration status%s\n", color ? GATE_C_BOLD : "",
                    color ? GATE_C_RESET : "");
    if (t) {
        field(out, "Target", color);
        gate_buf_printf(out, "database \"%s\" on %s:%d, schema \"%s\"", gate_text_safe(t->database),
                        gate_text_safe(t->host), t->port, gate_text_safe(t->schema));
        if (t->user && *t->user)
            gate_buf_printf(out, ", user \"%s\"", gate_text_safe(t->user));
        if (h->server_version) /* "15.18 (Debian 15.18-0+deb12u1)": the number */
            gate_buf_printf(out, " (PostgreSQL %.*s)", (int)strcspn(h->server_version, " "),
                            gate_text_safe(h->server_version));
        gate_buf_printf(out, " [%s%s%s]\n", t->name ? gate_text_safe(t->name) : "",
                        t->name ? ": " : "", gate_text_safe(t->url_env));
    }
    field(out, "Strategy", color);
    if (!strcmp(h->strategy, "migrate"))
        gate_buf_printf(out, "prisma migrate (_prisma_migrations: %zu row%s)\n", h->rows,
                        h->rows == 1 ? "" : "s");
    else if (!strcmp(h->strategy, "unmanaged"))
        gate_buf_adds(out, "not managed by Prisma Migrate: tables but no _prisma_migrations "
                           "(db push, SQL or another tool) - baseline needed\n");
    else if (!strcmp(h->strategy, "empty"))
        gate_buf_adds(out, "none yet: empty database, no _prisma_migrations\n");
    else
        gate_buf_adds(out, "unknown (the database was not read)\n");
    field(out, "Migrations found", color);
    gate_buf_printf(out, "%zu in %s\n", h->local_migrations, gate_text_safe(h->migrations_dir));
    field(out, "Last migration", color);
    gate_buf_printf(out, "%s", gate_text_safe(h->last_local ? h->last_local : "(none on disk)"));
    if (h->last_applied) {
        short_time(h->last_applied_at, when);
        if (h->last_local && !strcmp(h->last_applied, h->last_local))
            gate_buf_printf(out, ", applied %s UTC", when);
        else
            gate_buf_printf(out, "; last applied: %s at %s UTC", gate_text_safe(h->last_applied),
                            when);
    }
    gate_buf_addc(out, '\n');

    if (run->nmigrations) {
        gate_buf_printf(out, "\n  %s%-16s %-*s %s%s\n", color ? GATE_C_BOLD : "", "STATE", width,
                        "MIGRATION", "APPLIED (UTC)", color ? GATE_C_RESET : "");
        for (size_t i = 0; i < run->nmigrations; i++) {
            const struct gate_migration *m = run->migrations[i];

            short_time(m->applied_at, when);
            gate_buf_printf(out, "  %s%-16s%s ", color ? state_color(m->state) : "",
                            gate_mstate_name(m->state), color ? GATE_C_RESET : "");
            if (*when)
                gate_buf_printf(out, "%-*s %s\n", width, gate_text_safe(m->name), when);
            else
                gate_buf_printf(out, "%s\n", gate_text_safe(m->name));
            if (m->error)
                gate_buf_printf(out, "  %-16s   %s\n", "", gate_text_safe(m->error));
            else if (m->note)
                gate_buf_printf(out, "  %-16s   %s%s%s\n", "", color ? GATE_C_DIM : "",
                                gate_text_safe(m->note), color ? GATE_C_RESET : "");
        }
    }

    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (c->status == GATE_STATUS_PASS)
            continue;
        if (!any)
            gate_buf_printf(out, "\n  %sChecks%s\n", color ? GATE_C_BOLD : "",
                            color ? GATE_C_RESET : "");
        any = true;
        gate_buf_printf(out, "  %s%-5s%s %s: %s\n",
                        color ? (c->status == GATE_STATUS_WARN ? GATE_C_YEL : GATE_C_RED) : "",
                        gate_status_name(c->status), color ? GATE_C_RESET : "",
                        gate_text_safe(c->id), gate_text_safe(c->message));
    }
    if (h->nnext) {
        gate_buf_printf(out, "\n  %sNext%s\n", color ? GATE_C_BOLD : "", color ? GATE_C_RESET : "");
        for (size_t i = 0; i < h->nnext; i++)
            gate_buf_printf(out, "  %s\n", gate_text_safe(h->next[i]));
    }
    if (h->prisma_exit >= 0 && (h->prisma_exit != 0) != (run->exit_code != 0))
        gate_buf_printf(out, "\n  Prisma's `migrate status` would say \"%s\" and exit %d%s\n",
                        gate_text_safe(h->prisma_says), h->prisma_exit,
                        h->prisma_exit == 0 ? ": it does not check edited, missing-locally or "
                                              "rolled-back migrations"
                                            : "");

    gate_buf_printf(out,
                    "\n%zu migration%s: %zu applied, %zu pending, %zu failed, %zu modified, "
                    "%zu missing locally",
                    run->nmigrations, run->nmigrations == 1 ? "" : "s", n[GATE_MSTATE_APPLIED],
                    n[GATE_MSTATE_PENDING], n[GATE_MSTATE_FAILED], n[GATE_MSTATE_MODIFIED],
                    n[GATE_MSTATE_MISSING_LOCALLY]);
    if (n[GATE_MSTATE_UNKNOWN])
        gate_buf_printf(out, ", %zu unknown", n[GATE_MSTATE_UNKNOWN]);
    gate_buf_printf(out, "; status %s%s%s\n", color ? GATE_C_BOLD : "",
                    run->verdict == GATE_VERDICT_PASS   ? "clean"
                    : run->verdict == GATE_VERDICT_FAIL ? "not clean"
                                                        : "could not be evaluated",
                    color ? GATE_C_RESET : "");
}

/* -------------------------------------------------------------- Markdown */

/* "### Next": what to run next, in order. */
static void markdown(const struct gate_run *run, struct gate_buf *out, size_t limit)
{
    const struct gate_run_history *h = run->history;

    if (!h->nnext)
        return;
    gate_buf_adds(out, "### Next\n\n");
    for (size_t i = 0; i < h->nnext; i++) {
        struct gate_buf item = {0};

        gate_buf_adds(&item, "- ");
        gate_md_text(&item, h->next[i], GATE_MD_ITEM_MAX);
        gate_buf_addc(&item, '\n');
        (void)gate_md_put(out, &item, limit);
        gate_buf_release(&item);
    }
    gate_buf_adds(out, "\n");
}

const struct gate_report_section gate_section_status = {
    .name = "status",
    .place = GATE_SECTION_CONTEXT,
    .present = present,
    .json = json,
    .json_migration = json_migration,
    .text = text,
    .markdown = markdown,
};
