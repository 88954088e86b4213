/* SPDX-License-Identifier: MIT */
/*
 * sections/check.c - the `check` section (also `lint --base`): what the
 * change was measured against (JSON `change`), each added or edited
 * migration's impact (`migrations[].impact`), and the text report.
 */
#include "gate/compat.h"
#include "gate/report_section.h"
#include "gate/report_common.h"
#include "gate/report_text.h"

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

static void checks_text(const struct gate_run *run, struct gate_textw *t)
{
    size_t w = 0;

    for (size_t i = 0; i < run->nchecks; i++) {
        size_t n = strlen(run->checks[i].id);

        if (n > w)
            w = n;
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        gate_buf_adds(&t->line, "  ");
        gate_textw_color(t, status_color(c->status));
        gate_buf_printf(&t->line, "%-5s", gate_text_safe(status_word(c->status)));
        gate_textw_color(t, GATE_C_RESET);
        gate_buf_printf(&t->line, " %-*s  %s", (int)w, gate_text_safe(c->id),
                        gate_text_safe(c->message));
        gate_textw_end(t, 2 + 5 + 1 + w + 2);
    }
}

static void change_line(struct gate_textw *t, const struct gate_impact_change *c)
{
    gate_buf_printf(&t->line, "      %-18s ", gate_text_safe(c->action));
    if (c->model && c->field)
        gate_buf_printf(&t->line, "%s.%s", gate_text_safe(c->model), gate_text_safe(c->field));
    else if (c->model)
        gate_buf_printf(&t->line, "%s", gate_text_safe(c->model));
    else if (c->table && c->column)
        gate_buf_printf(&t->line, "\"%s\".\"%s\"", gate_text_safe(c->table),
                        gate_text_safe(c->column));
    else if (c->table)
        gate_buf_printf(&t->line, "\"%s\"", gate_text_safe(c->table));
    if (c->model && c->table) {
        gate_buf_printf(&t->line, "  (table \"%s\"", gate_text_safe(c->table));
        if (c->column)
            gate_buf_printf(&t->line, ", column \"%s\"", gate_text_safe(c->column));
        gate_buf_addc(&t->line, ')');
    }
    if (c->detail)
        gate_buf_printf(&t->line, "%s%s", c->table ? ": " : "", gate_text_safe(c->detail));
    gate_textw_end(t, 6 + 18 + 1);
}

/* "      LABEL: " in bold, for the impact's lines */
static void label(struct gate_textw *t, const char *indent, const char *name)
{
    gate_buf_adds(&t->line, indent);
    gate_textw_color(t, GATE_C_BOLD);
    gate_buf_adds(&t->line, name);
    gate_textw_color(t, GATE_C_RESET);
}

static void impact_text(struct gate_textw *t, const struct gate_impact *imp)
{
    label(t, "    ", "Detected changes:");
    gate_buf_adds(&t->line, imp->nchanges ? "" : " none (no schema statement)");
    gate_textw_end(t, 6);
    for (size_t i = 0; i < imp->nchanges; i++)
        change_line(t, &imp->changes[i]);
    label(t, "    ", "Migration impact:");
    gate_textw_end(t, 6);
    if (imp->nmodels) {
        gate_buf_adds(&t->line, "      models touched: ");
        for (size_t i = 0; i < imp->nmodels; i++)
            gate_buf_printf(&t->line, "%s%s", i ? ", " : "", gate_text_safe(imp->models[i]));
        gate_textw_end(t, 8);
    }
    if (imp->nfields) {
        gate_buf_adds(&t->line, "      fields touched: ");
        for (size_t i = 0; i < imp->nfields; i++)
            gate_buf_printf(&t->line, "%s%s", i ? ", " : "", gate_text_safe(imp->fields[i]));
        gate_textw_end(t, 8);
    }
    gate_buf_adds(&t->line, "      breaking change: ");
    if (imp->breaking)
        gate_textw_color(t, GATE_C_RED);
    gate_buf_adds(&t->line, imp->breaking ? "yes" : "no");
    if (imp->breaking)
        gate_textw_color(t, GATE_C_RESET);
    gate_buf_printf(&t->line, "%s%s", imp->breaking ? " - " : "",
                    gate_text_safe(imp->breaking ? imp->breaking_reason : ""));
    gate_textw_end(t, 8);
    gate_buf_adds(&t->line, "      data migration needed: ");
    if (imp->data_migration)
        gate_textw_color(t, GATE_C_YEL);
    gate_buf_adds(&t->line, imp->data_migration ? "yes" : "no");
    if (imp->data_migration)
        gate_textw_color(t, GATE_C_RESET);
    gate_buf_printf(&t->line, "%s%s", imp->data_migration ? " - " : "",
                    gate_text_safe(imp->data_migration ? imp->data_migration_reason : ""));
    gate_textw_end(t, 8);
    if (imp->suggested_name) {
        gate_buf_printf(&t->line, "      suggested name: %s", gate_text_safe(imp->suggested_name));
        gate_textw_end(t, 8);
    }
    if (!imp->descriptive_name) {
        gate_buf_adds(&t->line, "      ");
        gate_textw_color(t, GATE_C_YEL);
        gate_buf_adds(&t->line, "name:");
        gate_textw_color(t, GATE_C_RESET);
        gate_buf_printf(&t->line, " not descriptive: %s", gate_text_safe(imp->name_note));
        gate_textw_end(t, 8);
    }
}

