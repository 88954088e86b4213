/* SPDX-License-Identifier: MIT */
/*
 * report_status.c - the database-history parts of the JSON and text
 * reports (prisma-gate status).
 */
#include "gate/compat.h"
#include "gate/report_status.h"
#include "gate/report_common.h"

#include <string.h>

/* ------------------------------------------------------------------ JSON */

struct gate_json *gate_report_target_json(const struct gate_target *t)
{
    struct gate_json *o = gate_json_object();

    gate_json_set_str(o, "name", t->name);
    gate_json_set_str(o, "url_env", t->url_env);
    gate_json_set_str(o, "host", t->host);
    gate_json_set_int(o, "port", t->port);
    gate_json_set_str(o, "database", t->database);
    gate_json_set_str(o, "schema", t->schema);
    gate_json_set_str(o, "user", t->user);
    if (t->system_identifier) {
        struct gate_json *srv = gate_json_object();

        gate_json_set_str(srv, "system_identifier", t->system_identifier);
        gate_json_set_int(srv, "port", t->server_port);
        gate_json_set_str(srv, "database", t->server_database);
        gate_json_set_str(srv, "addr", t->server_addr);
        gate_json_set(o, "server", srv);
    }
    return o;
}

struct gate_json *gate_report_history_json(const struct gate_run *run)
{
    const struct gate_run_history *h = run->history;
    struct gate_json *o = gate_json_object();
    struct gate_json *counts = gate_json_object();
    struct gate_json *prisma = gate_json_object();
    struct gate_json *next = gate_json_array();
    size_t n[GATE_MSTATE_MISSING_LOCALLY + 1] = {0};

    for (size_t i = 0; i < run->nmigrations; i++) {
        if ((size_t)run->migrations[i]->state < GATE_ARRAY_SIZE(n))
            n[run->migrations[i]->state]++;
    }
    gate_json_set_str(o, "strategy", h->strategy);
    gate_json_set_bool(o, "table", h->table);
    gate_json_set_int(o, "rows", (long long)h->rows);
    gate_json_set_str(o, "server_version", h->server_version);
    gate_json_set_str(o, "migrations_dir", h->migrations_dir);
    gate_json_set_int(o, "local_migrations", (long long)h->local_migrations);
    gate_json_set_str(o, "last_local", h->last_local);
    gate_json_set_str(o, "last_applied", h->last_applied);
    gate_json_set_str(o, "last_applied_at", h->last_applied_at);
    gate_json_set_int(counts, "applied", (long long)n[GATE_MSTATE_APPLIED]);
    gate_json_set_int(counts, "pending", (long long)n[GATE_MSTATE_PENDING]);
    gate_json_set_int(counts, "failed", (long long)n[GATE_MSTATE_FAILED]);
    gate_json_set_int(counts, "modified", (long long)n[GATE_MSTATE_MODIFIED]);
    gate_json_set_int(counts, "missing-locally", (long long)n[GATE_MSTATE_MISSING_LOCALLY]);
    gate_json_set_int(counts, "unknown", (long long)n[GATE_MSTATE_UNKNOWN]);
    gate_json_set(o, "counts", counts);
    if (h->prisma_exit >= 0)
        gate_json_set(prisma, "exit_code", gate_json_int(h->prisma_exit));
    else
        gate_json_set(prisma, "exit_code", gate_json_null());
    gate_json_set_str(prisma, "says", h->prisma_says);
    gate_json_set(o, "prisma_migrate_status", prisma);
    for (size_t i = 0; i < h->nnext; i++)
        gate_json_append(next, gate_json_string(h->next[i]));
    gate_json_set(o, "next", next);
    return o;
}

void gate_report_migration_history_json(struct gate_json *o, const struct gate_migration *m)
{
    struct gate_json *rows = gate_json_array();

    gate_json_set_bool(o, "local", m->local);
    gate_json_set_str(o, "applied_at", m->applied_at);
    gate_json_set_str(o, "db_checksum", m->db_checksum);
    gate_json_set_bool(o, "prisma_edited", m->prisma_edited);
    gate_json_set_bool(o, "out_of_order", m->out_of_order);
    gate_json_set_str(o, "note", m->note);
    for (size_t i = 0; i < m->nrows; i++) {
        const struct gate_mrow *r = &m->rows[i];
        struct gate_json *x = gate_json_object();

        gate_json_set_str(x, "id", r->id);
        gate_json_set_str(x, "state", gate_mstate_name(r->state));
        gate_json_set_str(x, "checksum", r->checksum);
        gate_json_set_str(x, "started_at", r->started_at);
        gate_json_set_str(x, "finished_at", r->finished_at);
        gate_json_set_str(x, "rolled_back_at", r->rolled_back_at);
        gate_json_set_int(x, "applied_steps_count", r->applied_steps_count);
        gate_json_append(rows, x);
    }
    gate_json_set(o, "rows", rows);
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

void gate_report_status_text(const struct gate_run *run, struct gate_buf *out, bool color)
{
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
