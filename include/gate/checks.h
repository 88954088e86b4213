/* SPDX-License-Identifier: MIT */
/*
 * checks.h - the repository checks of `check` (the policy's `checks:`
 * policy keys), one file per check under src/checks/, each exporting one
 * descriptor gate_check_<id>; src/checks/checks.c keeps the registry and builds
 * the context every check reads: the project, the git facts (HEAD, the
 * base, the migrations on the base and in the working tree), the schema
 * on the base and on disk.
 *
 * A check never fails the program: what it finds is a result (pass,
 * violation, notice), and what it cannot evaluate is an error result.
 * The policy level turns a violation into `fail` (error) or `warn`
 * (warning), or keeps the check from running (off: `skip`).
 */
#ifndef GATE_CHECKS_H
#define GATE_CHECKS_H

#include "gate/compat.h"
#include "gate/err.h"
#include "gate/migrations.h"
#include "gate/policy.h"
#include "gate/project.h"
#include "gate/repo.h"
#include "gate/run.h"
#include "gate/schema.h"

/* What a check needs before it can run (git's RUN_SETUP habit). */
enum gate_check_flags {
    GATE_CHECK_NEEDS_GIT = 1 << 0,    /* a git repository */
    GATE_CHECK_NEEDS_BASE = 1 << 1,   /* the base commit and the change (implies git) */
    GATE_CHECK_NEEDS_SCHEMA = 1 << 2, /* the schema on disk, parsed */
};

/* What a check found. */
enum gate_check_outcome {
    GATE_OUTCOME_PASS = 0,
    GATE_OUTCOME_VIOLATION, /* fail or warn, by the policy level */
    GATE_OUTCOME_NOTICE,    /* always warn (e.g. a migration without a schema change) */
    GATE_OUTCOME_SKIP,      /* nothing to check (no generated client, ...) */
    GATE_OUTCOME_ERROR,     /* could not evaluate */
};

/* A migration as this change sees it. */
enum gate_change_kind {
    GATE_CHANGE_UNCHANGED = 0, /* on the base and identical in the working tree */
    GATE_CHANGE_ADDED,         /* not on the base */
    GATE_CHANGE_EDITED,        /* on the base, its migration.sql differs in the working tree */
    GATE_CHANGE_DELETED,       /* on the base, gone from the working tree */
};

struct gate_change_mig {
    char *name;
    enum gate_change_kind kind;
    bool on_base;       /* migration.sql exists on the base */
    bool on_disk;       /* the folder exists in the working tree */
    bool has_sql;       /* ... and holds migration.sql */
    char base_oid[41];  /* the base's blob of migration.sql, "" when none */
    char disk_oid[41];  /* the working tree's, as git would store it, "" when none */
    char *renamed_from; /* ADDED with the content of a DELETED base migration, else NULL */
    char *renamed_to;   /* that DELETED migration: the ADDED one's name, else NULL */
    char *sql_path;     /* in the working tree (as the process sees it), NULL when none */
    bool sql_outside;   /* a symlink out of the repository: never read (migrations.h) */
};

struct gate_check_ctx {
    struct gate_run *run;
    struct gate_project *proj;
    const struct gate_policy *policy; /* check levels; NULL: the built-in defaults */
    const char *target;               /* -t NAME (test-apply's shadow), NULL */

    bool schema_ok; /* proj->parsed holds the schema on disk */
    struct gate_err schema_err;

    struct gate_repo *repo; /* NULL: no repository (repo_err says why) */
    struct gate_err repo_err;
    struct gate_repo_head head;

    bool have_base; /* base is the change's base (else base_err) */
    struct gate_repo_base base;
    struct gate_err base_err;

    char *r_schema; /* repository paths of the schema ... */
    char **r_files; /* ... its files ... */
    size_t nr_files;
    char *r_migrations; /* ... and the migrations directory (NULL: outside) */

