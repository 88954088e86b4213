/* SPDX-License-Identifier: MIT */
/*
 * sections/drift.c - the `drift` section (drift.h's run->drift): JSON
 * `drift`, the text report, the Markdown part with its Mermaid ER
 * picture of the tables that differ, and the JUnit test cases
 * (report_drift.h; report_junit.c writes them). Pure functions of the
 * run model.
 */
#include "gate/compat.h"
#include "gate/report_drift.h"
#include "gate/report_section.h"
#include "gate/drift.h"
#include "gate/introspect.h"
#include "gate/report_common.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ JSON */

static void item_json(struct gate_jsonw *w, const struct gate_drift_item *it)
{
    gate_jsonw_object(w);
    gate_jsonw_key(w, "kind");
    gate_jsonw_str(w, it->kind);
    gate_jsonw_key(w, "schema");
    gate_jsonw_str(w, it->schema);
    gate_jsonw_key(w, "table");
    gate_jsonw_str(w, it->table);
    gate_jsonw_key(w, "name");
    gate_jsonw_str(w, it->name);
    gate_jsonw_key(w, "change");
    gate_jsonw_str(w, it->change);
    gate_jsonw_key(w, "before");
    gate_jsonw_str(w, it->before);
    gate_jsonw_key(w, "after");
    gate_jsonw_str(w, it->after);
    gate_jsonw_key(w, "changes");
    gate_jsonw_array(w);
    for (size_t k = 0; k < it->nchanges; k++) {
        gate_jsonw_object(w);
        gate_jsonw_key(w, "attribute");
        gate_jsonw_str(w, it->changes[k].attribute);
        gate_jsonw_key(w, "before");
        gate_jsonw_str(w, it->changes[k].before);
        gate_jsonw_key(w, "after");
        gate_jsonw_str(w, it->changes[k].after);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
    gate_jsonw_key(w, "remedy_kind");
    gate_jsonw_str(w, it->remedy_kind ? it->remedy_kind : "none");
    gate_jsonw_key(w, "remedy");
    gate_jsonw_str(w, it->remedy);
    gate_jsonw_key(w, "note");
    gate_jsonw_str(w, it->note);
    gate_jsonw_end(w);
}

static bool present(const struct gate_run *run)
{
    return run->drift;
}

/* "drift": {"evaluated", "digest", "counts", ..., "items", "pending"} */
static void json(const struct gate_run *run, struct gate_jsonw *w)
{
    const struct gate_run_drift *d = run->drift;

    gate_jsonw_key(w, "drift");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "evaluated");
    gate_jsonw_bool(w, d->evaluated);
    gate_jsonw_key(w, "digest");
    gate_jsonw_str(w, d->digest[0] ? d->digest : NULL);
    gate_jsonw_key(w, "counts");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "total");
    gate_jsonw_int(w, (long long)d->nitems);
    gate_jsonw_key(w, "database_only");
    gate_jsonw_int(w, (long long)d->database_only);
    gate_jsonw_key(w, "migrations_only");
    gate_jsonw_int(w, (long long)d->migrations_only);
    gate_jsonw_key(w, "changed");
    gate_jsonw_int(w, (long long)d->changed);
    gate_jsonw_key(w, "history");
    gate_jsonw_int(w, (long long)d->history);
    gate_jsonw_key(w, "pending");
    gate_jsonw_int(w, (long long)d->npending);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "shadow");
    gate_jsonw_str(w, d->shadow);
    gate_jsonw_key(w, "replayed");
    gate_jsonw_int(w, (long long)d->replayed);
    gate_jsonw_key(w, "objects");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "database");
    gate_jsonw_int(w, (long long)d->objects_database);
    gate_jsonw_key(w, "migrations");
    gate_jsonw_int(w, (long long)d->objects_migrations);
    gate_jsonw_key(w, "catalog_queries");
    gate_jsonw_int(w, d->queries);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "error");
    gate_jsonw_str(w, d->error);
    gate_jsonw_key(w, "capture");
    gate_jsonw_str(w, d->capture);
    gate_jsonw_key(w, "items");
    gate_jsonw_array(w);
    for (size_t i = 0; i < d->nitems; i++)
        item_json(w, &d->items[i]);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "pending");
    gate_jsonw_array(w);
    for (size_t i = 0; i < d->npending; i++)
        gate_jsonw_str(w, d->pending[i]);
    gate_jsonw_end(w);
    gate_jsonw_end(w);
}

/* ------------------------------------------------------------ text */

