/* SPDX-License-Identifier: MIT */
/*
 * cli.c - the option table, getopt_long parsing, --help generated from
 * the tables.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/msg.h"
#include "gate/report_out.h"
#include "gate/suggest.h"
#include "gate/version.h"
#include "gate/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct gate_command commands[] = {
    {"lint", gate_cmd_lint, "[PATH...]",
     "classify migration SQL (files, migration directories; default ./prisma/migrations)",
     GATE_OPT_FAIL_ON, true},
    {"rules", gate_cmd_rules, "", "list every rule with its default risk", 0, false},
    {"explain", gate_cmd_explain, "RULE", "what a rule flags, why, and the safe alternative", 0,
     false},
    {"init", gate_cmd_init, "", "write a commented default policy (prisma-gate.yml, or -p FILE)",
     GATE_OPT_FORCE, false},
    {"status", gate_cmd_status, "",
     "local migrations vs the target's _prisma_migrations (target: DATABASE_URL)",
     GATE_OPT_MIGRATIONS, true},
    {"check", gate_cmd_check, "",
     "pre-merge gate: repository checks + lint of the migrations this change adds or edits",
     GATE_OPT_FAIL_ON | GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA | GATE_OPT_BASE, true},
    {"detect", gate_cmd_detect, "",
     "describe the setup: migrate vs db push, targets, shared database, migrations",
     GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA, true},
    {"health", gate_cmd_health, "",
     "run the policy's health checks (or --url URL ...): status, JSON values, retries",
     GATE_OPT_HEALTH, true},
    {"plan", gate_cmd_plan, "",
     "pending migrations for the target: risk, impact, affected tables' live sizes, plan digest",
     GATE_OPT_MIGRATIONS | GATE_OPT_CHECKLIST, true},
    {"approve", gate_cmd_approve, "",
     "a confirmation token for the plan (signed when the policy names deploy.secret_env)",
     GATE_OPT_MIGRATIONS | GATE_OPT_PLAN, false},
    {"deploy", gate_cmd_deploy, "",
     "gate, then `prisma migrate deploy`, verify and health-check; refused: a checklist",
     GATE_OPT_MIGRATIONS | GATE_OPT_CONFIRM | GATE_OPT_CHECKLIST, true},
};

static const char *const format_names[] = {"text",   "json",   "junit",   "sarif",
                                           "github", "gitlab", "markdown"};

const char *gate_format_name(enum gate_format f)
{
    return (size_t)f < GATE_ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

bool gate_format_parse(const char *s, enum gate_format *out)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(format_names); i++) {
        if (!strcmp(s, format_names[i])) {
            *out = (enum gate_format)i;
            return true;
        }
    }
    return false;
}

enum {
    OPT_REPORT = 256,
    OPT_FORCE = 400,
    OPT_NO_COLOR,
    OPT_VERSION,
    OPT_FAIL_ON,
    OPT_MIGRATIONS,
    OPT_SCHEMA,
    OPT_BASE,
    OPT_URL,
    OPT_EXPECT,
    OPT_EXPECT_STATUS,
    OPT_TIMEOUT,
    OPT_RETRIES,
    OPT_BACKOFF,
    OPT_CONFIRM,
    OPT_PLAN,
    OPT_CHECKLIST,
};

static const struct option long_opts[] = {
    {"policy", required_argument, NULL, 'p'},
    {"target", required_argument, NULL, 't'},
    {"format", required_argument, NULL, 'f'},
    {"report", required_argument, NULL, OPT_REPORT},
    {"force", no_argument, NULL, OPT_FORCE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"migrations", required_argument, NULL, OPT_MIGRATIONS},
    {"schema", required_argument, NULL, OPT_SCHEMA},
    {"base", required_argument, NULL, OPT_BASE},
    {"url", required_argument, NULL, OPT_URL},
    {"expect", required_argument, NULL, OPT_EXPECT},
    {"expect-status", required_argument, NULL, OPT_EXPECT_STATUS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"backoff", required_argument, NULL, OPT_BACKOFF},
    {"confirm", required_argument, NULL, OPT_CONFIRM},
    {"plan", required_argument, NULL, OPT_PLAN},
    {"checklist", required_argument, NULL, OPT_CHECKLIST},
    {NULL, 0, NULL, 0},
};

static void usage(struct gate_buf *out)
{
    gate_buf_adds(out, "usage: prisma-gate [global options] <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < GATE_ARRAY_SIZE(commands); i++) {
        char head[64];

        (void)snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].args);
        gate_buf_printf(out, "  %-18s %s\n", head, commands[i].summary);
    }
    gate_buf_adds(out,
                  "\nglobal options:\n"
                  "  -p, --policy FILE      policy file (default ./prisma-gate.yml)\n"
                  "  -t, --target NAME      target database from the policy\n"
                  "  -C DIR                 run as if started in DIR\n"
                  "  -f, --format FORMAT    text | json | junit | sarif | github | gitlab | "
                  "markdown\n"
                  "                         (stdout carries only this)\n"
                  "      --report FMT=PATH  also write a report file: json, junit, sarif, gitlab,\n"
                  "                         markdown or text (repeatable; atomic; {command} in\n"
                  "                         PATH is the command's name)\n"
                  "      --no-color         no ANSI colour (also NO_COLOR, non-TTY)\n"
                  "  -q, --quiet            errors only on stderr\n"
                  "  -v, --verbose          more detail on stderr\n"
                  "      --version          print the version\n"
                  "  -h, --help             this help\n"
                  "\nlint options:\n"
                  "      --fail-on LEVEL    lowest risk that closes the gate: "
                  "none|low|medium|high|critical (default high)\n"
                  "\ninit options:\n"
                  "      --force            overwrite an existing policy file\n"
                  "\nstatus options:\n"
                  "      --migrations DIR   migrations directory (default ./prisma/migrations)\n"
                  "\ncheck and detect options:\n"
                  "      --schema PATH      Prisma schema file or folder (default: found as "
                  "Prisma finds it)\n"
                  "      --migrations DIR   migrations directory (default: next to the schema)\n"
                  "      --base REF         check: compare with REF (default: "
                  "origin/$GITHUB_BASE_REF,\n"
                  "                         else the merge-base with the default branch)\n"
                  "\nhealth options (ad-hoc checks instead of the policy's):\n"
                  "      --url URL          check this http(s) URL (repeatable)\n"
                  "      --expect-status N  expected HTTP status (default 200)\n"
                  "      --expect PATH=VAL  expected JSON value, e.g. database.connected=true "
                  "(repeatable)\n"
                  "      --timeout DUR      per request (default 5s)\n"
                  "      --retries N        attempts after the first (default 3)\n"
                  "      --backoff DUR      wait before the first retry, doubling (default 2s)\n"
                  "\nplan, approve and deploy options:\n"
                  "      --migrations DIR   migrations directory (default: the policy's "
                  "project.migrations)\n"
                  "      --confirm TOKEN    deploy: the confirmation token (or the policy's "
                  "deploy.token_env)\n"
                  "      --plan FILE        approve: sign the plan in this JSON plan report\n"
                  "      --checklist PATH   plan, deploy: write the Markdown deployment "
                  "checklist\n"
                  "                         (also --report checklist=PATH)\n"
                  "\nexit status: 0 gate open, 1 gate closed, 2 usage error, "
                  "3 could not evaluate,\n"
                  "4 deploy failed, 5 deployed but verification or a health check failed\n");
}

static const struct gate_command *find_command(const char *name)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    }
    return NULL;
}

/* Append v to a repeatable option's list (malloc'd, argv-borrowed strings). */
static void push_arg(const char ***list, int *n, const char *v)
{
    *list = gate_xrealloc(*list, ((size_t)*n + 1) * sizeof(**list));
    (*list)[(*n)++] = v;
}

