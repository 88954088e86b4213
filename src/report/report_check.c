/* SPDX-License-Identifier: MIT */
/*
 * report_check.c - the `check` and `detect` parts of the JSON and text
 * reports.
 */
#include "gate/compat.h"
#include "gate/report_check.h"
#include "gate/report_common.h"

#include <string.h>

/* ------------------------------------------------------------------ JSON */

struct gate_json *gate_report_change_json(const struct gate_run_change *c)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *base = gate_json_object();
    struct gate_json *head = gate_json_object();

    gate_json_set_str(base, "ref", c->base_ref);
    gate_json_set_str(base, "commit", c->base_commit);
    gate_json_set_str(base, "how", c->base_how);
    gate_json_set(o, "base", base);
    gate_json_set_str(head, "commit", c->head_commit);
    gate_json_set_str(head, "branch", c->head_branch);
    gate_json_set_bool(head, "detached", c->detached);
    gate_json_set(o, "head", head);
    gate_json_set_bool(o, "shallow", c->shallow);
    gate_json_set_str(o, "schema", c->schema);
    gate_json_set_str(o, "migrations_dir", c->migrations_dir);
    gate_json_set_int(o, "base_migrations", (long long)c->base_migrations);
    gate_json_set_int(o, "added", (long long)c->added);
    gate_json_set_int(o, "edited", (long long)c->edited);
    gate_json_set_int(o, "deleted", (long long)c->deleted);
    return o;
}

static struct gate_json *str_array(const char *const *items, size_t n)
{
    struct gate_json *a = gate_json_array();

    for (size_t i = 0; i < n; i++)
        gate_json_append(a, gate_json_string(items[i]));
    return a;
}

struct gate_json *gate_report_impact_json(const struct gate_impact *imp)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *changes = gate_json_array();

    gate_json_set_str(o, "change", imp->change);
    for (size_t i = 0; i < imp->nchanges; i++) {
        const struct gate_impact_change *c = &imp->changes[i];
        struct gate_json *j = gate_json_object();

        gate_json_set_str(j, "action", c->action);
        gate_json_set_str(j, "table", c->table);
        gate_json_set_str(j, "column", c->column);
        gate_json_set_str(j, "model", c->model);
        gate_json_set_str(j, "field", c->field);
        gate_json_set_str(j, "detail", c->detail);
        gate_json_append(changes, j);
    }
    gate_json_set(o, "changes", changes);
    gate_json_set(o, "models", str_array(imp->models, imp->nmodels));
    gate_json_set(o, "fields", str_array(imp->fields, imp->nfields));
    gate_json_set_bool(o, "breaking", imp->breaking);
    gate_json_set_str(o, "breaking_reason", imp->breaking_reason);
    gate_json_set_bool(o, "data_migration", imp->data_migration);
    gate_json_set_str(o, "data_migration_reason", imp->data_migration_reason);
    gate_json_set_str(o, "suggested_name", imp->suggested_name);
    gate_json_set_bool(o, "descriptive_name", imp->descriptive_name);
    gate_json_set_str(o, "name_note", imp->name_note);
    return o;
}

struct gate_json *gate_report_setup_json(const struct gate_run_setup *s)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *targets = gate_json_array();
    struct gate_json *db = gate_json_object();

    gate_json_set_str(o, "strategy", s->strategy);
    gate_json_set_str(o, "strategy_why", s->strategy_why);
    gate_json_set_str(o, "schema", s->schema);
    gate_json_set_str(o, "schema_from", s->schema_from);
    gate_json_set_str(o, "provider", s->provider);
    gate_json_set_str(o, "migrations_dir", s->migrations_dir);
    gate_json_set_bool(o, "migrations_dir_exists", s->migrations_dir_exists);
    gate_json_set_int(o, "migrations", (long long)s->migrations);
    gate_json_set_str(o, "first_migration", s->first_migration);
    gate_json_set_str(o, "last_migration", s->last_migration);
    gate_json_set_str(o, "last_migration_at", s->last_migration_at);
    gate_json_set_bool(o, "lock_file", s->lock_file);
    for (size_t i = 0; i < s->ntargets; i++) {
        const struct gate_setup_target *t = &s->targets[i];
        struct gate_json *j = gate_json_object();

        gate_json_set_str(j, "name", t->name);
        gate_json_set_str(j, "env", t->env);
        gate_json_set_str(j, "role", t->role);
        gate_json_set_str(j, "host", t->host);
        if (t->host)
            gate_json_set_int(j, "port", t->port);
        else
            gate_json_set(j, "port", gate_json_null());
        gate_json_set_str(j, "database", t->database);
        gate_json_set_str(j, "schema", t->schema);
        gate_json_set_str(j, "user", t->user);
        gate_json_set_str(j, "same_as", t->same_as);
        gate_json_set_str(j, "error", t->error);
        gate_json_append(targets, j);
    }
    gate_json_set(o, "targets", targets);
    gate_json_set_bool(db, "checked", s->db_checked);
    gate_json_set_str(db, "env", s->db_env);
    gate_json_set_bool(db, "history_table", s->db_has_history);
    gate_json_set_int(db, "history_rows", (long long)s->db_history_rows);
    gate_json_set_int(db, "other_tables", s->db_tables);
    gate_json_set(o, "database", db);
    gate_json_set_bool(o, "shared_database", s->shared);
    gate_json_set_str(o, "advice", s->advice);
    return o;
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

