/* SPDX-License-Identifier: MIT */
/*
 * policy.h - the policy file (prisma-gate.yml): every decision the tool
 * makes without asking. src/policy/policy.c validates the positioned
 * YAML tree of yaml.h (the libyaml wrapper); src/policy/template.c holds
 * the file `init` writes.
 *
 * Loading is strict: an unknown key (with a "did you mean"), a wrong
 * type, a bad value, a duplicate key, an alias, a tab in the indentation
 * or a literal secret is an error at file:line:column, and nothing is
 * evaluated (exit 2). No file means the built-in defaults below, which
 * docs/policy.md lists key by key.
 *
 * How commands read it (main.c loads it once, before the command runs,
 * into the run arena, and hands it over as cli->pol; command-line flags
 * are already merged where the flag exists, e.g. --fail-on):
 *
 *   target:  const struct gate_policy_target *t;
 *            struct gate_err err = {0};
 *            t = gate_policy_target(cli->pol, cli->target, &err);
 *            if (!t) { gate_errorf("%s", err.msg); return GATE_EXIT_USAGE; }
 *            const char *url = getenv(t->url_env);     - never from the file
 *            t->shadow_url_env may be NULL; t->require_tls; t->name is
 *            NULL for the built-in target (no targets: in the policy).
 *   checks:  switch (gate_policy_check(cli->pol, "edited-migrations")) {
 *            case GATE_CHECK_OFF: skip it; WARNING: report, gate stays
 *            open; ERROR: report, gate closes }
 *            The policy's check ids and their default levels are the
 *            check registry's (gate_check_registry, checks.h): a check
 *            added there is a policy key at once.
 *   lint:    cli->pol->lint.rules/.nrules feed struct gate_lint_opts.
 *   deploy, health, risk, project: plain fields below.
 */
#ifndef GATE_POLICY_H
#define GATE_POLICY_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/lint.h"
#include "gate/report_format.h"
#include "gate/run.h"

/* Largest policy file read (a cap, not OOM). */
#define GATE_POLICY_MAX_BYTES ((size_t)1024 * 1024)

/* The file looked for in the working directory when -p is not given. */
#define GATE_POLICY_FILE "prisma-gate.yml"

/* A database the policy names. Only environment variable NAMES: never a URL. */
struct gate_policy_target {
    const char *name;           /* NULL for the built-in target */
    const char *url_env;        /* default DATABASE_URL */
    const char *shadow_url_env; /* NULL: none named */
    const char *direct_url_env; /* what the schema's directUrl gets at deploy; NULL: none */
    bool require_tls;           /* refuse a connection without TLS (default false) */
    int line;                   /* where the policy defines it, 0 for the built-in */
};

/* drift.shadow: where the shadow database comes from (shadow.h). */
enum gate_drift_shadow {
    GATE_DRIFT_SHADOW_URL = 0, /* the target's shadow_url_env */
    GATE_DRIFT_SHADOW_CREATE,  /* a temporary database on the target's server */
};

/* Largest drift.cache. */
#define GATE_DRIFT_CACHE_MAX 100

enum gate_check_level {
    GATE_CHECK_OFF = 0,
    GATE_CHECK_WARNING,
    GATE_CHECK_ERROR,
};

enum gate_expect_kind {
    GATE_EXPECT_STRING = 0,
    GATE_EXPECT_NUMBER,
    GATE_EXPECT_BOOL,
    GATE_EXPECT_NULL,
};

/* One expected JSON field of a health response: {status: healthy} -> path "status". */
struct gate_health_expect {
    const char *path; /* dotted: {db: {ok: true}} gives "db.ok" */
    enum gate_expect_kind kind;
    const char *value; /* the text as written: "healthy", "200", "true", "null" */
};

struct gate_health_check {
    const char *name;
    const char *url; /* http:// or https://, no credentials */
    int expect_status;
    struct gate_health_expect *expect;
    size_t nexpect;
    long long timeout_ms;
    int retries; /* attempts after the first */
    long long backoff_ms;
};

/* Report files the policy asks for (NULL: not written); "{command}" in a path is replaced. */
struct gate_policy_reports {
    const char *path[GATE_FORMAT_COUNT]; /* reports.FORMAT of each file format (report_format.h) */
    bool github; /* annotations, step summary, outputs under GITHUB_ACTIONS=true (default) */
};

/* An error of a failed load. */
struct gate_policy_diag {
    int line;   /* 1-based; 0 when about the file as a whole */
    int column; /* 1-based, in characters */
    const char *message;
    const char *source; /* the source line, without its newline; NULL */
};

struct gate_policy {
    const char *path; /* the file loaded; NULL for the built-in defaults */
    int version;      /* 1 */

    struct {
        const char *schema;     /* prisma/schema.prisma */
        const char *migrations; /* prisma/migrations */
        const char **prisma;    /* argv prefix of the Prisma CLI: {"npx", "prisma"} */
        size_t nprisma;
        const char *config;    /* project.config: the Prisma config file; NULL: none named */
        bool schema_given;     /* the file sets schema (else: find it as Prisma does) */
        bool migrations_given; /* the file sets migrations */
        struct gate_policy_diag schema_at;     /* where the file sets schema (message NULL) */
        struct gate_policy_diag migrations_at; /* where the file sets migrations */
    } project;