/* One getopt pass; stop_at_command: stop at the first non-option. */
static int parse_opts(struct gate_cli *cli, int argc, char **argv, struct gate_buf *out,
                      unsigned *seen)
{
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+p:t:C:f:qvh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            cli->policy = optarg;
            break;
        case 't':
            cli->target = optarg;
            break;
        case 'C':
            cli->chdir = optarg;
            break;
        case 'f':
            if (!gate_format_parse(optarg, &cli->format)) {
                const char *s = gate_suggest(optarg, format_names, GATE_ARRAY_SIZE(format_names));

                gate_errorf("unknown format '%s' (%s%s%svalid: text, json, junit, sarif, github, "
                            "gitlab, markdown)",
                            optarg, s ? "did you mean '" : "", s ? s : "", s ? "'? " : "");
                return GATE_EXIT_USAGE;
            }
            cli->format_set = true;
            break;
        case OPT_REPORT: {
            struct gate_report_spec spec;
            struct gate_err err = {0};

            if (!strncmp(optarg, "checklist=", 10) && optarg[10]) {
                /* plan, deploy: the Markdown deployment checklist (= --checklist PATH) */
                cli->checklist = optarg + 10;
                *seen |= GATE_OPT_CHECKLIST;
                break;
            }
            if (gate_report_spec_parse(optarg, &spec, &err)) {
                gate_errorf("%s", err.msg);
                return GATE_EXIT_USAGE;
            }
            cli->reports =
                gate_xrealloc(cli->reports, ((size_t)cli->nreports + 1) * sizeof(*cli->reports));
            cli->reports[cli->nreports++] = optarg;
            break;
        }
        case OPT_FORCE:
            cli->force = true;
            *seen |= GATE_OPT_FORCE;
            break;
        case OPT_NO_COLOR:
            cli->no_color = true;
            break;
        case 'q':
            cli->verbosity = -1;
            break;
        case 'v':
            cli->verbosity = 1;
            break;
        case OPT_VERSION:
            gate_buf_printf(out, "%s %s\n", GATE_NAME, GATE_VERSION);
            return -1;
        case 'h':
            usage(out);
            return -1;
        case OPT_FAIL_ON:
            if (!gate_risk_parse(optarg, &cli->fail_on)) {
                static const char *const levels[] = {"none", "low", "medium", "high", "critical"};
                const char *s = gate_suggest(optarg, levels, GATE_ARRAY_SIZE(levels));

                if (s)
                    gate_errorf("invalid --fail-on '%s' (did you mean '%s'? valid: none, low, "
                                "medium, high, critical)",
                                optarg, s);
                else
                    gate_errorf("invalid --fail-on '%s' (valid: none, low, medium, high, "
                                "critical)",
                                optarg);
                return GATE_EXIT_USAGE;
            }
            cli->fail_on_set = true;
            *seen |= GATE_OPT_FAIL_ON;
            break;
        case OPT_MIGRATIONS:
            cli->migrations = optarg;
            *seen |= GATE_OPT_MIGRATIONS;
            break;
        case OPT_SCHEMA:
            cli->schema = optarg;
            *seen |= GATE_OPT_SCHEMA;
            break;
        case OPT_BASE:
            cli->base = optarg;
            *seen |= GATE_OPT_BASE;
            break;
        case OPT_URL:
            push_arg(&cli->urls, &cli->nurls, optarg);
            *seen |= GATE_OPT_HEALTH;
            break;
        case OPT_EXPECT:
            push_arg(&cli->expects, &cli->nexpects, optarg);
            *seen |= GATE_OPT_HEALTH;
            break;
        case OPT_EXPECT_STATUS:
            cli->expect_status = optarg;
            *seen |= GATE_OPT_HEALTH;
            break;
        case OPT_TIMEOUT:
            cli->timeout = optarg;
            *seen |= GATE_OPT_HEALTH;
            break;
        case OPT_RETRIES:
            cli->retries = optarg;
            *seen |= GATE_OPT_HEALTH;
            break;
        case OPT_BACKOFF:
            cli->backoff = optarg;
            *seen |= GATE_OPT_HEALTH;
            break;
        case OPT_CONFIRM:
            cli->confirm = optarg;
            *seen |= GATE_OPT_CONFIRM;
            break;
        case OPT_PLAN:
            cli->plan_file = optarg;
            *seen |= GATE_OPT_PLAN;
            break;
        case OPT_CHECKLIST:
            cli->checklist = optarg;
            *seen |= GATE_OPT_CHECKLIST;
            break;
        case ':':
            gate_errorf("option '%s' needs a value", argv[optind - 1]);
            return GATE_EXIT_USAGE;
        default:
            if (optopt)
                gate_errorf("unknown option '-%c' (see prisma-gate --help)", optopt);
            else
                gate_errorf("unknown option '%s' (see prisma-gate --help)", argv[optind - 1]);
            return GATE_EXIT_USAGE;
        }
    }
    return GATE_EXIT_OK;
}

