/* SPDX-License-Identifier: MIT */
/*
 * main.c - argv -> cli -> command -> report -> exit status. The only
 * place that chooses the exit status.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/buf.h"
#include "gate/http.h"
#include "gate/msg.h"
#include "gate/report.h"
#include "gate/run.h"
#include "gate/sql.h"

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
    if (force && *force && strcmp(force, "0"))
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

int main(int argc, char **argv)
{
    struct gate_cli cli = {0};
    struct gate_run run;
    struct gate_buf out = {0};
    const struct gate_command *cmd = NULL;
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
    if (cli.chdir && chdir(cli.chdir)) {
        gate_errorf("cannot change to directory '%s': %s", cli.chdir, strerror(errno));
        gate_cli_release(&cli);
        return GATE_EXIT_USAGE;
    }
    /* libcurl's global state: before any thread starts (health, deploy) */
    {
        struct gate_err herr = {0};

        if (gate_http_global_init(&herr)) {
            gate_errorf("%s", herr.msg);
            gate_cli_release(&cli);
            return GATE_EXIT_UNAVAILABLE;
        }
    }
    /* stdout carries only the report: stream it rather than hold it all */
    out.sink = stdout;
    gate_run_init(&run, cmd->name);
    run.fail_on = cli.fail_on;
    rc = cmd->run(&cli, &run, &out);
    if (cmd->writes_run && rc != GATE_EXIT_USAGE) {
        run.exit_code = rc;
        gate_run_sort_findings(&run);
        if (cli.format == GATE_FORMAT_JSON)
            gate_report_json(&run, &out);
        else
            gate_report_text(&run, &out, cli.color, cli.verbosity > 0);
    }
    if (write_stdout(&out)) {
        gate_errorf("cannot write to standard output: %s", strerror(errno));
        if (!rc)
            rc = GATE_EXIT_UNAVAILABLE;
    }
    gate_buf_release(&out);
    gate_run_release(&run);
    gate_cli_release(&cli);
    gate_sql_shutdown();
    gate_http_global_cleanup();
    return rc;
}
