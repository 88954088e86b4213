/* SPDX-License-Identifier: MIT */
/*
 * shadow.h - the shadow database: an empty PostgreSQL database into which
 * migrations are replayed as Prisma replays them (replay.h), for drift
 * (compare it with the target) and for check's test apply
 * (docs/internals/drift.md, "Shadow lifecycle" and "Replay cache").
 *
 * Where it comes from (policy drift.shadow):
 *   url     the target's shadow_url_env (the default). Refused when it is
 *           the target's own database (the server's system_identifier,
 *           port and database name compared, never the URL's text), a
 *           replay cache database, or not empty; drift.reset_shadow: true
 *           resets it as Prisma does instead (DROP SCHEMA ... CASCADE;
 *           CREATE SCHEMA for the schema in use). gate_shadow_close
 *           empties it again the same way (it was empty, so everything in
 *           it is the replay's), so the next run finds it empty.
 *   create  a temporary database prisma_gate_shadow_<random hex> on the
 *           target's server (the role needs CREATEDB), dropped by
 *           gate_shadow_close with DROP DATABASE ... WITH (FORCE): after
 *           success, a replay failure, a timeout or a stop signal alike.
 *
 * Replay cache (drift.cache: N > 0): after a replay, the shadow is kept
 * as a template database prisma_gate_cache_<16 hex>, named by a digest
 * of the schema and the replayed migrations' checksums; the next replay
 * starts from the longest cached prefix (CREATE DATABASE ... TEMPLATE)
 * and replays only the rest. Cache databases beyond N are dropped, least
 * recently used first. With a cache, the replay always runs in a
 * temporary database on the shadow's server (in url mode the configured
 * database is only the way in; without CREATEDB there the cache is
 * skipped with a warning).
 *
 * Typical use (drift):
 *
 *   struct gate_shadow_opts o = {.pol = pol, .target = t, .target_url = &url,
 *                                .target_db = db, .command = "drift"};
 *   struct gate_shadow *sh = NULL;
 *   struct gate_replay_result res = {0};
 *   if (gate_shadow_open(&o, &sh, &err)) -> exit 3 (err says why)
 *   if (gate_shadow_replay(sh, &set, 0, &res, &err)) -> exit 3
 *   else if (res.failed) -> report res.failure, exit 1
 *   else introspect gate_shadow_db(sh), schema gate_shadow_schema(sh)
 *   gate_shadow_close(sh, &err);        - always; drops a temporary one
 *
 * gate_shadow_open installs the stop handlers (stop.h): a SIGTERM or
 * SIGINT cancels the running query and the replay returns, so the
 * caller's gate_shadow_close still runs and drops what was created.
 */
#ifndef GATE_SHADOW_H
#define GATE_SHADOW_H

#include "gate/compat.h"
#include "gate/db.h"
#include "gate/err.h"
#include "gate/introspect.h"
#include "gate/policy.h"
#include "gate/replay.h"

/* Name prefixes of the databases this module creates. */
#define GATE_SHADOW_PREFIX       "prisma_gate_shadow_"
#define GATE_SHADOW_CACHE_PREFIX "prisma_gate_cache_"

struct gate_shadow_opts {
    const struct gate_policy *pol;           /* drift.*; NULL: the built-in defaults */
    const struct gate_policy_target *target; /* its shadow_url_env */
    /*
     * The target's URL and an open connection to it (both may be NULL
     * when the target's URL is not available, e.g. a pull request's CI
     * with only a shadow URL: then the shadow cannot be compared with the
     * target, and drift.reset_shadow and drift.shadow: create are refused).
     */
    const struct gate_db_url *target_url; /* must outlive the shadow */
    struct gate_db *target_db;            /* must outlive the shadow (create mode uses it) */
    const char *command;                  /* for messages: "drift", "check" */
    /*
     * drift: the replay cache keeps the shadow's model with the cache
     * database that holds the whole set (its snapshot, in the database's
     * comment), and a run whose whole set is cached reads that instead of
     * opening the database (gate_shadow_model). Models are allocated here;
     * NULL: no snapshots (check).
     */
    struct gate_arena *snapshot_arena;
    /*
     * Called once by gate_shadow_replay when the shadow's model will not
     * come from a snapshot (the shadow is built, copied or opened), before
     * that starts: drift reads the target beside it. NULL: nothing.
     */
    void (*building)(void *ctx);
    void *building_ctx;
    /*
     * drift with the cache in create mode: the first query gate_shadow_replay
     * would send, already asked with the target's history (see
     * gate_shadow_prefetch_sql); used when the set replayed is the one it
     * was asked for. NULL: none.
     */
    struct gate_shadow_prefetch *prefetch;
};

/*
 * What a create-mode replay with the cache asks the server first: the
 * cache listing with the head of the whole set's comment (its snapshot's
 * header). drift sends it with the target's history, for the set it
 * expects (all the local migrations: a nightly run usually finds them
 * all applied). The result goes into a gate_shadow_prefetch named after
 * that set's cache; the shadow takes (and frees) it when its set is that
 * one. gate_shadow_prefetch_sql: that SQL (malloc'd; NULL for an empty
 * set) and the cache's name.
 */
