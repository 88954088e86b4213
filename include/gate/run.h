/* SPDX-License-Identifier: MIT */
/*
 * run.h - the run model: everything a report needs. Commands fill one
 * struct gate_run; every report format (report.h) is a pure function of
 * it, and the JSON report is its canonical serialisation.
 *
 * All strings hang off run->arena unless a field says otherwise.
 */
#ifndef GATE_RUN_H
#define GATE_RUN_H

#include "gate/compat.h"
#include "gate/arena.h"

enum gate_risk {
    GATE_RISK_NONE = 0,
    GATE_RISK_LOW,
    GATE_RISK_MEDIUM,
    GATE_RISK_HIGH,
    GATE_RISK_CRITICAL,
};

enum gate_severity {
    GATE_SEV_INFO = 0,
    GATE_SEV_WARNING,
    GATE_SEV_ERROR,
};

enum gate_category {
    GATE_CAT_LOCK = 0,
    GATE_CAT_REWRITE,
    GATE_CAT_BREAKING,
    GATE_CAT_DATA_LOSS,
    GATE_CAT_DATA_DEPENDENT,
    GATE_CAT_EXECUTION,
    GATE_CAT_HYGIENE,
};

enum gate_mstate {
    GATE_MSTATE_UNKNOWN = 0,
    GATE_MSTATE_PENDING,
    GATE_MSTATE_APPLIED,
    GATE_MSTATE_FAILED,
    GATE_MSTATE_ROLLED_BACK,
    GATE_MSTATE_MODIFIED,
    GATE_MSTATE_MISSING_LOCALLY,
};

enum gate_status {
    GATE_STATUS_PASS = 0,
    GATE_STATUS_WARN,
    GATE_STATUS_FAIL,
    GATE_STATUS_SKIP,
    GATE_STATUS_ERROR,
};

enum gate_verdict {
    GATE_VERDICT_PASS = 0,
    GATE_VERDICT_FAIL,
    GATE_VERDICT_ERROR,
};

/* Exit statuses (README, "Exit status"): only main.c returns them. */
enum gate_exit {
    GATE_EXIT_OK = 0,
    GATE_EXIT_CLOSED = 1,
    GATE_EXIT_USAGE = 2,
    GATE_EXIT_UNAVAILABLE = 3,
    GATE_EXIT_DEPLOY_FAILED = 4,
    GATE_EXIT_VERIFY_FAILED = 5,
};

struct gate_finding {
    const char *rule; /* static rule id */
    enum gate_risk risk;
    enum gate_severity severity;
    enum gate_category category;
    const char *table; /* NULL when no table is involved */
    int line;          /* 1-based */
    int column;        /* 1-based, in characters */
    int offset;        /* byte offset in the file */
    int stmt;          /* statement index, -1 for file-level findings */
    const char *message;
    const char *help;
    bool suppressed;
    const char *suppression_reason;
    const char *prisma_warning; /* the Prisma header warning this finding confirms */
    /* plan: rated against what the target holds (risk differs from lint_risk) */
    bool rerated;
    enum gate_risk lint_risk; /* the risk lint gives it, without the database */
    const char *risk_reason;  /* why the plan rates it risk, not lint_risk */
};

/* One `_prisma_migrations` row of a migration (status and later commands). */
struct gate_mrow {
    const char *id;
    const char *checksum;
    const char *started_at;     /* ISO 8601 UTC, microseconds */
    const char *finished_at;    /* NULL while unfinished */
    const char *rolled_back_at; /* NULL unless rolled back */
    int applied_steps_count;
    enum gate_mstate state; /* applied | failed | rolled-back */
};

struct gate_migration {
    const char *name;
    const char *path;  /* as given / relative to the working directory */
    char checksum[65]; /* lowercase SHA-256 hex of the raw bytes, "" unknown */
    enum gate_mstate state;
    enum gate_risk risk; /* highest unsuppressed finding or statement class */
    int statements;
    struct gate_finding *findings;
    size_t nfindings;
    size_t capfindings; /* findings is malloc'd, owned by the migration */
    const char *error;  /* set when the file could not be evaluated */

    /* Database history: set by commands that read the target (status). */
    bool has_history;        /* the fields below are meaningful */
    bool local;              /* the folder exists on disk (false: only in the database) */
    const char *applied_at;  /* finished_at of the row deploy relies on, NULL */
    const char *db_checksum; /* that row's checksum (or the failed row's), NULL */
    struct gate_mrow *rows;  /* every row of this name, started_at order (arena) */
    size_t nrows;
    bool prisma_edited;         /* Prisma's engine lists it as edited (its first row differs) */
    bool out_of_order;          /* pending, sorts before a migration the database has */
    const char *note;           /* one line: why this state / what to do, NULL */
    struct gate_impact *impact; /* check: what a new or edited migration changes, NULL */
};

