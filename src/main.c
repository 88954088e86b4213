/* SPDX-License-Identifier: MIT */
/*
 * main.c - argv -> cli -> command -> report -> exit status. The only
 * place that chooses the exit status.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/buf.h"
#include "gate/ghsafe.h"
#include "gate/http.h"
#include "gate/msg.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/report.h"
#include "gate/report_out.h"
#include "gate/run.h"
#include "gate/sql.h"
#include "gate/wrap.h"
#include "gate/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool want_color(const struct gate_cli *cli)
{
    const char *nc = getenv("NO_COLOR");
    const char *force = getenv("CLICOLOR_FORCE");
    const char *term = getenv("TERM");

    if (cli->no_color || (nc && *nc))
        return false;
    if (!force || !*force || !strcmp(force, "0"))
        force = getenv("FORCE_COLOR");
    if (force && *force && strcmp(force, "0") != 0)
        return true;
    if (term && !strcmp(term, "dumb"))
        return false;
    return isatty(STDOUT_FILENO) == 1;
}

static int write_stdout(struct gate_buf *b)
{
    if (!b->sink && b->len && fwrite(b->data, 1, b->len, stdout) != b->len)
        return -1;
    if (!gate_buf_flush(b))
        return -1;
    if (fflush(stdout))
        return -1;
    return 0;
}

/*
 * The policy of a command that evaluates (others get the defaults), with
 * the flags merged. An invalid policy is exit 2: its errors are printed,
 * and recorded in the run as a "policy" check, so the --report files
 * still say why nothing was evaluated.
 */
/*
 * Whether the command reads the project's files (every evaluating command
 * but health, and lint given no PATH): then the project paths the policy
 * sets must exist (gate_policy_check_paths), unless a flag replaces them.
 */
static bool reads_project(const struct gate_cli *cli, const struct gate_command *cmd)
{
    if (!strcmp(cmd->name, "lint"))
        return cli->nargs == 0;
    return strcmp(cmd->name, "health") != 0;
}

static int load_policy(struct gate_cli *cli, const struct gate_command *cmd,
                       struct gate_policy *pol, struct gate_run *run)
{
    struct gate_err err = {0};

    cli->pol = pol;
    if (!cmd->writes_run) {
        gate_policy_defaults(pol);
        return GATE_EXIT_OK;
    }
    if (gate_policy_load(pol, cli->policy, &run->arena, &err) ||
        (reads_project(cli, cmd) &&
         gate_policy_check_paths(pol, !cli->schema, !cli->migrations, &run->arena, &err))) {
        struct gate_buf b = {0};
        struct gate_check *c = gate_run_add_check(run, "policy", GATE_STATUS_ERROR, err.msg);

        if (pol->ndiags) {
            gate_policy_diags_text(pol, &b);
            gate_msg_text(b.data, b.len);
            gate_errorf("invalid policy %s (%zu error%s): nothing was evaluated", pol->path,
                        pol->ndiags, pol->ndiags == 1 ? "" : "s");
            c->path = pol->path;
            c->line = pol->diags[0].line;
        } else {
            gate_errorf("%s", err.msg);
        }
        gate_buf_release(&b);
        gate_policy_defaults(pol); /* reports: only what the flags ask for */
        run->verdict = GATE_VERDICT_ERROR;
        return GATE_EXIT_USAGE;
    }
    if (pol->path)
        gate_verbosef("policy: %s", pol->path);
    if (!cli->fail_on_set)
        cli->fail_on = pol->lint.fail_on;
    if (!cli->migrations && pol->project.migrations_given)
        cli->migrations = pol->project.migrations;
    if (cli->schema) { /* --schema replaces project.schema, also in what deploy passes Prisma */
        pol->project.schema = cli->schema;
        pol->project.schema_given = true;
    }
    if (cli->nreports || cli->checklist) {
        /* two reports (or the checklist and a report) to one path: a usage error */
        gate_err_clear(&err);
        if (gate_reports_check_paths(pol, run->command, cli->reports, (size_t)cli->nreports,
                                     cli->checklist, &err)) {
            gate_errorf("%s: %s", cli->nreports ? "--report" : "--checklist", err.msg);
            return GATE_EXIT_USAGE;
        }
    }
    if (gate_github_active(pol)) {
        struct gate_buf b = {0};

        gate_github_masks(pol, &b); /* before anything could print a secret */
        for (int i = 0; i < cli->nurls; i++)
            gate_github_mask_url(cli->urls[i], &b);
        if (b.len)
            gate_msg_raw(b.data, b.len);
        gate_buf_release(&b);
    }
    return GATE_EXIT_OK;
}

