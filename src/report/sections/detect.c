/* SPDX-License-Identifier: MIT */
/*
 * sections/detect.c - the `detect` section: the project's database setup
 * (JSON `setup`) and the "Database Setup Analysis" text report.
 */
#include "gate/compat.h"
#include "gate/report_section.h"
#include "gate/report_common.h"

#include <string.h>

/* ------------------------------------------------------------------ JSON */

static bool present(const struct gate_run *run)
{
    return run->setup;
}

/* "setup": {"strategy", "targets": [...], "database": {...}, "shared_database", ...} */
static void json(const struct gate_run *run, struct gate_jsonw *w)
{
    const struct gate_run_setup *s = run->setup;

    gate_jsonw_key(w, "setup");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "strategy");
    gate_jsonw_str(w, s->strategy);
    gate_jsonw_key(w, "strategy_why");
    gate_jsonw_str(w, s->strategy_why);
    gate_jsonw_key(w, "schema");
    gate_jsonw_str(w, s->schema);
    gate_jsonw_key(w, "schema_from");
    gate_jsonw_str(w, s->schema_from);
    gate_jsonw_key(w, "provider");
    gate_jsonw_str(w, s->provider);
    gate_jsonw_key(w, "migrations_dir");
    gate_jsonw_str(w, s->migrations_dir);
    gate_jsonw_key(w, "migrations_dir_exists");
    gate_jsonw_bool(w, s->migrations_dir_exists);
    gate_jsonw_key(w, "migrations");
    gate_jsonw_int(w, (long long)s->migrations);
    gate_jsonw_key(w, "first_migration");
    gate_jsonw_str(w, s->first_migration);
    gate_jsonw_key(w, "last_migration");
    gate_jsonw_str(w, s->last_migration);
    gate_jsonw_key(w, "last_migration_at");
    gate_jsonw_str(w, s->last_migration_at);
    gate_jsonw_key(w, "lock_file");
    gate_jsonw_bool(w, s->lock_file);
    gate_jsonw_key(w, "targets");
    gate_jsonw_array(w);
    for (size_t i = 0; i < s->ntargets; i++) {
        const struct gate_setup_target *t = &s->targets[i];

        gate_jsonw_object(w);
        gate_jsonw_key(w, "name");
        gate_jsonw_str(w, t->name);
        gate_jsonw_key(w, "env");
        gate_jsonw_str(w, t->env);
        gate_jsonw_key(w, "role");
        gate_jsonw_str(w, t->role);
        gate_jsonw_key(w, "host");
        gate_jsonw_str(w, t->host);
        gate_jsonw_key(w, "port");
        if (t->host)
            gate_jsonw_int(w, t->port);
        else
            gate_jsonw_null(w);
        gate_jsonw_key(w, "database");
        gate_jsonw_str(w, t->database);
        gate_jsonw_key(w, "schema");
        gate_jsonw_str(w, t->schema);
        gate_jsonw_key(w, "user");
        gate_jsonw_str(w, t->user);
        gate_jsonw_key(w, "same_as");
        gate_jsonw_str(w, t->same_as);
        gate_jsonw_key(w, "error");
        gate_jsonw_str(w, t->error);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
    gate_jsonw_key(w, "database");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "checked");
    gate_jsonw_bool(w, s->db_checked);
    gate_jsonw_key(w, "env");
    gate_jsonw_str(w, s->db_env);
    gate_jsonw_key(w, "history_table");
    gate_jsonw_bool(w, s->db_has_history);
    gate_jsonw_key(w, "history_rows");
    gate_jsonw_int(w, (long long)s->db_history_rows);
    gate_jsonw_key(w, "other_tables");
    gate_jsonw_int(w, s->db_tables);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "shared_database");
    gate_jsonw_bool(w, s->shared);
    gate_jsonw_key(w, "advice");
    gate_jsonw_str(w, s->advice);
    gate_jsonw_end(w);
}

/* ------------------------------------------------------------------ text */

