/* SPDX-License-Identifier: MIT */
/*
 * cli.h - command-line parsing and the command table (git's commands[]).
 */
#ifndef GATE_CLI_H
#define GATE_CLI_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/report_format.h"
#include "gate/run.h"

struct gate_policy;

struct gate_cli {
    const char *command;
    const char *policy; /* -p/--policy */
    const char *target; /* -t/--target */
    const char *chdir;  /* -C */
    enum gate_format format;
    bool format_set;
    bool github_matrix;               /* --format github-matrix (targets only) */
    struct gate_report_spec *reports; /* --report FORMAT=PATH, parsed (paths argv-borrowed) */
    int nreports;
    bool no_color;
    int verbosity; /* -1 quiet, 0, 1 verbose */
    enum gate_risk fail_on;
    bool fail_on_set;
    const char *migrations; /* --migrations DIR (every command that reads the project) */
    const char *schema;     /* --schema PATH (the same; gate_project_resolve) */
    const char *base;       /* --base REF (check, lint) */
    char **args;            /* positional arguments after the command (argv-borrowed) */
    int nargs;
    bool color;                    /* decided: stdout is a TTY, NO_COLOR unset, no --no-color */
    bool force;                    /* --force (init: overwrite) */
    bool man;                      /* --man (help: the man page) */
    const struct gate_policy *pol; /* the policy (policy.h): main.c loads it */

    /* health: ad-hoc checks (argv-borrowed strings; the arrays are malloc'd) */
    const char **urls; /* --url URL (repeatable) */
    int nurls;
    const char **expects; /* --expect PATH=VALUE (repeatable) */
    int nexpects;
    const char *expect_status; /* --expect-status N */
    const char *timeout;       /* --timeout DURATION */
    const char *retries;       /* --retries N */
    const char *backoff;       /* --backoff DURATION */

    /* plan, approve, deploy (argv-borrowed) */
    const char *confirm;   /* --confirm TOKEN (deploy) */
    const char *plan_file; /* --plan FILE: a JSON plan report (approve) */
    const char *checklist; /* --checklist PATH: the Markdown deployment checklist */
};

/*
 * A command fills run (or out directly) and returns its exit status. run is
 * NULL for `help`, which gate_cli_parse answers itself.
 */
struct gate_command {
    const char *name;
    enum gate_exit (*run)(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
    const char *args; /* usage after the name, e.g. "[PATH...]" */
    const char *summary;
    unsigned options; /* enum gate_cli_opt bits the command accepts */
    bool writes_run;  /* stdout is the run model in --format */
    /* a --format of its own besides the format table's (targets: "github-matrix") */
    const char *own_format;
};

enum gate_cli_opt {
    GATE_OPT_FAIL_ON = 1 << 0,
    GATE_OPT_FORCE = 1 << 16, /* --force (init) */
    GATE_OPT_MIGRATIONS = 1 << 1,
    GATE_OPT_SCHEMA = 1 << 8, /* --schema */
    GATE_OPT_BASE = 1 << 9,   /* --base */
    /* health: --url --expect --expect-status --timeout --retries --backoff */
    GATE_OPT_HEALTH = 1 << 12,
    GATE_OPT_CONFIRM = 1 << 20,   /* --confirm (deploy) */
    GATE_OPT_PLAN = 1 << 21,      /* --plan (approve) */
    GATE_OPT_CHECKLIST = 1 << 22, /* --checklist (plan, deploy) */
    GATE_OPT_MAN = 1 << 23,       /* --man (help) */
};

/*
 * Parse argv into cli. Returns GATE_EXIT_OK to go on, GATE_EXIT_USAGE on a
 * usage error (already reported), or -1 when --help/--version printed
 * what was asked and the program should exit 0.
 */
int gate_cli_parse(struct gate_cli *cli, int argc, char **argv, struct gate_buf *out,
                   const struct gate_command **cmd);

/* Free what gate_cli_parse allocated. */
void gate_cli_release(struct gate_cli *cli);

/* Command entry points (src/cmd/). */
enum gate_exit gate_cmd_lint(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_rules(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_explain(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_init(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_status(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_drift(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_check(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_detect(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_health(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_plan(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_approve(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_deploy(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_targets(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);
enum gate_exit gate_cmd_summary(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out);

/*
 * lint --base REF: check's change (the base's migrations replayed, the
 * added and edited ones linted, with their impact) without the
 * repository checks; the same base rules and exit statuses as check.
 */
enum gate_exit gate_check_lint_base(struct gate_cli *cli, struct gate_run *run);

/*
 * lint and check: n > 0 migrations lint.exclude matched (first: the first
 * one's path) become a skipped "lint.exclude" check, so every report says
 * how many were left out.
 */
void gate_lint_excluded_check(struct gate_run *run, const struct gate_policy *pol, size_t n,
                              const char *first);

#endif