int gate_cli_parse(struct gate_cli *cli, int argc, char **argv, struct gate_buf *out,
                   const struct gate_command **cmd)
{
    unsigned seen = 0;
    int rc;
    int rest_argc;
    char **rest;

    *cmd = NULL;
    cli->fail_on = GATE_RISK_HIGH;
    optind = 1;
    rc = parse_opts(cli, argc, argv, out, &seen);
    if (rc)
        return rc;
    if (optind >= argc) {
        usage(out);
        gate_errorf("no command given");
        return GATE_EXIT_USAGE;
    }
    cli->command = argv[optind];
    *cmd = find_command(cli->command);
    if (!*cmd) {
        const char *names[GATE_ARRAY_SIZE(commands)];
        const char *s;

        for (size_t i = 0; i < GATE_ARRAY_SIZE(commands); i++)
            names[i] = commands[i].name;
        s = gate_suggest(cli->command, names, GATE_ARRAY_SIZE(commands));
        if (s)
            gate_errorf("unknown command '%s' (did you mean '%s'?)", cli->command, s);
        else
            gate_errorf("unknown command '%s' (see prisma-gate --help)", cli->command);
        return GATE_EXIT_USAGE;
    }
    /* options after the command, in any order with its arguments */
    rest_argc = argc - optind;
    rest = argv + optind;
    cli->args = gate_xcalloc((size_t)rest_argc + 1, sizeof(char *));
    cli->nargs = 0;
    optind = 1;
    for (;;) {
        rc = parse_opts(cli, rest_argc, rest, out, &seen);
        if (rc)
            return rc;
        if (optind >= rest_argc)
            break;
        if (optind > 1 && !strcmp(rest[optind - 1], "--")) {
            while (optind < rest_argc)
                cli->args[cli->nargs++] = rest[optind++];
            break;
        }
        cli->args[cli->nargs++] = rest[optind++];
    }
    if ((seen & GATE_OPT_FORCE) && !((*cmd)->options & GATE_OPT_FORCE)) {
        gate_errorf("--force is not an option of '%s'", (*cmd)->name);
        return GATE_EXIT_USAGE;
    }
    if (seen & ~(*cmd)->options) {
        gate_errorf("%s is not an option of '%s'",
                    (seen & ~(*cmd)->options & GATE_OPT_FAIL_ON)      ? "--fail-on"
                    : (seen & ~(*cmd)->options & GATE_OPT_MIGRATIONS) ? "--migrations"
                    : (seen & ~(*cmd)->options & GATE_OPT_SCHEMA)     ? "--schema"
                    : (seen & ~(*cmd)->options & GATE_OPT_BASE)       ? "--base"
                    : (seen & ~(*cmd)->options & GATE_OPT_HEALTH)
                        ? "--url/--expect/--expect-status/--timeout/--retries/--backoff"
                    : (seen & ~(*cmd)->options & GATE_OPT_CONFIRM)   ? "--confirm"
                    : (seen & ~(*cmd)->options & GATE_OPT_PLAN)      ? "--plan"
                    : (seen & ~(*cmd)->options & GATE_OPT_CHECKLIST) ? "--checklist"
                                                                     : "an option given",
                    (*cmd)->name);
        return GATE_EXIT_USAGE;
    }
    return GATE_EXIT_OK;
}

void gate_cli_release(struct gate_cli *cli)
{
    free(cli->args);
    cli->args = NULL;
    free(cli->reports);
    cli->reports = NULL;
    cli->nreports = 0;
    free(cli->urls);
    cli->urls = NULL;
    cli->nurls = 0;
    free(cli->expects);
    cli->expects = NULL;
    cli->nexpects = 0;
    cli->nargs = 0;
}