/* One change a migration makes, mapped back to the Prisma schema (check). */
struct gate_impact_change {
    const char *action; /* "create-table", "add-column", "alter-column", "drop-table" ... */
    const char *table;  /* database names; NULL when none */
    const char *column;
    const char *model;  /* the Prisma model / enum; NULL when the schema has none */
    const char *field;  /* the Prisma field / enum value; NULL when none */
    const char *detail; /* e.g. "type text -> integer", "required"; NULL */
};

/* The seed's "Detected Changes" and "Migration Impact" of one migration (check). */
struct gate_impact {
    const char *change;                 /* "added" or "edited" (against the base) */
    struct gate_impact_change *changes; /* arena */
    size_t nchanges;
    const char **models; /* models touched ("table \"x\"" without one); arena */
    size_t nmodels;
    const char **fields; /* fields touched, "Model.field"; arena */
    size_t nfields;
    bool breaking;               /* breaks code that is still running, or loses data */
    const char *breaking_reason; /* NULL when not breaking */
    bool data_migration;         /* existing rows must be backfilled, converted or saved */
    const char *data_migration_reason;
    const char *suggested_name; /* Prisma style: "add_event_location_field" */
    bool descriptive_name;      /* the name says what the migration does */
    const char *name_note;      /* why it does not, NULL */
};

/* The database a command evaluated (never holds the password). */
struct gate_target {
    const char *name;    /* policy target name; NULL without a policy */
    const char *url_env; /* environment variable the URL came from */
    const char *host;
    int port;
    const char *database;
    const char *schema; /* Prisma's schema: ?schema= or "public" */
    const char *user;
    /* what the server says it is (plan, deploy); NULL / 0 when not read */
    const char *system_identifier; /* pg_control_system() */
    int server_port;               /* current_setting('port') */
    const char *server_database;   /* current_database() */
    const char *server_addr;       /* inet_server_addr(); "" over a Unix socket */
};

/* The database side of `status` (docs/internals/prisma-migrate.md 1, 5). */
struct gate_run_history {
    const char *strategy;       /* "migrate", "unmanaged" (tables, no history), "empty",
                                   "unknown" (not reached) */
    bool table;                 /* _prisma_migrations exists */
    size_t rows;                /* its rows */
    const char *server_version; /* NULL when not connected */
    const char *migrations_dir;
    size_t local_migrations;  /* folders on disk */
    const char *last_local;   /* last migration on disk, NULL */
    const char *last_applied; /* last applied migration (by finished_at), NULL */
    const char *last_applied_at;
    int prisma_exit;         /* what `prisma migrate status` would exit with, -1 unknown */
    const char *prisma_says; /* ... and its first line */
    const char **next;       /* what to do next, in order (arena) */
    size_t nnext;
};

struct gate_run_plan;   /* plan.h */
struct gate_run_deploy; /* plan.h */

/* What `check` measured the change against (repository paths, commit ids). */
struct gate_run_change {
    const char *base_ref;    /* "origin/main"; NULL when no base was found */
    const char *base_commit; /* 40 hex */
    const char *base_how;    /* one line: how the base was chosen */
    const char *head_commit; /* NULL when unborn */
    const char *head_branch; /* NULL when detached */
    bool detached;
    bool shallow;
    const char *schema; /* the schema file or folder (as the process sees it) */
    const char *migrations_dir;
    size_t base_migrations; /* migrations on the base */
    size_t added;           /* migrations this change adds (renamed ones included) */
    size_t edited;          /* ... modifies (present on the base) */
    size_t deleted;         /* ... deletes (present on the base) */
};

/* A database URL detect found (never holds the password). */
struct gate_setup_target {
    const char *name; /* the policy's target name, NULL */
    const char *env;  /* the environment variable */
    const char *role; /* "target", "direct" (directUrl) or "shadow" */
    const char *host; /* NULL when the URL could not be read (error says why) */
    int port;
    const char *database;
    const char *schema;
    const char *user;
    const char *same_as; /* env of an earlier target on the same database, NULL */
    const char *error;
};

