/* SPDX-License-Identifier: MIT */
/*
 * cli.c - the option table, getopt_long parsing, --help generated from
 * the tables.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/help.h"
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
    {"lint", gate_cmd_lint, "[PATH...|-]",
     "classify migration SQL (files, migration directories, - for stdin; default: the "
     "project's migrations; --base REF: those a change adds or edits)",
     GATE_OPT_FAIL_ON | GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA | GATE_OPT_BASE, true, NULL},
    {"rules", gate_cmd_rules, "", "list every rule with its default risk", 0, false, NULL},
    {"explain", gate_cmd_explain, "RULE", "what a rule flags, why, and the safe alternative", 0,
     false, NULL},
    {"init", gate_cmd_init, "", "write a commented default policy (prisma-gate.yml, or -p FILE)",
     GATE_OPT_FORCE, false, NULL},
    {"status", gate_cmd_status, "",
     "local migrations vs the target's _prisma_migrations (-t NAME, else the default target)",
     GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA, true, NULL},
    {"check", gate_cmd_check, "",
     "pre-merge gate: repository checks + lint of the migrations this change adds or edits",
     GATE_OPT_FAIL_ON | GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA | GATE_OPT_BASE, true, NULL},
    {"detect", gate_cmd_detect, "",
     "describe the setup: migrate vs db push, targets, shared database, migrations",
     GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA, true, NULL},
    {"health", gate_cmd_health, "",
     "run the policy's health checks (or --url URL ...): status, JSON values, retries",
     GATE_OPT_HEALTH, true, NULL},
    {"plan", gate_cmd_plan, "",
     "pending migrations for the target: risk, impact, affected tables' live sizes, plan digest",
     GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA | GATE_OPT_CHECKLIST, true, NULL},
    {"approve", gate_cmd_approve, "",
     "a confirmation token for the plan (signed when the policy names deploy.secret_env)",
     GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA | GATE_OPT_PLAN, false, NULL},
    {"deploy", gate_cmd_deploy, "",
     "gate, then `prisma migrate deploy`, verify and health-check; refused: a checklist",
     GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA | GATE_OPT_CONFIRM | GATE_OPT_CHECKLIST, true, NULL},
    {"drift", gate_cmd_drift, "",
     "does the target still hold the schema its migrations make? (replayed into a shadow "
     "database, compared object by object; history drift too)",
     GATE_OPT_MIGRATIONS | GATE_OPT_SCHEMA, true, NULL},
    {"targets", gate_cmd_targets, "",
     "list the policy's targets (names and variable names, never URLs) for a CI matrix", 0, false,
     "github-matrix"},
    {"summary", gate_cmd_summary, "FILE.json...",
     "merge JSON reports (one per target) into one Markdown table", 0, false, NULL},
    {"help", NULL, "[COMMAND]", "one command's synopsis, options, environment and exit statuses",
     GATE_OPT_MAN, false, NULL},
};

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
    OPT_MAN,
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
    {"man", no_argument, NULL, OPT_MAN},
    {NULL, 0, NULL, 0},
};

static void usage(struct gate_buf *out)
{
    gate_help_overview(out, commands, GATE_ARRAY_SIZE(commands));
}

static const struct gate_command *find_command(const char *name)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    }
    return NULL;
}

/* `help [COMMAND]`, `help --man`: printed here, nothing is evaluated. */
static int help(struct gate_cli *cli, struct gate_buf *out)
{
    const struct gate_command *c;

    if (cli->nargs > 1 || (cli->man && cli->nargs)) {
        gate_errorf("usage: prisma-gate help [COMMAND] | help --man");
        return GATE_EXIT_USAGE;
    }
    if (cli->man) {
        gate_help_man(out, commands, GATE_ARRAY_SIZE(commands));
        return -1;
    }
    if (!cli->nargs) {
        usage(out);
        return -1;
    }
    c = find_command(cli->args[0]);
    if (!c) {
        const char *names[GATE_ARRAY_SIZE(commands)];
        const char *s;

        for (size_t i = 0; i < GATE_ARRAY_SIZE(commands); i++)
            names[i] = commands[i].name;
        s = gate_suggest(cli->args[0], names, GATE_ARRAY_SIZE(commands));
        if (s)
            gate_errorf("no help for '%s': not a command (did you mean '%s'?)", cli->args[0], s);
        else
            gate_errorf("no help for '%s': not a command (prisma-gate help lists them)",
                        cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    gate_help_command(out, c);
    return -1;
}

/* Append v to a repeatable option's list (malloc'd, argv-borrowed strings). */
static void push_arg(const char ***list, int *n, const char *v)
{
    *list = gate_xrealloc(*list, ((size_t)*n + 1) * sizeof(**list));
    (*list)[(*n)++] = v;
}

/* One getopt pass; stop_at_command: stop at the first non-option. */
static int parse_opts(struct gate_cli *cli, int argc, char **argv, struct gate_buf *out,
                      unsigned *seen, const struct gate_command *cmd)
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
            cli->github_matrix = false;
            if (!strcmp(optarg, "github-matrix")) {
                /* a format of `targets` only (checked once the command is known) */
                cli->format = GATE_FORMAT_TEXT;
                cli->github_matrix = true;
                cli->format_set = true;
                break;
            }
            if (!gate_format_parse(optarg, &cli->format)) {
                const char *names[GATE_FORMAT_COUNT];
                struct gate_buf list = {0};
                const char *s;

                for (int f = 0; f < GATE_FORMAT_COUNT; f++)
                    names[f] = gate_format_name((enum gate_format)f);
                s = gate_suggest(optarg, names, GATE_FORMAT_COUNT);
                gate_report_format_list(&list, GATE_FORMATS_ALL, ", ", ", ");
                gate_errorf("unknown format '%s' (%s%s%svalid: %s)", optarg,
                            s ? "did you mean '" : "", s ? s : "", s ? "'? " : "",
                            gate_buf_str(&list));
                gate_buf_release(&list);
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
            cli->reports[cli->nreports++] = spec;
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
            /* before the command: the overview; after it: that command's page */
            if (cmd)
                gate_help_command(out, cmd);
            else
                usage(out);
            return -1;
        case OPT_FAIL_ON:
            if (!gate_risk_parse(optarg, &cli->fail_on)) {
                size_t nlevels;
                const char *const *levels = gate_risk_names(&nlevels);
                const char *s = gate_suggest(optarg, levels, nlevels);

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
        case OPT_MAN:
            cli->man = true;
            *seen |= GATE_OPT_MAN;
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
    rc = parse_opts(cli, argc, argv, out, &seen, NULL);
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
        rc = parse_opts(cli, rest_argc, rest, out, &seen, *cmd);
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
                    : (seen & ~(*cmd)->options & GATE_OPT_MAN)       ? "--man"
                                                                     : "an option given",
                    (*cmd)->name);
        return GATE_EXIT_USAGE;
    }
    if (cli->github_matrix &&
        (!(*cmd)->own_format || strcmp((*cmd)->own_format, "github-matrix") != 0)) {
        gate_errorf("--format github-matrix is a format of 'targets' only");
        return GATE_EXIT_USAGE;
    }
    if (!(*cmd)->run)
        return help(cli, out);
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
