/* SPDX-License-Identifier: MIT */
/*
 * report_json.c - the canonical JSON serialisation of the run model.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/json.h"
#include "gate/report_status.h"
#include "gate/version.h"

#include <stdlib.h>
#include <string.h>

static struct gate_json *finding_json(const struct gate_finding *f)
{
    struct gate_json *o = gate_json_object();

    gate_json_set_str(o, "rule", f->rule);
    gate_json_set_str(o, "risk", gate_risk_name(f->risk));
    gate_json_set_str(o, "severity", gate_severity_name(f->severity));
    gate_json_set_str(o, "category", gate_category_name(f->category));
    gate_json_set_str(o, "table", f->table);
    gate_json_set_int(o, "line", f->line);
    gate_json_set_int(o, "column", f->column);
    gate_json_set_str(o, "message", f->message);
    gate_json_set_str(o, "help", f->help);
    gate_json_set_bool(o, "suppressed", f->suppressed);
    gate_json_set_str(o, "suppression_reason", f->suppression_reason);
    if (f->prisma_warning)
        gate_json_set_str(o, "prisma_warning", f->prisma_warning);
    return o;
}

static struct gate_json *migration_json(const struct gate_migration *m)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *fs = gate_json_array();

    gate_json_set_str(o, "name", m->name);
    gate_json_set_str(o, "path", m->path);
    gate_json_set_str(o, "checksum", m->checksum[0] ? m->checksum : NULL);
    gate_json_set_str(o, "state", gate_mstate_name(m->state));
    gate_json_set_str(o, "risk", gate_risk_name(m->risk));
    gate_json_set_int(o, "statements", m->statements);
    for (size_t i = 0; i < m->nfindings; i++)
        gate_json_append(fs, finding_json(&m->findings[i]));
    gate_json_set(o, "findings", fs);
    if (m->error)
        gate_json_set_str(o, "error", m->error);
    if (m->has_history)
        gate_report_migration_history_json(o, m);
    return o;
}

/* Append a value dumped with 2-space indent, every line after the first indented by pad. */
static void add_indented(struct gate_buf *out, const struct gate_json *v, const char *pad)
{
    char *text = gate_json_dump(v);
    size_t n = strlen(text);

    if (n && text[n - 1] == '\n')
        text[--n] = '\0';
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

        if (p != text)
            gate_buf_adds(out, pad);
        gate_buf_add(out, p, len);
        p += len;
    }
    free(text);
}

/* "key": value, as one member of the root object. */
static void member(struct gate_buf *out, const char *key, struct gate_json *v, bool last)
{
    gate_buf_printf(out, "  \"%s\": ", key);
    add_indented(out, v, "  ");
    gate_json_free(v);
    gate_buf_adds(out, last ? "\n" : ",\n");
}

/*
 * The root object is written member by member and the migrations one at a
 * time, so a report over thousands of migrations never exists as one tree.
 * The bytes equal what jansson would print for the whole tree.
 */
void gate_report_json(const struct gate_run *run, struct gate_buf *out)
{
    struct gate_json *tool = gate_json_object();
    struct gate_json *checks = gate_json_array();

    gate_buf_adds(out, "{\n");
    member(out, "format_version", gate_json_int(GATE_REPORT_FORMAT_VERSION), false);
    gate_json_set_str(tool, "name", GATE_NAME);
    gate_json_set_str(tool, "version", GATE_VERSION);
    member(out, "tool", tool, false);
    member(out, "command", gate_json_string(run->command), false);
    member(out, "verdict", gate_json_string(gate_verdict_name(run->verdict)), false);
    member(out, "exit_code", gate_json_int(run->exit_code), false);
    member(out, "max_risk", gate_json_string(gate_risk_name(run->max_risk)), false);
    member(out, "fail_on", gate_json_string(gate_risk_name(run->fail_on)), false);
    if (run->target)
        member(out, "target", gate_report_target_json(run->target), false);
    if (run->history)
        member(out, "history", gate_report_history_json(run), false);
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];
        struct gate_json *o = gate_json_object();

        gate_json_set_str(o, "id", c->id);
        gate_json_set_str(o, "status", gate_status_name(c->status));
        gate_json_set_str(o, "message", c->message);
        if (c->path)
            gate_json_set_str(o, "path", c->path);
        if (c->line)
            gate_json_set_int(o, "line", c->line);
        gate_json_append(checks, o);
    }
    member(out, "checks", checks, false);
    if (!run->nmigrations) {
        gate_buf_adds(out, "  \"migrations\": []\n}\n");
        return;
    }
    gate_buf_adds(out, "  \"migrations\": [\n");
    for (size_t i = 0; i < run->nmigrations; i++) {
        struct gate_json *m = migration_json(run->migrations[i]);

        gate_buf_adds(out, "    ");
        add_indented(out, m, "    ");
        gate_json_free(m);
        gate_buf_adds(out, i + 1 < run->nmigrations ? ",\n" : "\n");
    }
    gate_buf_adds(out, "  ]\n}\n");
}