/* detect: the seed's "Database Setup Analysis". */
struct gate_run_setup {
    const char *strategy;     /* "migrate", "db push" or "unknown" */
    const char *strategy_why; /* one line */
    const char *schema;
    const char *schema_from;
    const char *provider; /* the datasource's provider, NULL */
    const char *migrations_dir;
    bool migrations_dir_exists;
    size_t migrations; /* migrations on disk */
    const char *first_migration;
    const char *last_migration;
    const char *last_migration_at; /* from its timestamp: "2024-10-03 12:00:00 UTC", NULL */
    bool lock_file;
    struct gate_setup_target *targets; /* arena */
    size_t ntargets;
    bool db_checked;     /* the main target was read */
    const char *db_env;  /* which one */
    bool db_has_history; /* _prisma_migrations exists */
    size_t db_history_rows;
    long db_tables;     /* other tables */
    bool shared;        /* two targets resolve to one database */
    const char *advice; /* separation advice when shared, NULL */
};

struct gate_check {
    const char *id; /* "git.uncommitted-schema" */
    enum gate_status status;
    const char *message;
    const char *path; /* optional location */
    int line;
};

struct gate_health_result; /* health.h */
struct gate_run_drift;     /* drift.h */

struct gate_run {
    struct gate_arena arena;
    const char *command;
    enum gate_verdict verdict;
    int exit_code;
    enum gate_risk max_risk;
    enum gate_risk fail_on;

    struct gate_migration **migrations; /* malloc'd array of arena objects */
    size_t nmigrations;
    size_t capmigrations;

    struct gate_check *checks; /* malloc'd */
    size_t nchecks;
    size_t capchecks;

    struct gate_target *target;        /* arena; NULL when no database is involved */
    struct gate_run_history *history;  /* arena; NULL unless the history was evaluated */
    struct gate_run_change *change;    /* arena; check: what the change is measured against */
    struct gate_run_setup *setup;      /* arena; detect */
    struct gate_run_plan *plan;        /* arena (plan.h): plan, approve, deploy */
    struct gate_health_result *health; /* malloc'd (health.h): health and deploy */
    size_t nhealth;
    size_t caphealth;
    struct gate_run_deploy *deploy; /* arena (plan.h): deploy */
    struct gate_run_drift *drift;   /* arena (drift.h): drift */

    /* Where reports' repository-relative paths start (main.c sets them; NULL: unknown). */
    const char *repo_root;   /* absolute repository root */
    const char *repo_prefix; /* the working directory relative to it: "" or "api/" */

    /*
     * The JSON report this run writes, as the Markdown report and the step
     * summary point to it: its file's path, "-" for stdout (--format json),
     * NULL when none was asked for (main.c and report_out.c set it).
     */
    const char *json_report;
};

void gate_run_init(struct gate_run *run, const char *command);
void gate_run_release(struct gate_run *run);

/* A new zeroed migration appended to run (owned by run). */
struct gate_migration *gate_run_add_migration(struct gate_run *run, const char *name,
                                              const char *path);
/* Append a zeroed finding to m; the pointer is valid until the next append. */
struct gate_finding *gate_migration_add_finding(struct gate_migration *m);
/* Append a check result; strings are copied into the run arena. */
struct gate_check *gate_run_add_check(struct gate_run *run, const char *id, enum gate_status status,
                                      const char *message);

/* Sort each migration's findings by (line, column, rule). */
void gate_run_sort_findings(struct gate_run *run);

/*
 * The one end of an evaluating run (lint, check): sets run->max_risk (the
 * highest migration risk, none without migrations) and run->verdict, and
 * returns the command's exit status: unavailable (something could not
 * be evaluated) is error, GATE_EXIT_UNAVAILABLE; else failed (a check
 * failed) or a blocking finding (not suppressed, severity error) is
 * fail, GATE_EXIT_CLOSED; else pass, GATE_EXIT_OK. main.c may still
 * change the status when a report cannot be written.
 */
enum gate_exit gate_run_finish(struct gate_run *run, bool unavailable, bool failed);

const char *gate_risk_name(enum gate_risk r);
/* Parse "none".."critical"; returns false on anything else. */
bool gate_risk_parse(const char *s, enum gate_risk *out);
/* Every risk name in order, index = enum gate_risk ("none".."critical"); *n of them. */
const char *const *gate_risk_names(size_t *n);
/* Every severity name in order, index = enum gate_severity ("info".."error"); *n of them. */
const char *const *gate_severity_names(size_t *n);
const char *gate_severity_name(enum gate_severity s);
bool gate_severity_parse(const char *s, enum gate_severity *out);
const char *gate_category_name(enum gate_category c);
const char *gate_mstate_name(enum gate_mstate s);
const char *gate_status_name(enum gate_status s);
const char *gate_verdict_name(enum gate_verdict v);

#endif