    struct gate_policy_target *targets; /* in file order */
    size_t ntargets;
    const char *default_target; /* NULL: the only target, or -t is needed */

    struct {
        enum gate_risk fail_on;          /* high */
        bool hygiene_on_generated;       /* false */
        struct gate_rule_setting *rules; /* lint.rules, file order */
        size_t nrules;
        const char **exclude; /* lint.exclude: fnmatch(FNM_PATHNAME) globs, file order */
        size_t nexclude;
    } lint;

    struct {
        long long large_table_rows; /* 1000000 */
    } risk;

    struct {
        int version; /* postgres.version: major version targeted (GATE_PG_VERSION_DEFAULT) */
    } postgres;

    /* per entry of gate_check_registry (checks.h), in its order; NULL: their defaults */
    const enum gate_check_level *check_levels;

    struct {
        enum gate_risk auto_max_risk;    /* medium: deploy without a token up to this */
        enum gate_risk confirm_max_risk; /* high: with a valid token up to this; above: blocked */
        const char *token_env;           /* PRISMA_GATE_CONFIRM */
        const char *secret_env;          /* NULL: plain tokens accepted */
        long long token_max_age_ms;      /* 24h */
        long long timeout_ms;            /* 10m */
        bool honor_suppressions; /* false: suppressed findings count toward the deploy decision */
    } deploy;

    struct {
        enum gate_drift_shadow shadow; /* url: the target's shadow_url_env (default) */
        bool reset_shadow;             /* false: a non-empty shadow is refused */
        int cache;                     /* replayed templates kept; 0 (default): no cache */
        long long timeout_ms;          /* 10m: bounds a replay (drift, check's test apply) */
    } drift;

    struct gate_health_check *health;
    size_t nhealth;

    struct gate_policy_reports reports;

    struct gate_policy_diag *diags; /* errors of a failed load */
    size_t ndiags;
};

/* The built-in defaults (no policy file). Static strings; nothing to free. */
void gate_policy_defaults(struct gate_policy *p);

/*
 * Parse a policy from text[0..len) named name (for messages) into p; the
 * result lives in arena. On failure returns GATE_E_POLICY (or
 * GATE_E_LIMIT), err holds the first error as "name:line:col: message"
 * and p->diags every error (at most 20). p holds defaults where the file
 * was not read.
 */
enum gate_code gate_policy_parse(struct gate_policy *p, const char *name, const char *text,
                                 size_t len, struct gate_arena *arena, struct gate_err *err);

/*
 * Load path, or when path is NULL look for ./prisma-gate.yml (then
 * ./prisma-gate.yaml): none found gives the defaults and GATE_OK. A path
 * given that cannot be read is GATE_E_POLICY too.
 */
enum gate_code gate_policy_load(struct gate_policy *p, const char *path, struct gate_arena *arena,
                                struct gate_err *err);

/*
 * For a command that reads the project: the paths the file sets
 * (project.schema when check_schema, project.migrations when
 * check_migrations - false where a flag overrides the key) must exist,
 * relative to the working directory (the project root). A missing path
 * would let a gate compare nothing, so it is an error at the key's
 * file:line:column: GATE_E_POLICY, err and p->diags as for a failed
 * load. Paths the file does not set are not checked (they are found as
 * Prisma finds them).
 */
enum gate_code gate_policy_check_paths(struct gate_policy *p, bool check_schema,
                                       bool check_migrations, struct gate_arena *arena,
                                       struct gate_err *err);

/*
 * The target to use: name (from -t), else default_target, else the only
 * target; with no targets in the policy, the built-in one (DATABASE_URL).
 * NULL with err set (GATE_E_USAGE, with a "did you mean") when name is
 * unknown or the policy has several targets and none is chosen.
 */
const struct gate_policy_target *gate_policy_target(const struct gate_policy *p, const char *name,
                                                    struct gate_err *err);

/*
 * The level of check id ("edited-migrations"): the policy's, else the
 * check's default in the registry; GATE_BUG on an id not in the registry.
 */
enum gate_check_level gate_policy_check(const struct gate_policy *p, const char *id);
/*
 * The lint.exclude pattern that matches path (a migration folder or SQL
 * file), or NULL. path is taken relative to the working directory (the
 * project root, -C DIR): a leading "./" is dropped, an absolute path under
 * the working directory made relative. Patterns match with fnmatch and
 * FNM_PATHNAME (a * never crosses a /); a folder also matches a pattern
 * written for its migration.sql, and a migration.sql its folder's pattern.
 */
const char *gate_policy_excluded(const struct gate_policy *p, const char *path);

/*
 * The policy's project.prisma as one shell line for suggested commands
 * ("npx prisma" for the defaults or a NULL policy); malloc'd.
 */
char *gate_policy_prisma_cmd(const struct gate_policy *p);

const char *gate_check_level_name(enum gate_check_level l);

/*
 * The errors of a failed load as a compiler would print them:
 * "file:line:col: error: message", the source line and a caret.
 */
void gate_policy_diags_text(const struct gate_policy *p, struct gate_buf *out);

/* The commented default policy `init` writes (parses to the defaults plus a production target). */
const char *gate_policy_template(void);

/* Parse a duration ("24h", "10m", "5s", "250ms", "1h30m") into milliseconds. */
bool gate_duration_parse(const char *s, long long *ms);

#endif
