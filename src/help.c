/* SPDX-License-Identifier: MIT */
/*
 * help.c - the command-line reference (help.h): what every command does,
 * its options with their defaults, the environment it reads and its exit
 * statuses, as data; rendered as text (`--help`, `help COMMAND`) and as
 * the man page (`help --man`).
 */
#include "gate/compat.h"
#include "gate/help.h"
#include "gate/cli.h"
#include "gate/version.h"

#include <string.h>

/* ------------------------------------------------------------ data */

/*
 * An option; bit 0 is a global option listed for every command. RUN_ONLY
 * and RUN_NONE are global options listed only for the commands that write a
 * run (--report, every --format) or only for those that do not (the formats
 * they print); the overview and the man page list 0 and RUN_ONLY.
 */
struct opt_doc {
    unsigned bit;     /* enum gate_cli_opt that admits it, 0: global */
    const char *only; /* NULL, or the commands this wording is for ("plan approve") */
    const char *flags;
    const char *text;
};

#define RUN_ONLY  (1u << 30)
#define RUN_NONE  (1u << 31)
#define GLOBAL(o) (!(o)->bit || ((o)->bit & (RUN_ONLY | RUN_NONE)))

static const struct opt_doc opts[] = {
    {0, NULL, "-p, --policy FILE",
     "policy file (default ./prisma-gate.yml; built-in defaults "
     "when it does not exist)"},
    {0, NULL, "-t, --target NAME", "target database from the policy (default: default_target)"},
    {0, NULL, "-C DIR", "run as if started in DIR"},
    {RUN_ONLY, NULL, "-f, --format FORMAT", "@FORMATS@ (stdout carries only this)"},
    {RUN_NONE, NULL, "-f, --format FORMAT", "@RUNFREE_FORMATS@ (stdout carries only this)"},
    {RUN_ONLY, NULL, "--report FMT=PATH",
     "also write a report file: @FILE_FORMATS@ (repeatable; "
     "written atomically; {command} in PATH is the command's name)"},
    {0, NULL, "--no-color", "no ANSI colour (also NO_COLOR, or stdout not a terminal)"},
    {0, NULL, "-q, --quiet",
     "errors only on stderr; deploy stops streaming Prisma's output (its report keeps it)"},
    {0, NULL, "-v, --verbose",
     "more detail: on stderr, and in the text report info findings and every finding's help"},
    {0, NULL, "--version", "print the version"},
    {0, NULL, "-h, --help", "this help (after a command: that command's help)"},

    {GATE_OPT_FAIL_ON, NULL, "--fail-on LEVEL",
     "lowest risk that closes the gate: none, low, medium, high or critical (default: the "
     "policy's lint.fail_on, else high)"},
    {GATE_OPT_FORCE, NULL, "--force", "overwrite an existing policy file"},
    {GATE_OPT_SCHEMA, NULL, "--schema PATH",
     "Prisma schema file or folder (default: the policy's project.schema, else found as Prisma "
     "finds it: prisma.config.ts, package.json's prisma.schema, schema.prisma, "
     "prisma/schema.prisma, prisma/schema/)"},
    {GATE_OPT_MIGRATIONS, "check detect", "--migrations DIR",
     "migrations directory (default: the policy's project.migrations, else migrations next to "
     "the schema's datasource, Prisma's rule)"},
    {GATE_OPT_MIGRATIONS, "lint status plan approve deploy drift", "--migrations DIR",
     "migrations directory (default: the policy's project.migrations, else migrations next to "
     "the schema's datasource, Prisma's rule; ./prisma/migrations when no schema is found)"},
    {GATE_OPT_BASE, "check", "--base REF",
     "compare with REF (default: origin/$GITHUB_BASE_REF in a pull request, else the "
     "merge-base with the default branch)"},
    {GATE_OPT_BASE, "lint", "--base REF",
     "lint only the migrations the change from REF adds or edits, with the base's history "
     "replayed, as check does (without the repository checks; no PATH)"},
    {GATE_OPT_HEALTH, NULL, "--url URL",
     "check this http(s) URL instead of the policy's "
     "health list (repeatable)"},
    {GATE_OPT_HEALTH, NULL, "--expect-status N", "expected HTTP status (default 200)"},
    {GATE_OPT_HEALTH, NULL, "--expect PATH=VALUE",
     "expected JSON value, e.g. database.connected=true (repeatable)"},
    {GATE_OPT_HEALTH, NULL, "--timeout DURATION", "per request (default 5s)"},
    {GATE_OPT_HEALTH, NULL, "--retries N", "attempts after the first (default 3)"},
    {GATE_OPT_HEALTH, NULL, "--backoff DURATION",
     "wait before the first retry, doubling each time (default 2s)"},
    {GATE_OPT_CONFIRM, NULL, "--confirm TOKEN",
     "the confirmation token (default: the variable the policy's deploy.token_env names, "
     "PRISMA_GATE_CONFIRM)"},
    {GATE_OPT_PLAN, NULL, "--plan FILE",
     "sign the plan in this JSON plan report instead of "
     "computing it"},
    {GATE_OPT_CHECKLIST, NULL, "--checklist PATH",
     "write the Markdown deployment checklist (also --report checklist=PATH)"},
    {GATE_OPT_MAN, NULL, "--man", "print the man page (roff) instead"},
};