struct gate_shadow_prefetch {
    char name[64];
    struct gate_db_result *listing;
};
char *gate_shadow_prefetch_sql(const char *schema, const struct gate_replay_set *guess,
                               char name[64]);

struct gate_shadow;

/*
 * Get the shadow ready (connected, checked, reset when asked): a
 * temporary one is created later by gate_shadow_replay, when it knows
 * which cached prefix to start from. GATE_E_USAGE when nothing is
 * configured (no shadow_url_env and drift.shadow is not create) or the
 * variable is unset (the message names it), or the shadow is refused
 * (the target itself, a cache database, not empty); GATE_E_DB when it
 * cannot be reached. *out is NULL on failure.
 */
enum gate_code gate_shadow_open(const struct gate_shadow_opts *o, struct gate_shadow **out,
                                struct gate_err *err);

/*
 * Replay set into the shadow (from the longest cached prefix when the
 * cache is on; cache_at: the prefix to keep as a template, 0: the whole
 * set; check keeps the base's migrations, drift the applied set). See
 * gate_replay_run for the result and failures; drift.timeout bounds it.
 * Creates the temporary database (CREATE DATABASE needs CREATEDB: the
 * error says so). Call once per shadow.
 */
enum gate_code gate_shadow_replay(struct gate_shadow *sh, const struct gate_replay_set *set,
                                  size_t cache_at, struct gate_replay_result *res,
                                  struct gate_err *err);

/*
 * The shadow's model read from the replay cache's snapshot (after
 * gate_shadow_replay), or NULL: then introspect gate_shadow_db. With a
 * model the shadow has no connection (gate_shadow_db is NULL). A snapshot
 * is used only when it was taken of the same set (the cache digest, in
 * full), by the same introspection (gate_introspect_version) and under
 * the same server version and output settings, and its text matches its
 * checksum.
 */
const struct gate_dbmodel *gate_shadow_model(const struct gate_shadow *sh);

/*
 * A snapshot is taken in two steps: gate_shadow_replay reads only its
 * header (the listing carries the head of each comment), and its text,
 * hundreds of kilobytes, is read when the model is needed. Until then
 * gate_shadow_snapshot_sum gives the SHA-256 (hex) of that text, which is
 * gate_dbmodel_serialize of the shadow's model: a run whose target
 * serializes to the same digest has no schema drift and needs nothing
 * more (NULL when there is no such pending snapshot).
 * gate_shadow_snapshot_model reads the text, checks it against that
 * digest and parses it (then gate_shadow_model gives it); when it
 * changed since the listing (another run rewrote the comment) the cache
 * database is opened read-only instead (then gate_shadow_db gives the
 * connection to introspect), or GATE_E_DB when that fails too.
 */
const char *gate_shadow_snapshot_sum(const struct gate_shadow *sh);
enum gate_code gate_shadow_snapshot_model(struct gate_shadow *sh, struct gate_err *err);

/*
 * Keep m (the shadow's model, as introspected, before any schema rename)
 * as the snapshot of the cache database that holds the whole set, when
 * this run saved that cache or used it without a snapshot; else nothing.
 * Failures are verbose notes only (the next run introspects again).
 */
void gate_shadow_keep_model(struct gate_shadow *sh, const struct gate_dbmodel *m);

/* The connection to the shadow (after gate_shadow_replay), NULL before. Borrowed. */
struct gate_db *gate_shadow_db(struct gate_shadow *sh);
/* Its URL (as parsed; for `prisma migrate diff --to-url` hints). Borrowed. */
const struct gate_db_url *gate_shadow_url(const struct gate_shadow *sh);
/* The schema the migrations were replayed into: the shadow URL's ?schema=, else the target's. */
const char *gate_shadow_schema(const struct gate_shadow *sh);
/* The shadow's database name. */
const char *gate_shadow_database(const struct gate_shadow *sh);
/* True when the shadow is a temporary database this run created (and drops). */
bool gate_shadow_is_temporary(const struct gate_shadow *sh);

/*
 * Disconnect, drop the temporary database (DROP DATABASE IF EXISTS ...
 * WITH (FORCE)), free sh. Always call it (NULL is a no-op). GATE_E_DB
 * when the drop failed (the message names the database to drop by
 * hand); sh is freed in any case.
 */
enum gate_code gate_shadow_close(struct gate_shadow *sh, struct gate_err *err);

/*
 * The replay cache's digest of a prefix: the hex SHA-256 chain
 * d0 = sha256("prisma-gate replay cache v1\n" schema), d_k = sha256(d_{k-1}
 * "\n" checksum_k); the database is GATE_SHADOW_CACHE_PREFIX + the first
 * 16 hex of d_k. digests[k-1] gets that name for k = 1..n (each 64
 * bytes: the caller's array of n). Pure.
 */
void gate_shadow_cache_names(const char *schema, const struct gate_replay_set *set,
                             char (*names)[64]);

#endif