/* The findings of m the report shows, under "Findings in PATH:" (lint's layout, report_text.h). */
static void findings_text(struct gate_textw *t, const struct gate_migration *m, size_t *hidden)
{
    size_t shown = 0, locw = gate_textw_loc_width(t, m);

    for (size_t k = 0; k < m->nfindings; k++) {
        const struct gate_finding *f = &m->findings[k];

        if (!gate_textw_shows(t, f)) {
            (*hidden)++;
            continue;
        }
        if (!shown++) {
            label(t, "    ", "Findings");
            gate_buf_printf(&t->line, " in %s:", gate_text_safe(m->path));
            gate_textw_end(t, 6);
        }
        gate_textw_finding(t, f, 6, locw);
    }
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    const struct gate_run_change *c = run->change;
    size_t counts[GATE_STATUS_ERROR + 1] = {0};
    size_t hidden = 0;
    struct gate_textw t;

    gate_textw_init(&t, out, o);
    /* check, or lint --base */
    gate_textw_color(&t, GATE_C_BOLD);
    gate_buf_printf(&t.line, "prisma-gate %s",
                    gate_text_safe(run->command ? run->command : "check"));
    gate_textw_color(&t, GATE_C_RESET);
    gate_buf_printf(&t.line, "  schema %s, migrations %s", gate_text_safe(c->schema),
                    gate_text_safe(c->migrations_dir));
    gate_textw_end(&t, 2);
    if (c->base_ref) {
        gate_buf_printf(&t.line, "  base: %s @ %.12s (%s)", gate_text_safe(c->base_ref),
                        gate_text_safe(c->base_commit), gate_text_safe(c->base_how));
        gate_textw_end(&t, 4);
    }
    if (c->head_commit) {
        gate_buf_printf(&t.line, "  head: %s%s%.12s%s",
                        gate_text_safe(c->head_branch ? c->head_branch : ""),
                        c->head_branch ? " @ " : "(detached) ", gate_text_safe(c->head_commit),
                        c->shallow ? " (shallow clone)" : "");
        gate_textw_end(&t, 4);
    }
    if (c->base_ref) {
        gate_buf_printf(&t.line,
                        "  this change: %zu migration%s added, %zu edited, %zu deleted (%zu on "
                        "the base)",
                        c->added, c->added == 1 ? "" : "s", c->edited, c->deleted,
                        c->base_migrations);
        gate_textw_end(&t, 4);
    }
    gate_textw_end(&t, 0);
    label(&t, "", "Checks");
    gate_textw_end(&t, 0);
    checks_text(run, &t);
    for (size_t i = 0; i < run->nchecks; i++)
        counts[run->checks[i].status]++;

    if (run->nmigrations) {
        gate_textw_end(&t, 0);
        label(&t, "", "Migrations this change adds or edits");
        gate_textw_end(&t, 0);
    }
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        label(&t, "  ", gate_text_safe(m->name));
        gate_buf_printf(&t.line, "  %s, risk ", gate_text_safe(m->impact ? m->impact->change : ""));
        gate_textw_color(&t, gate_ansi_risk(m->risk));
        gate_buf_adds(&t.line, gate_risk_name(m->risk));
        gate_textw_color(&t, GATE_C_RESET);
        gate_buf_printf(&t.line, ", %d statement%s", m->statements, m->statements == 1 ? "" : "s");
        gate_textw_end(&t, 4);
        if (m->error) {
            gate_buf_printf(&t.line, "    error: %s", gate_text_safe(m->error));
            gate_textw_end(&t, 6);
        }
        if (m->impact)
            impact_text(&t, m->impact);
        findings_text(&t, m, &hidden);
    }
    gate_textw_end(&t, 0);
    gate_textw_help_note(&t);
    gate_textw_color(&t, GATE_C_BOLD);
    gate_buf_printf(&t.line, "gate %s",
                    run->verdict == GATE_VERDICT_PASS   ? "open"
                    : run->verdict == GATE_VERDICT_FAIL ? "closed"
                                                        : "error (could not evaluate)");
    gate_textw_color(&t, GATE_C_RESET);
    gate_buf_printf(&t.line, ": %zu passed, %zu failed, %zu warning%s, %zu skipped, %zu error%s; ",
                    counts[GATE_STATUS_PASS], counts[GATE_STATUS_FAIL], counts[GATE_STATUS_WARN],
                    counts[GATE_STATUS_WARN] == 1 ? "" : "s", counts[GATE_STATUS_SKIP],
                    counts[GATE_STATUS_ERROR], counts[GATE_STATUS_ERROR] == 1 ? "" : "s");
    gate_buf_printf(&t.line, "%zu migration%s linted, max risk %s (fail-on %s)", run->nmigrations,
                    run->nmigrations == 1 ? "" : "s", gate_risk_name(run->max_risk),
                    gate_risk_name(run->fail_on));
    if (hidden)
        gate_buf_printf(&t.line, "; %zu info finding%s (-v shows)", hidden, hidden == 1 ? "" : "s");
    gate_textw_end(&t, 2);
    gate_textw_release(&t);
}

const struct gate_report_section gate_section_check = {
    .name = "check",
    .place = GATE_SECTION_CONTEXT,
    .present = present,
    .json = json,
    .json_migration = json_migration,
    .text = text,
    .wraps_text = true,
    .markdown = gate_section_markdown_none, /* the common table and checks say it */
};