/* Environment variables; cmds NULL: every command. */
struct env_doc {
    const char *cmds; /* the commands that read it, space-separated */
    const char *name;
    const char *text;
};

#define DB_CMDS "status plan approve deploy detect drift"

static const struct env_doc envs[] = {
    {DB_CMDS, "DATABASE_URL",
     "the database, unless the target names another variable (targets.NAME.url_env); never "
     "printed with its password"},
    {"deploy", "the schema's url / directUrl variables",
     "deploy gives Prisma an environment in which every URL it may use points at the checked "
     "database (targets.NAME.direct_url_env names the direct URL)"},
    {"deploy", "PRISMA_GATE_CONFIRM", "the confirmation token (the policy's deploy.token_env)"},
    {"approve deploy", "PRISMA_GATE_SECRET",
     "the secret that signs and checks tokens, when the policy names deploy.secret_env"},
    {"drift", "the target's shadow_url_env",
     "the shadow database the migrations are replayed into (or the policy's drift.shadow: "
     "create, a temporary database on the target's server); never the target itself, and "
     "empty"},
    {"check", "GITHUB_BASE_REF", "in a pull request: the base branch check compares with"},
    {"check", "the target's shadow_url_env (e.g. SHADOW_DATABASE_URL)",
     "an empty scratch database: the change's new migrations are test-applied on it after the "
     "base's (drift.shadow: create makes a temporary one instead)"},
    {"check", "DATABASE_URL",
     "with a shadow: the target (its url_env), compared with the shadow so that it is never "
     "used as one; drift.shadow: create makes the temporary shadow on its server"},
    {"check", "GITHUB_REF",
     "refs/pull/N/merge: HEAD is GitHub's test-merge commit, whose first parent is the base "
     "when origin/$GITHUB_BASE_REF is not fetched or has moved on"},
    {NULL, "GITHUB_ACTIONS",
     "true: also write annotations, $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT, and mask secrets"},
    {NULL, "GITLAB_CI", "true: paths in reports are relative to $CI_PROJECT_DIR"},
    {NULL, "NO_COLOR", "set: no colour (FORCE_COLOR or CLICOLOR_FORCE force it)"},
    {NULL, "COLUMNS",
     "a number: the width the text report is wrapped to on a terminal (else the terminal's; "
     "not a terminal: never wrapped)"},
};

/* Per command: what it does and what its exit statuses mean. */
struct cmd_doc {
    const char *name;
    const char *text;
    const char *exits[6]; /* meaning of 0..5, NULL: not used */
};

#define EXIT_USAGE "usage or policy error: nothing was evaluated"