/* schema.table.name, or the parts there are. */
static void object_name(struct gate_buf *out, const struct gate_drift_item *it)
{
    if (it->schema)
        gate_buf_printf(out, "%s.", it->schema);
    if (it->table)
        gate_buf_printf(out, "%s.", it->table);
    gate_buf_adds(out, it->name ? it->name : "?");
}

static void put(struct gate_buf *out, const char *s)
{
    gate_text_clean(out, s ? s : "", 0, 0);
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    const struct gate_run_drift *d = run->drift;
    bool color = o->color;
    const char *bold = color ? GATE_C_BOLD : "", *reset = color ? GATE_C_RESET : "";
    bool capture_used = false;

    gate_buf_adds(out, "drift: ");
    if (run->target) {
        if (run->target->name)
            gate_buf_printf(out, "target %s, ", run->target->name);
        gate_buf_adds(out, "database ");
        put(out, run->target->database);
        gate_buf_adds(out, " on ");
        put(out, run->target->host);
        gate_buf_printf(out, ":%d, schema ", run->target->port);
        put(out, run->target->schema);
    }
    gate_buf_addc(out, '\n');
    if (d->shadow) {
        gate_buf_adds(out, "shadow: ");
        put(out, d->shadow);
        gate_buf_printf(out, ", %zu migration%s replayed\n", d->replayed,
                        d->replayed == 1 ? "" : "s");
    }
    for (size_t i = 0; i < d->nitems; i++) {
        const struct gate_drift_item *it = &d->items[i];
        struct gate_buf name = {0};

        object_name(&name, it);
        gate_buf_printf(out, "%s%-18s%s %-10s ", bold, it->change, reset, it->kind);
        put(out, gate_buf_str(&name));
        gate_buf_addc(out, '\n');
        gate_buf_release(&name);
        if (it->nchanges) {
            for (size_t k = 0; k < it->nchanges; k++) {
                gate_buf_printf(out, "    %s: ", it->changes[k].attribute);
                put(out, it->changes[k].before ? it->changes[k].before : "none");
                gate_buf_adds(out, " -> ");
                put(out, it->changes[k].after ? it->changes[k].after : "none");
                gate_buf_addc(out, '\n');
            }
        } else {
            if (it->before) {
                gate_buf_adds(out, "    migrations: ");
                put(out, it->before);
                gate_buf_addc(out, '\n');
            }
            if (it->after) {
                gate_buf_adds(out, "    database: ");
                put(out, it->after);
                gate_buf_addc(out, '\n');
            }
        }
        if (it->remedy_kind && !strcmp(it->remedy_kind, "sql")) {
            gate_buf_adds(out, "    fix: ");
            put(out, it->remedy);
            gate_buf_addc(out, '\n');
        } else if (it->remedy_kind && !strcmp(it->remedy_kind, "prisma")) {
            gate_buf_adds(out, "    fix: the capture steps below\n");
            capture_used = true;
        }
        if (it->note && (!it->remedy_kind || strcmp(it->remedy_kind, "prisma") != 0)) {
            gate_buf_adds(out, "    note: ");
            put(out, it->note);
            gate_buf_addc(out, '\n');
        }
    }
    if (capture_used && d->capture) {
        gate_buf_adds(out, "capture steps (a new migration from the live schema, marked applied "
                           "on the target):\n    ");
        put(out, d->capture);
        gate_buf_addc(out, '\n');
    }
    if (d->npending) {
        gate_buf_printf(out, "pending (not drift): %zu migration%s:", d->npending,
                        d->npending == 1 ? "" : "s");
        for (size_t i = 0; i < d->npending; i++) {
            gate_buf_addc(out, ' ');
            put(out, d->pending[i]);
        }
        gate_buf_addc(out, '\n');
    }
    if (d->error) {
        gate_buf_adds(out, "error: ");
        put(out, d->error);
        gate_buf_addc(out, '\n');
    }
    gate_buf_printf(out,
                    "%zu difference%s (%zu in database only, %zu in migrations only, %zu "
                    "changed, %zu history)",
                    d->nitems, d->nitems == 1 ? "" : "s", d->database_only, d->migrations_only,
                    d->changed, d->history);
    if (d->digest[0])
        gate_buf_printf(out, "; drift digest %.16s", d->digest);
    gate_buf_printf(out, "; %s%s%s\n", bold,
                    run->verdict == GATE_VERDICT_PASS   ? "no drift"
                    : run->verdict == GATE_VERDICT_FAIL ? "drift"
                                                        : "could not evaluate",
                    reset);
}

/* ------------------------------------------------------------ Markdown */

#define CELL_MAX 300

