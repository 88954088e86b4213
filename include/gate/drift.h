/* SPDX-License-Identifier: MIT */
/*
 * drift.h - what differs between the schema the migrations make (the
 * shadow database they were replayed into) and the schema the target
 * database holds, object by object, with what to do about each
 * difference (docs/internals/drift.md). Pure: no database access; the
 * models come from introspect.h.
 *
 * Directions: `before` is what the migrations make, `after` what the
 * database holds. An object of the database only is "in database only",
 * one the migrations make that the database lacks "in migrations only",
 * one on both sides whose attributes differ "changed". Objects of a table
 * that is itself on one side only (its columns, indexes, constraints,
 * triggers, policies) are not listed again.
 */
#ifndef GATE_DRIFT_H
#define GATE_DRIFT_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/introspect.h"

#define GATE_DRIFT_DB_ONLY  "in database only"
#define GATE_DRIFT_MIG_ONLY "in migrations only"
#define GATE_DRIFT_CHANGED  "changed"

/* One attribute of a changed object. */
struct gate_drift_change {
    const char *attribute;
    const char *before; /* NULL: none (no default, ...) */
    const char *after;
};

/*
 * One difference. kind is an introspect.h kind, or "migration" for
 * history drift, whose change is "edited", "missing locally", "failed"
 * or "rolled back" (table NULL, name the migration).
 */
struct gate_drift_item {
    const char *kind;
    const char *schema; /* NULL for history items */
    const char *table;  /* NULL unless the object belongs to a table */
    const char *name;
    const char *change;
    const char *before;                /* the migrations' side in one line; NULL when it has none */
    const char *after;                 /* the database's side in one line; NULL when it has none */
    struct gate_drift_change *changes; /* "changed": each differing attribute */
    size_t nchanges;
    const char *remedy_kind; /* "sql", "prisma" (the capture steps), "none" */
    const char *remedy;      /* the SQL or the shell steps; NULL with "none" */
    const char *note;        /* why, NULL */
};

/* A table in the Mermaid picture: a column and how it differs (mark NULL: same). */
struct gate_drift_col {
    const char *name;
    const char *type;
    const char *mark; /* NULL, "added" (database only), "missing" (migrations only), "changed" */
};

struct gate_drift_table {
    const char *schema;
    const char *name;
    const char *change; /* GATE_DRIFT_* of the table itself */
    struct gate_drift_col *cols;
    size_t ncols;
};

/* The drift section of the run model (run.h); everything in the run's arena. */
struct gate_run_drift {
    char digest[65];               /* SHA-256 of the canonical item list ("" before finish) */
    struct gate_drift_item *items; /* sorted: schema objects by kind, then history */
    size_t nitems, capitems;
    size_t database_only, migrations_only, changed, history; /* counts by change */
    const char **pending; /* pending migrations: listed, not drift */
    size_t npending;
    struct gate_drift_table *tables; /* the tables that differ, sorted */
    size_t ntables;
    const char *capture;     /* the Prisma steps that capture the live schema in a migration */
    const char *shadow;      /* how the shadow was made, one line; NULL */
    size_t replayed;         /* migrations replayed into the shadow */
    size_t objects_database; /* objects introspected on each side */
    size_t objects_migrations;
    int queries;       /* catalog queries both introspections took */
    const char *error; /* set when drift could not be evaluated (exit 3) */
    bool evaluated;    /* the schemas were compared */
};

/* What the remedies need to name (borrowed; NULL when unknown). */
struct gate_drift_ctx {
    const char *prisma;         /* the policy's Prisma command line, "npx prisma" */
    const char *schema_file;    /* the Prisma schema, for --schema */
    const char *migrations_dir; /* the migrations folder */
    const char *url_env;        /* the target's URL variable */
    const char *shadow_url_env; /* the shadow's URL variable, NULL: created by the gate */
};

/*
 * Compare migrations (the shadow's model) with database (the target's)
 * and append one item per difference to out, with remedies written for
 * ctx; the Mermaid tables are filled too. Strings come from a.
 */
void gate_drift_diff(const struct gate_dbmodel *migrations, const struct gate_dbmodel *database,
                     const struct gate_drift_ctx *ctx, struct gate_arena *a,
                     struct gate_run_drift *out);

/* Append a zeroed item (history drift, ...); valid until the next append. */
struct gate_drift_item *gate_drift_add(struct gate_run_drift *d, struct gate_arena *a);

/* The capture steps (ctx) as one shell line, from a. */
const char *gate_drift_capture_steps(const struct gate_drift_ctx *ctx, struct gate_arena *a);

/*
 * Sort the items, count them by change and compute the digest: SHA-256
 * over each item's kind, schema, table, name, change, before and after
 * (not the remedies, not pending migrations), so it changes only when
 * the drift does.
 */
void gate_drift_finish(struct gate_run_drift *d);

/* True when d holds drift (pending migrations are not). */
bool gate_drift_found(const struct gate_run_drift *d);

#endif