static const struct cmd_doc cmd_docs[] = {
    {"lint",
     "Parse migration SQL with PostgreSQL's own parser and rate every statement the way "
     "Prisma runs the file (one implicit transaction; BEGIN/COMMIT split it). PATH is a "
     "migration.sql, a migration folder or a migrations folder (its history is replayed so "
     "later migrations know the tables earlier ones made), or - for SQL on standard input "
     "(named <stdin> in reports); no PATH lints the project's migrations folder. Needs no "
     "database.",
     {"no finding at or above --fail-on", "a finding at or above --fail-on, or a syntax error",
      EXIT_USAGE, "a file could not be read", NULL, NULL}},
    {"rules",
     "List every rule with its default risk, category and what it flags.",
     {"listed", NULL, EXIT_USAGE, NULL, NULL, NULL}},
    {"explain",
     "Explain one rule: what it flags, why it matters under Prisma, the safe alternative "
     "and examples.",
     {"explained", NULL, "unknown rule or usage error", NULL, NULL, NULL}},
    {"init",
     "Write a commented policy file (prisma-gate.yml, or -p FILE) with the schema and "
     "migrations paths detect finds.",
     {"written", NULL, "the file exists (use --force) or usage error", "it could not be written",
      NULL, NULL}},
    {"status",
     "Compare the migrations on disk with the target's _prisma_migrations table, as Prisma "
     "does, and report what Prisma does not: edited, failed, rolled-back, missing-locally and "
     "out-of-order migrations.",
     {"up to date", "pending, failed, edited or otherwise not clean", EXIT_USAGE,
      "the database or a file is unavailable", NULL, NULL}},
    {"check",
     "The pre-merge gate: the repository checks of the policy (uncommitted schema, untracked "
     "or edited migrations, committed secrets ...) and a lint of the migrations this change "
     "adds or edits, measured against --base; with a shadow database, the new migrations are "
     "test-applied after the base's.",
     {"gate open", "a check failed or a finding is at or above --fail-on", EXIT_USAGE,
      "git, a file or the shadow database is unavailable, or there is nothing to compare with",
      NULL, NULL}},
    {"detect",
     "Describe the setup: migrate or db push, the schema and migrations paths and where they "
     "came from, the targets, a database shared between targets, the last migration.",
     {"described (warnings included)", NULL, EXIT_USAGE, "no schema found or a file unavailable",
      NULL, NULL}},
    {"health",
     "Run the policy's health checks (or --url ...): HTTP status, JSON values, retries with "
     "backoff; http and https only.",
     {"every check passed", "a check failed", EXIT_USAGE, "libcurl unavailable", NULL, NULL}},
    {"plan",
     "The target's pending migrations, each rated against what the target holds, with the "
     "affected tables' live sizes, the policy's decision (automatic, needs a confirmation "
     "token, blocked or refused) and the plan digest a token is bound to.",
     {"nothing pending or an automatic deploy", "needs a token, blocked or refused", EXIT_USAGE,
      "the database or a file is unavailable", NULL, NULL}},
    {"approve",
     "Print a confirmation token for the plan: signed (pgt1....) when the policy names "
     "deploy.secret_env, else the plan digest's first hex digits.",
     {"token printed", "the plan is blocked or refused", EXIT_USAGE,
      "the database, the secret or a file is unavailable", NULL, NULL}},
    {"deploy",
     "Under a gate-wide lock: recompute the plan, check the policy and the token, run "
     "`prisma migrate deploy` with the schema and database the gate checked, verify that "
     "exactly the planned migrations were applied with the planned checksums, then run the "
     "health checks. Refused: the deploy-later steps and, with --checklist, the deployment "
     "checklist.",
     {"deployed and verified, or nothing pending", "refused: policy, token or plan", EXIT_USAGE,
      "could not evaluate: nothing was changed",
      "prisma migrate deploy failed: the database needs attention",
      "deployed, but verification, a health check or a report write failed"}},
    {"drift",
     "Replay the target's applied migrations into an empty shadow database as Prisma does, "
     "introspect both through pg_catalog (tables, columns, constraints, indexes, enums, "
     "sequences, views, functions, triggers, extensions, row-level security) and report each "
     "object that differs: in database only, in migrations only, or changed (before -> "
     "after), with the SQL or the Prisma steps that repair it; plus history drift (edited, "
     "missing locally, failed, rolled back). Pending migrations are listed, not drift. The "
     "drift digest changes only when the drift does.",
     {"no drift", "drift, or an applied migration that does not replay", EXIT_USAGE,
      "could not evaluate: the target or the shadow unavailable, no shadow configured, replay "
      "stopped or timed out",
      NULL, NULL}},
    {"targets",
     "List the policy's targets for a CI fan-out (one job per database): each target's name and "
     "the names of the variables that hold its URLs, never a URL. --format text (a table), json "
     "(every field), markdown (a table for a step summary) or github-matrix (one line for a "
     "workflow's strategy.matrix: fromJSON). Without targets in the policy: the built-in target "
     "(DATABASE_URL).",
     {"listed", NULL, EXIT_USAGE, NULL, NULL, NULL}},
    {"summary",
     "Merge JSON reports (--report json=PATH of several jobs, e.g. one per target) into one "
     "Markdown table: target, command, verdict, max risk, exit code. For a fan-in job's step "
     "summary or pull-request comment; --format json gives the rows as JSON.",
     {"every file was read (whatever the verdicts)", NULL, EXIT_USAGE,
      "a file is unreadable or not a prisma-gate JSON report", NULL, NULL}},
    {"help",
     "Show the help of one command, or with --man the man page of all of them.",
     {"shown", NULL, "unknown command", NULL, NULL, NULL}},
};

