/* SPDX-License-Identifier: MIT */
/*
 * plan.h - the deployment plan: the target's pending migrations (the
 * status engine's classification), each linted with the history before
 * it replayed, the live size of every table they touch (pg_class,
 * pg_stat_user_tables), each finding rated against what the target holds
 * (lower on tables created earlier in the plan or empty in the target,
 * lock and rewrite findings on large tables raised a level), the
 * policy's decision (automatic, needs a confirmation token, blocked;
 * suppressed findings count unless deploy.honor_suppressions) and the
 * plan digest a confirmation token is bound to.
 *
 * Used by `plan`, `approve` and `deploy` (which recomputes it under its
 * advisory lock), so the three always agree on the digest.
 *
 * The digest is SHA-256 over a canonical text (gate_plan_canonical):
 *
 *   prisma-gate plan 2
 *   target <host> <port> <database> <schema>
 *   migration <name> <checksum> <risk>          one line per pending migration, in order
 *   max_risk <risk>
 *   policy <auto_max_risk> <confirm_max_risk> <large_table_rows>
 *   suppressions counted|honored                deploy.honor_suppressions
 *
 * so a token approves exactly these migrations, with these contents, on
 * this database, under these rules. A migration's <risk> is the one the
 * decision uses: rated against what the target holds (new and empty
 * tables rated lower, large ones higher) and, unless
 * deploy.honor_suppressions is true, counting suppressed findings.
 * Version 2 added the suppressions line (and plan-time rating): a token
 * for a version 1 plan never matches.
 */
#ifndef GATE_PLAN_H
#define GATE_PLAN_H

#include "gate/compat.h"
#include "gate/db.h"
#include "gate/err.h"
#include "gate/policy.h"
#include "gate/run.h"

struct gate_prisma_use;

/* The gate's own advisory lock key (bigint form); Prisma's is 72707369. */
#define GATE_PLAN_LOCK_KEY 7270736901LL

/* A table a pending migration touches, with its live size. */
struct gate_plan_table {
    const char *schema;
    const char *name;
    bool exists;     /* false: created by the plan, or not found */
    long long rows;  /* estimate: reltuples (n_live_tup if never analyzed); -1 unknown */
    long long bytes; /* pg_total_relation_size; -1 when unknown */
    bool large;      /* rows > risk.large_table_rows */
    bool other;      /* the name is another kind of relation (view, sequence ...) */
    bool probed;     /* emptiness checked: SELECT EXISTS (SELECT 1 FROM it) */
    bool empty;      /* probed and holds no row */
    bool rls;        /* row-level security is on: a probe may not see every row */
};

enum gate_plan_decision {
    GATE_PLAN_NOTHING = 0, /* nothing pending */
    GATE_PLAN_AUTO,        /* deploy without a token */
    GATE_PLAN_CONFIRM,     /* deploy with a valid confirmation token */
    GATE_PLAN_BLOCKED,     /* the policy refuses at this risk */
    GATE_PLAN_REFUSED,     /* the history is not deployable (failed, edited, missing ...) */
};

/* run->plan. Strings live in the run arena. */
struct gate_run_plan {
    char digest[72];         /* "sha256:<64 hex>" */
    const char *canonical;   /* the text the digest is computed over */
    enum gate_risk max_risk; /* of the pending migrations, after raising */
    enum gate_plan_decision decision;
    bool requires_confirmation;   /* decision is CONFIRM */
    const char *reason;           /* one line: why this decision */
    enum gate_risk auto_max_risk; /* the policy's, copied */
    enum gate_risk confirm_max_risk;
    long long large_table_rows;
    bool signed_tokens;    /* the policy names deploy.secret_env */
    const char *token_env; /* where deploy reads the token */
    const char *migrations_dir;
    size_t applied; /* migrations already applied */
    size_t pending;
    size_t raised;                  /* findings raised a level for a large table */
    size_t softened;                /* findings rated lower: new or empty tables */
    bool honor_suppressions;        /* deploy.honor_suppressions, copied */
    size_t suppressed_counted;      /* suppressed findings counted toward the decision */
    struct gate_plan_table *tables; /* arena */
    size_t ntables;
    const char **problems; /* history problems that refuse the deploy (arena) */
    size_t nproblems;
    const char *server_version;
    const struct gate_prisma_use *prisma; /* what Prisma would use (prisma_cli.h) */
};

