/* SPDX-License-Identifier: MIT */
/*
 * cmd/summary.c - `prisma-gate summary FILE.json...`: several JSON
 * reports (one per target, from the jobs of a CI fan-out) merged into one
 * Markdown table: target, command, verdict, max risk, exit code, in the
 * order the files are given, with a line that counts the verdicts. For a
 * fan-in job's step summary or pull-request comment. --format json gives
 * the same rows as a JSON object.
 *
 * Every cell is a value read from a file another job wrote, so each goes
 * through gate_md_text (escaped, one line): a target name cannot break
 * the table or start a workflow command.
 *
 * Exit: 0 every file was read (whatever the verdicts: each job exits with
 * its own); 2 usage (no file); 3 a file unreadable or not a prisma-gate
 * JSON report (the other files are still listed).
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/fs.h"
#include "gate/json.h"
#include "gate/msg.h"
#include "gate/report_common.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* A JSON report is a few MiB at most; this is a cap, not a limit anyone meets. */
#define SUMMARY_MAX_FILE ((size_t)256 * 1024 * 1024)

struct row {
    const char *file;
    char *target;  /* malloc'd; NULL: the report names no target */
    char *command; /* malloc'd */
    char *verdict;
    char *max_risk;
    long long exit_code;
};

static char *dup_or_null(const char *s)
{
    return s ? gate_xstrdup(s) : NULL;
}

/* Read one report into r; false (with the reason on stderr) when it is not one. */
static bool read_row(const char *path, struct row *r)
{
    struct gate_err err = {0};
    struct gate_json *root = NULL;
    const struct gate_json *v, *tool, *target;
    char *data = NULL;
    size_t len = 0;
    bool ok = false;

    memset(r, 0, sizeof(*r));
    r->file = path;
    if (gate_read_file(path, SUMMARY_MAX_FILE, &data, &len, &err)) {
        gate_errorf("%s", err.msg);
        return false;
    }
    if (gate_json_parse(data, len, path, &root, &err)) {
        gate_errorf("%s", err.msg);
        free(data);
        return false;
    }
    tool = gate_json_get(root, "tool");
    v = gate_json_get(root, "format_version");
    if (!tool || !gate_json_get_str(tool, "name") ||
        strcmp(gate_json_get_str(tool, "name"), "prisma-gate") != 0 || !v ||
        gate_json_int_value(v) != 1 || !gate_json_get_str(root, "command") ||
        !gate_json_get_str(root, "verdict") || !gate_json_get(root, "exit_code")) {
        gate_errorf("%s: not a prisma-gate JSON report (format_version 1): write one with "
                    "--report json=PATH",
                    path);
    } else {
        target = gate_json_get(root, "target");
        r->target = dup_or_null(target ? gate_json_get_str(target, "name") : NULL);
        r->command = dup_or_null(gate_json_get_str(root, "command"));
        r->verdict = dup_or_null(gate_json_get_str(root, "verdict"));
        r->max_risk = dup_or_null(gate_json_get_str(root, "max_risk"));
        r->exit_code = gate_json_int_value(gate_json_get(root, "exit_code"));
        ok = true;
    }
    gate_json_free(root);
    free(data);
    return ok;
}

static void row_release(struct row *r)
{
    free(r->target);
    free(r->command);
    free(r->verdict);
    free(r->max_risk);
}

static void summary_markdown(const struct row *rows, const bool *read, size_t n,
                             struct gate_buf *out)
{
    size_t pass = 0, fail = 0, error = 0, unreadable = 0;

    for (size_t i = 0; i < n; i++) {
        if (!read[i])
            unreadable++;
        else if (!strcmp(rows[i].verdict, "pass"))
            pass++;
        else if (!strcmp(rows[i].verdict, "fail"))
            fail++;
        else
            error++;
    }
    gate_buf_adds(out, "## prisma-gate summary\n\n");
    gate_buf_printf(out, "%zu report%s: %zu pass, %zu fail, %zu error", n, n == 1 ? "" : "s", pass,
                    fail, error);
    if (unreadable)
        gate_buf_printf(out, ", %zu unreadable", unreadable);
    gate_buf_adds(out, "\n\n| target | command | verdict | max risk | exit code |\n"
                       "|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];

        gate_buf_adds(out, "| ");
        if (!read[i]) {
            gate_md_code(out, r->file);
            gate_buf_adds(out, " | ? | unreadable | ? | ? |\n");
            continue;
        }
        if (r->target)
            gate_md_text(out, r->target, 100);
        else
            gate_buf_adds(out, "-");
        gate_buf_adds(out, " | ");
        gate_md_text(out, r->command, 40);
        gate_buf_adds(out, " | ");
        gate_buf_adds(out, !strcmp(r->verdict, "pass")   ? "✅ "
                           : !strcmp(r->verdict, "fail") ? "❌ "
                                                         : "⚠️ ");
        gate_md_text(out, r->verdict, 20);
        gate_buf_adds(out, " | ");
        gate_md_text(out, r->max_risk ? r->max_risk : "?", 20);
        gate_buf_printf(out, " | %lld |\n", r->exit_code);
    }
}

static void summary_json(const struct row *rows, const bool *read, size_t n, struct gate_buf *out)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *arr = gate_json_array();
    char *s;

    gate_json_set_int(o, "format_version", 1);
    for (size_t i = 0; i < n; i++) {
        struct gate_json *r = gate_json_object();

        gate_json_set_str(r, "file", rows[i].file);
        gate_json_set_bool(r, "read", read[i]);
        gate_json_set_str(r, "target", read[i] ? rows[i].target : NULL);
        gate_json_set_str(r, "command", read[i] ? rows[i].command : NULL);
        gate_json_set_str(r, "verdict", read[i] ? rows[i].verdict : NULL);
        gate_json_set_str(r, "max_risk", read[i] ? rows[i].max_risk : NULL);
        if (read[i])
            gate_json_set_int(r, "exit_code", rows[i].exit_code);
        else
            gate_json_set(r, "exit_code", gate_json_null());
        gate_json_append(arr, r);
    }
    gate_json_set(o, "reports", arr);
    s = gate_json_dump(o);
    gate_buf_adds(out, s);
    free(s);
    gate_json_free(o);
}

enum gate_exit gate_cmd_summary(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct row *rows;
    bool *read;
    size_t n = (size_t)cli->nargs;
    bool all = true;

    (void)run;
    if (!n) {
        gate_errorf("usage: prisma-gate summary FILE.json... (JSON reports: --report json=PATH)");
        return GATE_EXIT_USAGE;
    }
    rows = gate_xcalloc(n, sizeof(*rows));
    read = gate_xcalloc(n, sizeof(*read));
    for (size_t i = 0; i < n; i++) {
        read[i] = read_row(cli->args[i], &rows[i]);
        all &= read[i];
    }
    if (cli->format == GATE_FORMAT_JSON)
        summary_json(rows, read, n, out);
    else
        summary_markdown(rows, read, n, out);
    for (size_t i = 0; i < n; i++)
        row_release(&rows[i]);
    free(rows);
    free(read);
    return all ? GATE_EXIT_OK : GATE_EXIT_UNAVAILABLE;
}