static const char *const exit_all[6] = {
    "gate open: nothing at or above the threshold; deployed and verified",
    "gate closed: blocking findings, policy refusal, token missing or invalid, status not "
    "clean",
    EXIT_USAGE,
    "could not evaluate (database, git, HTTP, file or Prisma CLI unavailable): nothing was "
    "changed",
    "the deploy started and failed: the database needs attention",
    "deployed, but verification, a health check or a report write failed",
};

/* ------------------------------------------------------------ helpers */

static bool word_in(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);

        if (len == n && !strncmp(p, word, n))
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

static const struct cmd_doc *doc_of(const char *name)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(cmd_docs); i++) {
        if (!strcmp(cmd_docs[i].name, name))
            return &cmd_docs[i];
    }
    return NULL;
}

static bool opt_applies(const struct opt_doc *o, const struct gate_command *cmd)
{
    return !GLOBAL(o) && (cmd->options & o->bit) && (!o->only || word_in(o->only, cmd->name));
}

/* Append text word-wrapped to width, every line after the first indented by indent. */
/*
 * An option's text with the format lists filled in from the format table
 * (report_format.h): @FORMATS@ (every --format, "a | b"), @FILE_FORMATS@
 * (the report files, "a, b or c"). Into b (reset first); returns its text.
 */
static const char *opt_text(const struct opt_doc *o, const struct gate_command *cmd,
                            struct gate_buf *b)
{
    static const struct {
        const char *mark;
        enum gate_format_set set;
        const char *sep, *last;
    } marks[] = {{"@FORMATS@", GATE_FORMATS_ALL, " | ", " | "},
                 {"@RUNFREE_FORMATS@", GATE_FORMATS_WITHOUT_RUN, " | ", " | "},
                 {"@FILE_FORMATS@", GATE_FORMATS_FILES, ", ", " or "}};
    const char *s = o->text;

    gate_buf_reset(b);
    while (*s) {
        size_t i;

        for (i = 0; i < GATE_ARRAY_SIZE(marks); i++) {
            if (!strncmp(s, marks[i].mark, strlen(marks[i].mark)))
                break;
        }
        if (i < GATE_ARRAY_SIZE(marks)) {
            gate_report_format_list(b, marks[i].set, marks[i].sep, marks[i].last);
            if (marks[i].set == GATE_FORMATS_WITHOUT_RUN && cmd && cmd->own_format)
                gate_buf_printf(b, "%s%s", marks[i].last, cmd->own_format);
            s += strlen(marks[i].mark);
        } else {
            gate_buf_addc(b, *s++);
        }
    }
    return gate_buf_str(b);
}

static void wrap(struct gate_buf *out, const char *text, size_t col, size_t indent, size_t width)
{
    const char *p = text;

    while (*p) {
        const char *e = p;
        size_t len;

        while (*e && *e != ' ')
            e++;
        len = (size_t)(e - p);
        if (col > indent && col + 1 + len > width) {
            gate_buf_addc(out, '\n');
            for (size_t i = 0; i < indent; i++)
                gate_buf_addc(out, ' ');
            col = indent;
        } else if (col > indent) {
            gate_buf_addc(out, ' ');
            col++;
        }
        gate_buf_add(out, p, len);
        col += len;
        p = e;
        while (*p == ' ')
            p++;
    }
    gate_buf_addc(out, '\n');
}

#define WIDTH   79
#define OPT_COL 27