/* How `deploy` went: run->deploy. Strings live in the run arena. */
struct gate_run_deploy {
    const char *stage;         /* where it stopped: "lock", "plan", "refused", "prisma", "verify",
                                  "health", "done" */
    const char *token_kind;    /* "none", "plain", "signed" */
    const char *token_status;  /* "absent", "valid", "malformed", "stale", "expired",
                                  "forged", "unsigned", "not-needed" */
    const char *token_message; /* one line, NULL */
    long long lock_wait_ms;    /* time spent waiting for the gate lock */
    const char **argv;         /* the Prisma CLI run (arena), NULL when not run */
    size_t argc;
    bool started;      /* prisma migrate deploy was started */
    int prisma_exit;   /* its exit status, -1 when killed or not run */
    int prisma_signal; /* the signal that ended it, 0 */
    bool timed_out;    /* killed after deploy.timeout */
    bool interrupted;  /* prisma-gate got a stop signal (stop.h) and stopped it */
    int interrupt_signal;
    long long prisma_ms;
    const char *error_code;       /* "P3009", ... or "engine" (an error without a code), NULL */
    const char *error_message;    /* its first lines, NULL */
    const char *failed_migration; /* the migration Prisma failed on, NULL */
    const char **guidance;        /* what to do now, in order (arena) */
    size_t nguidance;
    const char **applied; /* migrations this deploy applied (arena) */
    size_t napplied;
    const char **unplanned; /* rows Prisma wrote for migrations not in the plan (arena) */
    size_t nunplanned;
    bool verified;                /* every planned migration is applied with its checksum */
    const char **verify_problems; /* what did not verify (arena) */
    size_t nverify_problems;
    size_t health_failed;  /* health checks that did not pass */
    const char *checklist; /* the Markdown checklist written, NULL */
    const char **history;  /* after the deploy: the last applied migrations, newest
                              first, "NAME (finished_at)" (arena) */
    size_t nhistory;
    const char *output_tail; /* the last lines of Prisma's output */
    const char *stopped_by;  /* the signal that stopped the deploy ("SIGTERM"), NULL */
    bool could_not_start;    /* the Prisma CLI never ran (nothing changed, exit 3) */
    bool reconnected;        /* the connection was lost and made again to read the history */
    long *ended_sessions;    /* Prisma's server sessions (backend pids) ended after a stop */
    size_t nended_sessions;
};

/* What a plan is computed from. */
struct gate_plan_opts {
    const struct gate_policy *pol;
    const char *migrations_dir; /* NULL: the policy's project.migrations */
    const char *url_env;        /* for messages and the run's target */
    const char *target_name;    /* the policy's target name, NULL */
};

/*
 * Compute the plan for the database db (connected to url) into run:
 * run->plan, run->target, one run migration per pending migration (with
 * findings, risk and checksum) and checks. Returns GATE_OK when the plan
 * could be evaluated; GATE_E_IO / GATE_E_DB / GATE_E_LIMIT (err says
 * why) when a migration could not be read or the database could not be
 * queried - nothing is decided then, and run->plan is NULL (run->target
 * stays: the reports name the database).
 */
enum gate_code gate_plan_compute(struct gate_run *run, const struct gate_plan_opts *opts,
                                 const struct gate_db_url *url, struct gate_db *db,
                                 struct gate_err *err);

/*
 * The one target resolution of status, plan, approve and deploy
 * (src/cmd/plan.c): the policy's target named name (-t), else its
 * default_target, else its only target, else the built-in DATABASE_URL;
 * the URL read from the target's url_env and parsed into url; a target
 * with require_tls refused when the URL does not ask for TLS (sslmode=
 * require, verify-ca or verify-full). command names the command in
 * messages. Returns the exit status; on failure it is reported already,
 * url released and *target NULL.
 */
enum gate_exit gate_target_resolve(const struct gate_policy *pol, const char *name,
                                   const char *command, const struct gate_policy_target **target,
                                   struct gate_db_url *url);

/* run->target from the URL and opts (name, url_env); gate_plan_compute sets it too. */
void gate_plan_set_target(struct gate_run *run, const struct gate_plan_opts *opts,
                          const struct gate_db_url *url);

/*
 * gate_target_resolve, then connected, with opts filled for
 * gate_plan_compute (migrations: the --migrations override, NULL for the
 * policy's). Exit status on failure, already reported (a connection that
 * failed also as run's db.connection check, verdict error, when run is not
 * NULL); url and *db are then released / NULL.
 */