/*
 * A report file or GitHub file that could not be written after the run
 * (they were checked before it: gate_outputs_writable). The exit status
 * is then 3 ("nothing could be reported"), but never once Prisma ran:
 * the migrations may be applied, so it is 5.
 */
static int late_write_failure(const struct gate_run *run, int rc)
{
    if (rc != GATE_EXIT_OK && rc != GATE_EXIT_CLOSED)
        return rc;
    if (run->deploy && run->deploy->started && !run->deploy->could_not_start)
        return GATE_EXIT_VERIFY_FAILED;
    return GATE_EXIT_UNAVAILABLE;
}

static void set_status(struct gate_run *run, int rc)
{
    run->exit_code = rc;
    if ((rc == GATE_EXIT_USAGE || rc == GATE_EXIT_UNAVAILABLE) && run->verdict == GATE_VERDICT_PASS)
        run->verdict = GATE_VERDICT_ERROR;
    if (rc == GATE_EXIT_VERIFY_FAILED && run->verdict == GATE_VERDICT_PASS)
        run->verdict = GATE_VERDICT_FAIL;
}

/*
 * After an evaluating command: the report files (also when the gate is
 * closed or nothing could be evaluated), GitHub's annotations, step
 * summary and outputs, and last the report on stdout in --format (not
 * after a usage error, but after an invalid policy: its error is the
 * report's "policy" check). The exit status is final before anything is
 * rendered: when a file still cannot be written, the status changes and
 * the files already written are written again, so that no output claims
 * a status the process does not exit with.
 */
static int finish_run(const struct gate_cli *cli, struct gate_run *run, int rc, bool policy_failed,
                      struct gate_buf *out)
{
    bool github = gate_github_active(cli->pol);
    struct gate_report_path *written = NULL;
    size_t nwritten = 0;
    bool ok;
    struct gate_err xerr = {0};

    /* a JUnit report without libxml2 cannot be written: every other report says so */
    if ((rc == GATE_EXIT_OK || rc == GATE_EXIT_CLOSED) && gate_reports_load(cli, cli->pol, &xerr))
        rc = GATE_EXIT_UNAVAILABLE;
    set_status(run, rc);
    gate_run_sort_findings(run);
    if (cli->format == GATE_FORMAT_JSON)
        run->json_report = "-"; /* a JSON report file (gate_reports_write) is named instead */
    ok = gate_reports_write(run, cli->pol, cli->reports, (size_t)cli->nreports, cli->checklist,
                            &written, &nwritten);
    if (!ok) {
        rc = late_write_failure(run, rc);
        set_status(run, rc);
    }
    if (github) {
        struct gate_buf ann = {0};
        bool gh_ok;

        /* --format github: annotations are stdout (below); else stderr (the runner reads both) */
        gh_ok = gate_github_write(run, written, nwritten,
                                  cli->format == GATE_FORMAT_GITHUB ? NULL : &ann);
        if (ann.len)
            gate_msg_raw(ann.data, ann.len);
        gate_buf_release(&ann);
        if (!gh_ok) {
            rc = late_write_failure(run, rc);
            set_status(run, rc);
        }
        ok &= gh_ok;
    }
    if (run->exit_code != rc || !ok) {
        /* the status changed after the files were written: write them again */
        free(written);
        written = NULL;
        nwritten = 0;
        (void)gate_reports_write(run, cli->pol, cli->reports, (size_t)cli->nreports, cli->checklist,
                                 &written, &nwritten);
    }
    if (rc != GATE_EXIT_USAGE || policy_failed) {
        /*
         * Under GitHub, text that quotes SQL must not run workflow
         * commands: the text report is fenced (its values are cleaned
         * too); JUnit and Markdown are not, so that `--format junit >
         * junit.xml` stays a valid file: the JUnit writer defuses its
         * lines itself, Markdown goes through the sanitiser here ("\::"
         * and "##\[" render as "::" and "##[").
         */
        bool fence = github && cli->format == GATE_FORMAT_TEXT;
        bool clean = github && cli->format == GATE_FORMAT_MARKDOWN;
        struct gate_buf md = {0};
        /* a terminal's width wraps the text report; a file or a pipe gets long lines */
        const struct gate_text_opts topts = {.color = cli->color,
                                             .verbose = cli->verbosity > 0,
                                             .width = gate_wrap_width(STDOUT_FILENO)};
        char token[64];
        struct gate_err err = {0};

        if (fence) {
            gate_github_token(token, sizeof(token));
            gate_buf_printf(out, "::stop-commands::%s\n", token);
        }
        if (gate_report_render(run, cli->format, clean ? &md : out, &topts, &err))
            gate_errorf("%s", err.msg); /* JUnit without libxml2: rc says so already */
        if (clean)
            gate_safe_text(out, gate_buf_str(&md), md.len, GATE_SAFE_LINES);
        gate_buf_release(&md);
        if (fence)
            gate_buf_printf(out, "::%s::\n", token);
    }
    free(written);
    return rc;
}