static void opt_line(struct gate_buf *out, const struct opt_doc *o, const struct gate_command *cmd)
{
    /* short options sit in column 2, long-only ones under the long names */
    bool long_only = o->flags[1] == '-';
    size_t col = long_only ? 6 : 2;

    gate_buf_adds(out, long_only ? "      " : "  ");
    gate_buf_adds(out, o->flags);
    col += strlen(o->flags);
    if (col + 2 > OPT_COL) {
        gate_buf_addc(out, '\n');
        col = 0;
    }
    while (col < OPT_COL) {
        gate_buf_addc(out, ' ');
        col++;
    }
    {
        struct gate_buf b = {0};

        wrap(out, opt_text(o, cmd, &b), OPT_COL, OPT_COL, WIDTH);
        gate_buf_release(&b);
    }
}

/* Is o a global option listed for cmd (NULL: the overview and the man page)? */
static bool global_applies(const struct opt_doc *o, const struct gate_command *cmd)
{
    if (!GLOBAL(o))
        return false;
    if (!o->bit)
        return true;
    if (!cmd)
        return o->bit == RUN_ONLY;
    return cmd->writes_run == (o->bit == RUN_ONLY);
}

static void global_opts(struct gate_buf *out, const struct gate_command *cmd)
{
    gate_buf_adds(out, "\nglobal options:\n");
    for (size_t i = 0; i < GATE_ARRAY_SIZE(opts); i++) {
        if (global_applies(&opts[i], cmd))
            opt_line(out, &opts[i], cmd);
    }
}

/* ------------------------------------------------------------ text */

void gate_help_overview(struct gate_buf *out, const struct gate_command *cmds, size_t ncmds)
{
    gate_buf_adds(out, "usage: prisma-gate [global options] <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < ncmds; i++) {
        char head[64];

        (void)snprintf(head, sizeof(head), "%s %s", cmds[i].name, cmds[i].args);
        gate_buf_printf(out, "  %-18s ", head);
        wrap(out, cmds[i].summary, 21, 21, WIDTH);
    }
    global_opts(out, NULL);
    gate_buf_adds(out, "\nexit status:\n");
    for (int i = 0; i < 6; i++) {
        gate_buf_printf(out, "  %d  ", i);
        wrap(out, exit_all[i], 5, 5, WIDTH);
    }
    gate_buf_adds(out, "\nprisma-gate help COMMAND (or COMMAND --help) shows one command's "
                       "options,\nenvironment and exit statuses; man prisma-gate has them all.\n");
}

void gate_help_command(struct gate_buf *out, const struct gate_command *cmd)
{
    const struct cmd_doc *d = doc_of(cmd->name);
    bool any = false;

    gate_buf_printf(out, "usage: prisma-gate [global options] %s%s%s%s\n\n", cmd->name,
                    cmd->options ? " [options]" : "", *cmd->args ? " " : "", cmd->args);
    wrap(out, d ? d->text : cmd->summary, 0, 0, WIDTH);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(opts); i++) {
        if (!opt_applies(&opts[i], cmd))
            continue;
        if (!any)
            gate_buf_printf(out, "\n%s options:\n", cmd->name);
        any = true;
        opt_line(out, &opts[i], cmd);
    }
    global_opts(out, cmd);
    any = false;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(envs); i++) {
        if (envs[i].cmds && !word_in(envs[i].cmds, cmd->name))
            continue;
        if (!any)
            gate_buf_adds(out, "\nenvironment:\n");
        any = true;
        gate_buf_printf(out, "  %s\n      ", envs[i].name);
        wrap(out, envs[i].text, 6, 6, WIDTH);
    }
    gate_buf_adds(out, "\nexit status:\n");
    for (int i = 0; i < 6; i++) {
        const char *m = d ? d->exits[i] : exit_all[i];

        if (!m)
            continue;
        gate_buf_printf(out, "  %d  ", i);
        wrap(out, m, 5, 5, WIDTH);
    }
}

/* ------------------------------------------------------------ man */

/* Text for roff: backslashes and hyphens escaped, no line starting with . or '. */
static void roff(struct gate_buf *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        gate_buf_adds(out, "\\&");
    for (; *s; s++) {
        if (*s == '\\')
            gate_buf_adds(out, "\\e");
        else if (*s == '-')
            gate_buf_adds(out, "\\-");
        else if (*s == '\n')
            gate_buf_adds(out, "\n.br\n");
        else
            gate_buf_addc(out, *s);
    }
}