static const char *status_color(enum gate_status s)
{
    switch (s) {
    case GATE_STATUS_PASS:
        return GATE_C_GREEN;
    case GATE_STATUS_WARN:
        return GATE_C_YEL;
    case GATE_STATUS_FAIL:
    case GATE_STATUS_ERROR:
        return GATE_C_RED;
    default:
        return GATE_C_DIM;
    }
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    bool color = o->color;
    const struct gate_run_setup *s = run->setup;
    size_t w = 0;
    bool warned = false;

    gate_buf_printf(out, "%sDatabase Setup Analysis%s\n", color ? GATE_C_BOLD : "",
                    color ? GATE_C_RESET : "");
    gate_buf_printf(out, "  strategy:         %s%s%s (%s)\n", color ? GATE_C_BOLD : "",
                    gate_text_safe(s->strategy ? s->strategy : "unknown"),
                    color ? GATE_C_RESET : "",
                    gate_text_safe(s->strategy_why ? s->strategy_why : ""));
    gate_buf_printf(out, "  schema:           %s (%s)%s%s\n", gate_text_safe(s->schema),
                    gate_text_safe(s->schema_from), s->provider ? ", provider " : "",
                    gate_text_safe(s->provider ? s->provider : ""));
    if (s->migrations_dir_exists)
        gate_buf_printf(out, "  migrations:       %zu in %s%s\n", s->migrations,
                        gate_text_safe(s->migrations_dir),
                        gate_text_safe(s->migrations
                                           ? (s->lock_file ? ", migration_lock.toml present"
                                                           : ", no migration_lock.toml")
                                           : ""));
    else
        gate_buf_printf(out, "  migrations:       none (no folder %s)\n",
                        gate_text_safe(s->migrations_dir));
    if (s->first_migration)
        gate_buf_printf(out, "  first migration:  %s\n", gate_text_safe(s->first_migration));
    if (s->last_migration)
        gate_buf_printf(out, "  last migration:   %s%s%s%s\n", gate_text_safe(s->last_migration),
                        s->last_migration_at ? " (" : "",
                        gate_text_safe(s->last_migration_at ? s->last_migration_at : ""),
                        s->last_migration_at ? ")" : "");
    if (s->db_checked)
        gate_buf_printf(out, "  database (%s): %s, %zu history row%s, %ld other table%s\n",
                        gate_text_safe(s->db_env),
                        s->db_has_history ? "_prisma_migrations present" : "no _prisma_migrations",
                        s->db_history_rows, s->db_history_rows == 1 ? "" : "s", s->db_tables,
                        s->db_tables == 1 ? "" : "s");
    for (size_t i = 0; i < s->ntargets; i++) {
        size_t n = strlen(s->targets[i].env);

        if (n > w)
            w = n;
    }
    gate_buf_printf(out, "  targets:%s\n", s->ntargets ? "" : "          none in the environment");
    for (size_t i = 0; i < s->ntargets; i++) {
        const struct gate_setup_target *t = &s->targets[i];

        gate_buf_printf(out, "    %-*s  %-6s  ", (int)w, gate_text_safe(t->env),
                        gate_text_safe(t->role));
        if (t->host)
            gate_buf_printf(out, "%s:%d/%s (schema %s%s%s)", gate_text_safe(t->host), t->port,
                            gate_text_safe(t->database), gate_text_safe(t->schema),
                            *t->user ? ", user " : "", gate_text_safe(t->user));
        else
            gate_buf_printf(out, "unreadable: %s", gate_text_safe(t->error ? t->error : "?"));
        if (t->name)
            gate_buf_printf(out, "  (policy target %s)", gate_text_safe(t->name));
        if (t->same_as)
            gate_buf_printf(out, "  %s= same database as %s%s", color ? GATE_C_YEL : "",
                            gate_text_safe(t->same_as), color ? GATE_C_RESET : "");
        gate_buf_addc(out, '\n');
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (c->status != GATE_STATUS_WARN && c->status != GATE_STATUS_ERROR)
            continue;
        if (!warned)
            gate_buf_addc(out, '\n');
        warned = true;
        gate_buf_printf(
            out, "%s%s%s %s: %s\n", color ? status_color(c->status) : "",
            c->status == GATE_STATUS_WARN ? "warning:" : "error:", color ? GATE_C_RESET : "",
            gate_text_safe(c->id), gate_text_safe(c->message));
    }
}

const struct gate_report_section gate_section_detect = {
    .name = "detect",
    .place = GATE_SECTION_CONTEXT,
    .present = present,
    .json = json,
    .text = text,
    .markdown = gate_section_markdown_none, /* the checks table says what matters */
};