static const char *status_word(enum gate_status s)
{
    switch (s) {
    case GATE_STATUS_PASS:
        return "pass ";
    case GATE_STATUS_WARN:
        return "warn ";
    case GATE_STATUS_FAIL:
        return "FAIL ";
    case GATE_STATUS_SKIP:
        return "skip ";
    default:
        return "ERROR";
    }
}

static void checks_text(const struct gate_run *run, struct gate_buf *out, bool color)
{
    size_t w = 0;

    for (size_t i = 0; i < run->nchecks; i++) {
        size_t n = strlen(run->checks[i].id);

        if (n > w)
            w = n;
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        gate_buf_printf(out, "  %s%s%s %-*s  %s\n", color ? status_color(c->status) : "",
                        gate_text_safe(status_word(c->status)), color ? GATE_C_RESET : "", (int)w,
                        gate_text_safe(c->id), gate_text_safe(c->message));
    }
}

static void change_line(struct gate_buf *out, const struct gate_impact_change *c)
{
    gate_buf_printf(out, "      %-18s ", gate_text_safe(c->action));
    if (c->model && c->field)
        gate_buf_printf(out, "%s.%s", gate_text_safe(c->model), gate_text_safe(c->field));
    else if (c->model)
        gate_buf_printf(out, "%s", gate_text_safe(c->model));
    else if (c->table && c->column)
        gate_buf_printf(out, "\"%s\".\"%s\"", gate_text_safe(c->table), gate_text_safe(c->column));
    else if (c->table)
        gate_buf_printf(out, "\"%s\"", gate_text_safe(c->table));
    if (c->model && c->table) {
        gate_buf_printf(out, "  (table \"%s\"", gate_text_safe(c->table));
        if (c->column)
            gate_buf_printf(out, ", column \"%s\"", gate_text_safe(c->column));
        gate_buf_addc(out, ')');
    }
    if (c->detail)
        gate_buf_printf(out, "%s%s", c->table ? ": " : "", gate_text_safe(c->detail));
    gate_buf_addc(out, '\n');
}

static void impact_text(struct gate_buf *out, const struct gate_impact *imp, bool color)
{
    gate_buf_printf(out, "    %sDetected changes:%s%s\n", color ? GATE_C_BOLD : "",
                    color ? GATE_C_RESET : "", imp->nchanges ? "" : " none (no schema statement)");
    for (size_t i = 0; i < imp->nchanges; i++)
        change_line(out, &imp->changes[i]);
    gate_buf_printf(out, "    %sMigration impact:%s\n", color ? GATE_C_BOLD : "",
                    color ? GATE_C_RESET : "");
    if (imp->nmodels) {
        gate_buf_adds(out, "      models touched: ");
        for (size_t i = 0; i < imp->nmodels; i++)
            gate_buf_printf(out, "%s%s", i ? ", " : "", gate_text_safe(imp->models[i]));
        gate_buf_addc(out, '\n');
    }
    if (imp->nfields) {
        gate_buf_adds(out, "      fields touched: ");
        for (size_t i = 0; i < imp->nfields; i++)
            gate_buf_printf(out, "%s%s", i ? ", " : "", gate_text_safe(imp->fields[i]));
        gate_buf_addc(out, '\n');
    }
    gate_buf_printf(out, "      breaking change: %s%s%s%s%s\n",
                    color && imp->breaking ? GATE_C_RED : "", imp->breaking ? "yes" : "no",
                    color && imp->breaking ? GATE_C_RESET : "", imp->breaking ? " - " : "",
                    gate_text_safe(imp->breaking ? imp->breaking_reason : ""));
    gate_buf_printf(
        out, "      data migration needed: %s%s%s%s%s\n",
        color && imp->data_migration ? GATE_C_YEL : "", imp->data_migration ? "yes" : "no",
        color && imp->data_migration ? GATE_C_RESET : "", imp->data_migration ? " - " : "",
        gate_text_safe(imp->data_migration ? imp->data_migration_reason : ""));
    if (imp->suggested_name)
        gate_buf_printf(out, "      suggested name: %s\n", gate_text_safe(imp->suggested_name));
    if (!imp->descriptive_name)
        gate_buf_printf(out, "      %sname:%s not descriptive: %s\n", color ? GATE_C_YEL : "",
                        color ? GATE_C_RESET : "", gate_text_safe(imp->name_note));
}