static void man_opt(struct gate_buf *out, const struct opt_doc *o)
{
    gate_buf_adds(out, ".TP\n.B ");
    roff(out, o->flags);
    gate_buf_addc(out, '\n');
    {
        struct gate_buf b = {0};

        roff(out, opt_text(o, NULL, &b));
        gate_buf_release(&b);
    }
    gate_buf_addc(out, '\n');
}

void gate_help_man(struct gate_buf *out, const struct gate_command *cmds, size_t ncmds)
{
    gate_buf_printf(out, ".TH PRISMA\\-GATE 1 \"\" \"prisma\\-gate %s\" \"User Commands\"\n",
                    GATE_VERSION);
    gate_buf_adds(out, ".SH NAME\nprisma\\-gate \\- guard Prisma migrations on their way to "
                       "PostgreSQL\n.SH SYNOPSIS\n.B prisma\\-gate\n[\\fIglobal options\\fR] "
                       "\\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]\n");
    gate_buf_adds(out, ".SH DESCRIPTION\n");
    roff(out, "prisma-gate reads a YAML policy (prisma-gate.yml), checks the repository and the "
              "database, rates the risk of every migration by parsing its SQL with PostgreSQL's "
              "own parser, writes reports CI systems read (JSON, JUnit, SARIF, GitLab Code "
              "Quality, GitHub annotations and step summary, Markdown), deploys with prisma "
              "migrate deploy only when the policy and a confirmation token allow it, and then "
              "health-checks the application. It never prompts.");
    gate_buf_adds(out, "\n.PP\nstdout carries only the requested format; diagnostics go to "
                       "stderr.\n.SH COMMANDS\n");
    for (size_t i = 0; i < ncmds; i++) {
        const struct cmd_doc *d = doc_of(cmds[i].name);

        gate_buf_adds(out, ".SS ");
        roff(out, cmds[i].name);
        if (*cmds[i].args) {
            gate_buf_addc(out, ' ');
            roff(out, cmds[i].args);
        }
        gate_buf_addc(out, '\n');
        roff(out, d ? d->text : cmds[i].summary);
        gate_buf_addc(out, '\n');
        for (size_t k = 0; k < GATE_ARRAY_SIZE(opts); k++) {
            if (opt_applies(&opts[k], &cmds[i]))
                man_opt(out, &opts[k]);
        }
        if (d) {
            gate_buf_adds(out, ".PP\nExit status:\n");
            for (int k = 0; k < 6; k++) {
                if (!d->exits[k])
                    continue;
                gate_buf_printf(out, ".br\n%d: ", k);
                roff(out, d->exits[k]);
                gate_buf_addc(out, '\n');
            }
        }
    }
    gate_buf_adds(out, ".SH GLOBAL OPTIONS\n");
    for (size_t i = 0; i < GATE_ARRAY_SIZE(opts); i++) {
        if (global_applies(&opts[i], NULL))
            man_opt(out, &opts[i]);
    }
    gate_buf_adds(out, ".SH ENVIRONMENT\n");
    for (size_t i = 0; i < GATE_ARRAY_SIZE(envs); i++) {
        gate_buf_adds(out, ".TP\n.B ");
        roff(out, envs[i].name);
        gate_buf_addc(out, '\n');
        roff(out, envs[i].text);
        if (envs[i].cmds) {
            gate_buf_adds(out, " (");
            roff(out, envs[i].cmds);
            gate_buf_addc(out, ')');
        }
        gate_buf_addc(out, '\n');
    }
    gate_buf_adds(out, ".SH EXIT STATUS\n");
    for (int i = 0; i < 6; i++) {
        gate_buf_printf(out, ".TP\n.B %d\n", i);
        roff(out, exit_all[i]);
        gate_buf_addc(out, '\n');
    }
    gate_buf_adds(out, ".SH FILES\n.TP\n.B prisma\\-gate.yml\nthe policy; its reference is "
                       "policy.md in the documentation directory\n.SH SEE ALSO\n");
    roff(out, "The rules reference (rules.md), the policy reference (policy.md) and the JSON "
              "report schema (report.schema.json), installed with the documentation; "
              "prisma-gate explain RULE.");
    gate_buf_addc(out, '\n');
}