int main(int argc, char **argv)
{
    struct gate_cli cli = {0};
    struct gate_run run;
    struct gate_buf out = {0};
    const struct gate_command *cmd = NULL;
    struct gate_policy pol;
    bool policy_failed;
    int rc;

    rc = gate_cli_parse(&cli, argc, argv, &out, &cmd);
    if (rc) {
        if (rc < 0)
            rc = write_stdout(&out) ? GATE_EXIT_UNAVAILABLE : GATE_EXIT_OK;
        else
            rc = GATE_EXIT_USAGE;
        gate_buf_release(&out);
        gate_cli_release(&cli);
        return rc;
    }
    gate_msg_set_level(cli.verbosity < 0   ? GATE_MSG_QUIET
                       : cli.verbosity > 0 ? GATE_MSG_VERBOSE
                                           : GATE_MSG_NORMAL);
    cli.color = want_color(&cli);
    if (!cmd->writes_run && (cli.nreports || !gate_report_format(cli.format)->without_run)) {
        if (cli.nreports) {
            gate_errorf("--report: '%s' evaluates nothing, so it writes no report", cmd->name);
        } else {
            struct gate_buf list = {0};

            gate_report_format_list(&list, GATE_FORMATS_WITHOUT_RUN, ", ",
                                    cmd->own_format ? ", " : " or ");
            if (cmd->own_format)
                gate_buf_printf(&list, " or %s", cmd->own_format);
            gate_errorf("'%s' prints %s, not %s", cmd->name, gate_buf_str(&list),
                        gate_format_name(cli.format));
            gate_buf_release(&list);
        }
        gate_cli_release(&cli);
        return GATE_EXIT_USAGE;
    }
    if (cli.chdir && chdir(cli.chdir)) {
        gate_errorf("cannot change to directory '%s': %s", cli.chdir, strerror(errno));
        gate_cli_release(&cli);
        return GATE_EXIT_USAGE;
    }
    /* stdout carries only the report: stream it rather than hold it all */
    out.sink = stdout;
    gate_run_init(&run, cmd->name);
    gate_report_locate(&run);
    rc = load_policy(&cli, cmd, &pol, &run);
    policy_failed = rc != GATE_EXIT_OK;
    if (!rc && cmd->writes_run && !gate_outputs_writable(&run, &cli)) {
        /* checked before anything runs: a deploy never applies what it cannot report */
        gate_run_add_check(&run, "reports", GATE_STATUS_ERROR,
                           "an output file cannot be written (see the errors): nothing was run");
        gate_errorf("an output file cannot be written: '%s' was not run, nothing was changed",
                    cmd->name);
        run.verdict = GATE_VERDICT_ERROR;
        rc = GATE_EXIT_UNAVAILABLE;
    }
    if (!rc) {
        run.fail_on = cli.fail_on;
        rc = cmd->run(&cli, &run, &out);
    }
    if (cmd->writes_run)
        rc = finish_run(&cli, &run, rc, policy_failed, &out);
    if (write_stdout(&out)) {
        gate_errorf("cannot write to standard output: %s", strerror(errno));
        if (!rc)
            rc = GATE_EXIT_UNAVAILABLE;
    }
    gate_buf_release(&out);
    gate_run_release(&run);
    gate_cli_release(&cli);
    gate_sql_shutdown();
    gate_http_global_cleanup(); /* when a command set libcurl up (http.h) */
    return rc;
}