/* A Mermaid word: letters, digits, '_' and '-' (everything else '_'). */
static void mermaid_word(struct gate_buf *out, const char *s, bool type)
{
    if (!s || !*s) {
        gate_buf_adds(out, "unknown");
        return;
    }
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        gate_buf_addc(out, '_');
    for (const char *p = s; *p; p++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || (type && (c == '(' || c == ')' || c == '[' || c == ']'));

        gate_buf_addc(out, ok ? c : '_');
    }
}

/*
 * A label inside double quotes. Names come from the database: Mermaid
 * renders labels as HTML and reads entity codes (#60;) in them, so only
 * letters, digits, blanks and . _ - ( ) pass; every other byte becomes
 * '_' (a quote, '<', '&', '#', a backtick, a newline, non-ASCII).
 */
static void mermaid_label(struct gate_buf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == ' ' || c == '.' || c == '_' || c == '-' || c == '(' || c == ')';

        gate_buf_addc(out, ok ? c : '_');
    }
}

static void mermaid(const struct gate_run_drift *d, struct gate_buf *out)
{
    gate_buf_adds(out, "```mermaid\nerDiagram\n");
    for (size_t i = 0; i < d->ntables; i++) {
        const struct gate_drift_table *t = &d->tables[i];
        struct gate_buf label = {0};

        gate_buf_printf(&label, "%s.%s", t->schema, t->name);
        if (strcmp(t->change, GATE_DRIFT_CHANGED) != 0)
            gate_buf_printf(&label, " (%s)", t->change);
        gate_buf_adds(out, "    t");
        gate_buf_printf(out, "%zu_", i);
        mermaid_word(out, t->name, false);
        gate_buf_adds(out, "[\"");
        mermaid_label(out, gate_buf_str(&label));
        gate_buf_adds(out, "\"] {\n");
        for (size_t k = 0; k < t->ncols; k++) {
            const struct gate_drift_col *c = &t->cols[k];

            gate_buf_adds(out, "        ");
            mermaid_word(out, c->type, true);
            gate_buf_addc(out, ' ');
            mermaid_word(out, c->name, false);
            if (c->mark)
                gate_buf_printf(out, " \"%s\"", c->mark);
            gate_buf_addc(out, '\n');
        }
        gate_buf_adds(out, "    }\n");
        gate_buf_release(&label);
    }
    gate_buf_adds(out, "```\n\n");
}

static void md_cell(struct gate_buf *out, const char *s)
{
    if (s)
        gate_md_text(out, s, CELL_MAX);
    else
        gate_buf_adds(out, "\xE2\x80\x94");
}

static void markdown(const struct gate_run *run, struct gate_buf *out, size_t limit)
{
    const struct gate_run_drift *d = run->drift;
    size_t shown = 0;
    bool capture_used = false, sql_used = false;

    gate_buf_adds(out, "### Drift\n\n");
    if (d->error) {
        gate_buf_adds(out, "**Could not evaluate:** ");
        gate_md_text(out, d->error, 1000);
        gate_buf_adds(out, "\n\n");
    }
    if (d->shadow) {
        gate_buf_adds(out, "Shadow: ");
        gate_md_text(out, d->shadow, 300);
        gate_buf_printf(out, ", %zu migration%s replayed.", d->replayed,
                        d->replayed == 1 ? "" : "s");
        gate_buf_adds(out, "\n\n");
    }
    if (!d->nitems && d->evaluated)
        gate_buf_adds(out, "No drift: the database holds exactly the schema its migrations "
                           "make.\n\n");
    gate_buf_printf(out,
                    "**%zu difference%s** \xC2\xB7 %zu in database only \xC2\xB7 %zu in "
                    "migrations only \xC2\xB7 %zu changed \xC2\xB7 %zu history",
                    d->nitems, d->nitems == 1 ? "" : "s", d->database_only, d->migrations_only,
                    d->changed, d->history);
    if (d->digest[0])
        gate_buf_printf(out, " \xC2\xB7 digest `%.16s`", d->digest);
    gate_buf_adds(out, "\n\n");
    if (d->nitems) {
        gate_buf_adds(out, "| Change | Kind | Object | Migrations | Database | Fix |\n"
                           "|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < d->nitems; i++) {
            const struct gate_drift_item *it = &d->items[i];
            struct gate_buf name = {0};

            if (out->len > limit)
                break;
            object_name(&name, it);
            gate_buf_adds(out, "| ");
            gate_md_text(out, it->change, 0);
            gate_buf_adds(out, " | ");
            gate_md_text(out, it->kind, 0);
            gate_buf_adds(out, " | ");
            gate_md_code(out, gate_buf_str(&name));
            gate_buf_adds(out, " | ");
            md_cell(out, it->before);
            gate_buf_adds(out, " | ");
            md_cell(out, it->after);
            gate_buf_adds(out, " | ");
            if (it->remedy_kind && !strcmp(it->remedy_kind, "sql")) {
                gate_md_code(out, it->remedy);
                sql_used = true;
            } else if (it->remedy_kind && !strcmp(it->remedy_kind, "prisma")) {
                gate_buf_adds(out, "capture steps");
                capture_used = true;
            } else {
                md_cell(out, it->note);
            }
            gate_buf_adds(out, " |\n");
            gate_buf_release(&name);
            shown++;
        }
        gate_buf_adds(out, "\n");
        if (shown < d->nitems) {
            gate_buf_printf(out, "... and %zu more", d->nitems - shown);
            if (run->json_report) {
                gate_buf_adds(out, ": see ");
                (void)gate_md_json_report(run, out);
            }
            gate_buf_adds(out, ".\n\n");
        }
    }
    if (d->ntables && out->len <= limit) {
        gate_buf_adds(out, "Tables that differ (columns marked added: in the database only, "
                           "missing: in the migrations only, changed):\n\n");
        mermaid(d, out);
    }
    if (capture_used && d->capture) {
        gate_buf_adds(out, "Capture steps (a new migration from the live schema, then marked "
                           "applied on the target):\n\n```sh\n");
        gate_text_clean(out, d->capture, 0, 0);
        gate_buf_adds(out, "\n```\n\n");
    }
    if (sql_used)
        gate_buf_adds(out, "The SQL fixes bring the database back to what the migrations "
                           "make.\n\n");
    if (d->npending) {
        gate_buf_printf(out, "Pending (not drift): %zu migration%s:", d->npending,
                        d->npending == 1 ? "" : "s");
        for (size_t i = 0; i < d->npending && out->len <= limit; i++) {
            gate_buf_adds(out, " ");
            gate_md_code(out, d->pending[i]);
        }
        gate_buf_adds(out, "\n\n");
    }
}