static void finding_text(struct gate_buf *out, const struct gate_migration *m,
                         const struct gate_finding *f, bool color)
{
    gate_buf_printf(out, "    %s:%d:%d: %s%s%s %s: %s", gate_text_safe(m->path), f->line, f->column,
                    color ? gate_ansi_risk(f->risk) : "", gate_risk_name(f->risk),
                    color ? GATE_C_RESET : "", gate_text_safe(f->rule), gate_text_safe(f->message));
    if (f->suppressed)
        gate_buf_printf(out, " [suppressed: %s]",
                        gate_text_safe(f->suppression_reason ? f->suppression_reason : ""));
    gate_buf_addc(out, '\n');
    if (f->help && !f->suppressed)
        gate_buf_printf(out, "      help: %s\n", gate_text_safe(f->help));
}

void gate_report_check_text(const struct gate_run *run, struct gate_buf *out, bool color,
                            bool verbose)
{
    const struct gate_run_change *c = run->change;
    size_t counts[GATE_STATUS_ERROR + 1] = {0};
    size_t hidden = 0;

    /* check, or lint --base */
    gate_buf_printf(out, "%sprisma-gate %s%s  schema %s, migrations %s\n", color ? GATE_C_BOLD : "",
                    gate_text_safe(run->command ? run->command : "check"),
                    color ? GATE_C_RESET : "", gate_text_safe(c->schema),
                    gate_text_safe(c->migrations_dir));
    if (c->base_ref)
        gate_buf_printf(out, "  base: %s @ %.12s (%s)\n", gate_text_safe(c->base_ref),
                        gate_text_safe(c->base_commit), gate_text_safe(c->base_how));
    if (c->head_commit)
        gate_buf_printf(out, "  head: %s%s%.12s%s\n",
                        gate_text_safe(c->head_branch ? c->head_branch : ""),
                        c->head_branch ? " @ " : "(detached) ", gate_text_safe(c->head_commit),
                        c->shallow ? " (shallow clone)" : "");
    if (c->base_ref)
        gate_buf_printf(out,
                        "  this change: %zu migration%s added, %zu edited, %zu deleted (%zu on "
                        "the base)\n",
                        c->added, c->added == 1 ? "" : "s", c->edited, c->deleted,
                        c->base_migrations);
    gate_buf_printf(out, "\n%sChecks%s\n", color ? GATE_C_BOLD : "", color ? GATE_C_RESET : "");
    checks_text(run, out, color);
    for (size_t i = 0; i < run->nchecks; i++)
        counts[run->checks[i].status]++;

    if (run->nmigrations)
        gate_buf_printf(out, "\n%sMigrations this change adds or edits%s\n",
                        color ? GATE_C_BOLD : "", color ? GATE_C_RESET : "");
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        gate_buf_printf(out, "  %s%s%s  %s, risk %s%s%s, %d statement%s\n",
                        color ? GATE_C_BOLD : "", gate_text_safe(m->name),
                        color ? GATE_C_RESET : "",
                        gate_text_safe(m->impact ? m->impact->change : ""),
                        color ? gate_ansi_risk(m->risk) : "", gate_risk_name(m->risk),
                        color ? GATE_C_RESET : "", m->statements, m->statements == 1 ? "" : "s");
        if (m->error)
            gate_buf_printf(out, "    error: %s\n", gate_text_safe(m->error));
        if (m->impact)
            impact_text(out, m->impact, color);
        for (size_t k = 0, shown = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            if (f->severity == GATE_SEV_INFO && !verbose) {
                hidden++;
                continue;
            }
            if (!shown++)
                gate_buf_printf(out, "    %sFindings:%s\n", color ? GATE_C_BOLD : "",
                                color ? GATE_C_RESET : "");
            finding_text(out, m, f, color);
        }
    }
    gate_buf_printf(out, "\n%sgate %s%s: ", color ? GATE_C_BOLD : "",
                    run->verdict == GATE_VERDICT_PASS   ? "open"
                    : run->verdict == GATE_VERDICT_FAIL ? "closed"
                                                        : "error (could not evaluate)",
                    color ? GATE_C_RESET : "");
    gate_buf_printf(out, "%zu passed, %zu failed, %zu warning%s, %zu skipped, %zu error%s; ",
                    counts[GATE_STATUS_PASS], counts[GATE_STATUS_FAIL], counts[GATE_STATUS_WARN],
                    counts[GATE_STATUS_WARN] == 1 ? "" : "s", counts[GATE_STATUS_SKIP],
                    counts[GATE_STATUS_ERROR], counts[GATE_STATUS_ERROR] == 1 ? "" : "s");
    gate_buf_printf(out, "%zu migration%s linted, max risk %s (fail-on %s)", run->nmigrations,
                    run->nmigrations == 1 ? "" : "s", gate_risk_name(run->max_risk),
                    gate_risk_name(run->fail_on));
    if (hidden)
        gate_buf_printf(out, "; %zu info finding%s (-v shows)", hidden, hidden == 1 ? "" : "s");
    gate_buf_addc(out, '\n');
}

void gate_report_detect_text(const struct gate_run *run, struct gate_buf *out, bool color)
{
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