    bool disk_exists;                /* the migrations directory exists */
    struct gate_migration_list disk; /* the migrations on disk, Prisma's order */

    bool change_ok; /* migs is complete (else change_err) */
    struct gate_err change_err;
    struct gate_change_mig *migs; /* the base's and the working tree's, Prisma's order */
    size_t nmigs;
    size_t capmigs;
    size_t nbase;            /* migrations on the base */
    const char *newest_base; /* the last one in Prisma's order, NULL */
    bool base_lock;          /* migration_lock.toml on the base */

    bool base_schema_found; /* the schema exists on the base */
    struct gate_schema base_schema;
};

struct gate_check_def {
    const char *id;              /* the policy key: "edited-migrations" */
    const char *family;          /* the report id's prefix: "git" gives "git.edited-migrations" */
    const char *summary;         /* one line */
    unsigned flags;              /* enum gate_check_flags */
    enum gate_check_level level; /* default level: the policy's `checks:` key id may change it */
    void (*run)(struct gate_check_ctx *ctx, const struct gate_check_def *def);
};

/* The checks, in the order they run and are reported; NULL-terminated. */
extern const struct gate_check_def *const gate_check_registry[];

extern const struct gate_check_def gate_check_uncommitted_schema;
extern const struct gate_check_def gate_check_untracked_migrations;
extern const struct gate_check_def gate_check_edited_migrations;
extern const struct gate_check_def gate_check_out_of_order_migrations;
extern const struct gate_check_def gate_check_schema_without_migration;
extern const struct gate_check_def gate_check_committed_secrets;
extern const struct gate_check_def gate_check_client_sync;
extern const struct gate_check_def gate_check_migration_lock;
extern const struct gate_check_def gate_check_test_apply;

/* Options of the context. */
struct gate_check_opts {
    const char *base;    /* --base REF, NULL */
    const char *pr_base; /* $GITHUB_BASE_REF, NULL */
    bool pr_merge;       /* HEAD is GitHub's test-merge commit ($GITHUB_REF refs/pull/N/merge) */
    const struct gate_policy *policy;
    const char *target; /* -t NAME, NULL */
};

/*
 * Collect everything the checks read: the schema on disk, the
 * repository around the current directory, HEAD, the base, the
 * migrations on the base and on disk, the schema on the base. Never
 * fails: what cannot be collected is recorded (schema_err, repo_err,
 * base_err, change_err) and reported by the checks that need it.
 * ctx is zeroed first; release it in any case.
 */
void gate_check_ctx_init(struct gate_check_ctx *ctx, struct gate_run *run,
                         struct gate_project *proj, const struct gate_check_opts *opts);
void gate_check_ctx_release(struct gate_check_ctx *ctx);

/*
 * Run every check of the registry into ctx->run's checks[], after a
 * `git.repository` and a `git.base` entry saying what was compared.
 */
/* Only git.repository and git.base (lint --base: the change without the repository checks). */
void gate_checks_preamble(struct gate_check_ctx *ctx);
void gate_checks_run(struct gate_check_ctx *ctx);

/* The level of def: the policy's, or def's default for a check the policy does not know. */
enum gate_check_level gate_check_level_of(const struct gate_check_ctx *ctx,
                                          const struct gate_check_def *def);

/*
 * Report one result of def: the id is "family.id", the status follows
 * outcome and the level; path (a repository or process path) and line
 * are optional (NULL, 0). Returns the result appended to the run.
 */
struct gate_check *gate_check_report(struct gate_check_ctx *ctx, const struct gate_check_def *def,
                                     enum gate_check_outcome outcome, const char *path, int line,
                                     const char *fmt, ...) GATE_PRINTF(6, 7);

/* The migration named name in ctx->migs, or NULL. */
const struct gate_change_mig *gate_check_mig(const struct gate_check_ctx *ctx, const char *name);

/* Count of ctx->migs of kind. */
size_t gate_check_count(const struct gate_check_ctx *ctx, enum gate_change_kind kind);

#endif