enum gate_exit gate_plan_connect(struct gate_run *run, const struct gate_policy *pol,
                                 const char *target, const char *migrations, const char *command,
                                 struct gate_plan_opts *opts, struct gate_db_url *url,
                                 struct gate_db **db);

struct gate_cli;
/*
 * The plan of plan and approve: the migrations directory resolved
 * (gate_cmd_resolve_paths), gate_plan_connect, gate_plan_compute, the
 * connection closed again. GATE_EXIT_OK with run->plan computed and
 * "plan DIGEST: REASON" noted on stderr; else the exit status, the
 * failure reported already (a plan that could not be computed also as
 * the run's "plan" check, with run->verdict GATE_VERDICT_ERROR).
 */
enum gate_exit gate_plan_for_command(const struct gate_cli *cli, struct gate_run *run);
/* plan's exit status for run->plan (sets run->verdict). */
enum gate_exit gate_plan_exit(struct gate_run *run);
/* Write the checklist (gate_plan_checklist) to path atomically; recorded in run->deploy. */
enum gate_code gate_plan_write_checklist(struct gate_run *run, const struct gate_policy *pol,
                                         const char *path, struct gate_err *err);

/* "nothing" | "auto" | "confirm" | "blocked" | "refused" */
const char *gate_plan_decision_name(enum gate_plan_decision d);

/*
 * The canonical text of a plan (see the top of this file) into out
 * (malloc'd): target, pending (name, checksum, risk) triples, policy.
 */
struct gate_plan_item {
    const char *name;
    const char *checksum;
    enum gate_risk risk;
};
char *gate_plan_canonical(const struct gate_target *t, const struct gate_plan_item *items, size_t n,
                          enum gate_risk max_risk, enum gate_risk auto_max,
                          enum gate_risk confirm_max, long long large_rows,
                          bool honor_suppressions);

/*
 * The risk of pending migration m for the deploy decision: base (its
 * statements' own risk) and every finding's, suppressed ones included
 * unless honor_suppressions. Pure.
 */
enum gate_risk gate_plan_migration_risk(const struct gate_migration *m, enum gate_risk base,
                                        bool honor_suppressions);

/* The policy's decision for a plan (pure): refused, nothing, auto, confirm or blocked. */
enum gate_plan_decision gate_plan_decide(enum gate_risk max_risk, enum gate_risk auto_max,
                                         enum gate_risk confirm_max, size_t pending,
                                         size_t nproblems);

/* What a decision's reason is written from. */
struct gate_plan_facts {
    enum gate_risk max_risk;    /* as decided (suppressed findings counted unless honored) */
    enum gate_risk auto_max;    /* deploy.auto_max_risk */
    enum gate_risk confirm_max; /* deploy.confirm_max_risk */
    enum gate_risk honored_max; /* the max risk without the suppressed findings */
    size_t pending;
    size_t nproblems;
    const char *first_problem; /* the first history problem, NULL when none */
    bool signed_tokens;        /* deploy.secret_env is set */
};

/*
 * The one line run->plan->reason says for decision d (pure, malloc'd):
 * refused names the first problem; auto, confirm and blocked compare the
 * max risk with the policy's bounds; when suppressed findings raised the
 * max risk, it says what it would be without them.
 */
char *gate_plan_reason(enum gate_plan_decision d, const struct gate_plan_facts *f);

/*
 * The deployment checklist (Markdown): pre-deployment checks, steps,
 * per-migration rollback notes, post-deployment checks, troubleshooting;
 * and the deploy-later instructions when the gate refused. Appended to out.
 */
void gate_plan_checklist(const struct gate_run *run, const struct gate_policy *pol,
                         struct gate_buf *out);

/*
 * The plan's Markdown summary (target, pending, max risk, decision,
 * digest; the migrations' table when migrations; the tables, suppressed
 * findings and problems), shared by the plan section of the Markdown
 * report (sections/plan.c) and the checklist. Appended to out.
 */
void gate_report_plan_md(const struct gate_run *run, struct gate_buf *out, bool migrations);

/* "[name ]host:port/database (schema s)" of run->target into buf, or "?"; returns buf or "?". */
const char *gate_report_plan_target(const struct gate_run *run, char *buf, size_t n);

#endif