/* ------------------------------------------------------------ JUnit cases */

static const char *const case_kinds[] = {
    "table",    "column",    "constraint", "index",
    "enum",     "sequence",  "view",       "materialized view",
    "function", "procedure", "trigger",    "extension",
    "policy",   "migration",
};

void gate_report_drift_cases(const struct gate_run *run, struct gate_drift_case **out, size_t *n)
{
    const struct gate_run_drift *d = run->drift;
    struct gate_drift_case *c;

    *out = NULL;
    *n = 0;
    if (!d || (!d->evaluated && !d->nitems))
        return;
    c = gate_xcalloc(GATE_ARRAY_SIZE(case_kinds), sizeof(*c));
    for (size_t k = 0; k < GATE_ARRAY_SIZE(case_kinds); k++)
        c[k].name = case_kinds[k];
    for (size_t i = 0; i < d->nitems; i++) {
        const struct gate_drift_item *it = &d->items[i];

        for (size_t k = 0; k < GATE_ARRAY_SIZE(case_kinds); k++) {
            struct gate_buf name = {0};

            if (strcmp(case_kinds[k], it->kind) != 0)
                continue;
            object_name(&name, it);
            c[k].failures++;
            gate_buf_printf(&c[k].text, "%s: %s", it->change, gate_buf_str(&name));
            if (it->before)
                gate_buf_printf(&c[k].text, "; migrations: %s", it->before);
            if (it->after)
                gate_buf_printf(&c[k].text, "; database: %s", it->after);
            if (it->remedy_kind && !strcmp(it->remedy_kind, "sql"))
                gate_buf_printf(&c[k].text, "; fix: %s", it->remedy);
            gate_buf_addc(&c[k].text, '\n');
            gate_buf_release(&name);
            break;
        }
    }
    *out = c;
    *n = GATE_ARRAY_SIZE(case_kinds);
}

void gate_report_drift_cases_free(struct gate_drift_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gate_buf_release(&c[i].text);
    free(c);
}

/* "drift.digest" (JUnit property), "drift-digest" (GitHub output): changes only when the drift
 * does. */
static size_t facts(const struct gate_run *run, struct gate_report_fact *out, size_t max)
{
    if (!max || !run->drift || !run->drift->digest[0])
        return 0;
    out[0].key = "digest";
    out[0].value = run->drift->digest;
    return 1;
}

const struct gate_report_section gate_section_drift = {
    .name = "drift",
    .place = GATE_SECTION_OUTCOME,
    .present = present,
    .json = json,
    .text = text,
    .markdown = markdown,
    .facts = facts,
};
