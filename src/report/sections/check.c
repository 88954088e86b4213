/* SPDX-License-Identifier: MIT */
/*
 * sections/check.c - the `check` section (also `lint --base`): what the
 * change was measured against (JSON `change`), each added or edited
 * migration's impact (`migrations[].impact`), and the text report.
 */
#include "gate/compat.h"
#include "gate/report_section.h"
#include "gate/report_common.h"

#include <string.h>

/* ------------------------------------------------------------------ JSON */

static bool present(const struct gate_run *run)
{
    return run->change;
}

/* "change": {"base": {...}, "head": {...}, "shallow", "schema", "migrations_dir", counts} */
static void json(const struct gate_run *run, struct gate_jsonw *w)
{
    const struct gate_run_change *c = run->change;

    gate_jsonw_key(w, "change");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "base");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "ref");
    gate_jsonw_str(w, c->base_ref);
    gate_jsonw_key(w, "commit");
    gate_jsonw_str(w, c->base_commit);
    gate_jsonw_key(w, "how");
    gate_jsonw_str(w, c->base_how);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "head");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "commit");
    gate_jsonw_str(w, c->head_commit);
    gate_jsonw_key(w, "branch");
    gate_jsonw_str(w, c->head_branch);
    gate_jsonw_key(w, "detached");
    gate_jsonw_bool(w, c->detached);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "shallow");
    gate_jsonw_bool(w, c->shallow);
    gate_jsonw_key(w, "schema");
    gate_jsonw_str(w, c->schema);
    gate_jsonw_key(w, "migrations_dir");
    gate_jsonw_str(w, c->migrations_dir);
    gate_jsonw_key(w, "base_migrations");
    gate_jsonw_int(w, (long long)c->base_migrations);
    gate_jsonw_key(w, "added");
    gate_jsonw_int(w, (long long)c->added);
    gate_jsonw_key(w, "edited");
    gate_jsonw_int(w, (long long)c->edited);
    gate_jsonw_key(w, "deleted");
    gate_jsonw_int(w, (long long)c->deleted);
    gate_jsonw_end(w);
}

static void str_array(struct gate_jsonw *w, const char *key, const char *const *items, size_t n)
{
    gate_jsonw_key(w, key);
    gate_jsonw_array(w);
    for (size_t i = 0; i < n; i++)
        gate_jsonw_str(w, items[i]);
    gate_jsonw_end(w);
}

/* "impact": {"change", "changes": [...], "models", "fields", "breaking", ...} */
static void json_migration(const struct gate_migration *m, struct gate_jsonw *w)
{
    const struct gate_impact *imp = m->impact;

    if (!imp)
        return;
    gate_jsonw_key(w, "impact");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "change");
    gate_jsonw_str(w, imp->change);
    gate_jsonw_key(w, "changes");
    gate_jsonw_array(w);
    for (size_t i = 0; i < imp->nchanges; i++) {
        const struct gate_impact_change *c = &imp->changes[i];

        gate_jsonw_object(w);
        gate_jsonw_key(w, "action");
        gate_jsonw_str(w, c->action);
        gate_jsonw_key(w, "table");
        gate_jsonw_str(w, c->table);
        gate_jsonw_key(w, "column");
        gate_jsonw_str(w, c->column);
        gate_jsonw_key(w, "model");
        gate_jsonw_str(w, c->model);
        gate_jsonw_key(w, "field");
        gate_jsonw_str(w, c->field);
        gate_jsonw_key(w, "detail");
        gate_jsonw_str(w, c->detail);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
    str_array(w, "models", imp->models, imp->nmodels);
    str_array(w, "fields", imp->fields, imp->nfields);
    gate_jsonw_key(w, "breaking");
    gate_jsonw_bool(w, imp->breaking);
    gate_jsonw_key(w, "breaking_reason");
    gate_jsonw_str(w, imp->breaking_reason);
    gate_jsonw_key(w, "data_migration");
    gate_jsonw_bool(w, imp->data_migration);
    gate_jsonw_key(w, "data_migration_reason");
    gate_jsonw_str(w, imp->data_migration_reason);
    gate_jsonw_key(w, "suggested_name");
    gate_jsonw_str(w, imp->suggested_name);
    gate_jsonw_key(w, "descriptive_name");
    gate_jsonw_bool(w, imp->descriptive_name);
    gate_jsonw_key(w, "name_note");
    gate_jsonw_str(w, imp->name_note);
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

/* The check's state as every command writes it (gate_status_name): "fail", "pass" ... */
static const char *status_word(enum gate_status s)
{
    return gate_status_name(s);
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

        gate_buf_printf(out, "  %s%-5s%s %-*s  %s\n", color ? status_color(c->status) : "",
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
    if (f->prisma_warning && !f->suppressed)
        gate_buf_printf(out, "      prisma warned: %s\n", gate_text_safe(f->prisma_warning));
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    bool color = o->color, verbose = o->verbose;
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

const struct gate_report_section gate_section_check = {
    .name = "check",
    .place = GATE_SECTION_CONTEXT,
    .present = present,
    .json = json,
    .json_migration = json_migration,
    .text = text,
    .markdown = gate_section_markdown_none, /* the common table and checks say it */
};
