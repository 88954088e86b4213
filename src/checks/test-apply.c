/* SPDX-License-Identifier: MIT */
/*
 * checks/test-apply.c - the new migrations apply: the base's migrations
 * (the base's text: what the databases already ran) and then the ones
 * this change adds, in Prisma's order, replayed on a shadow database as
 * Prisma runs them (shadow.h, replay.h). A migration of the change that
 * fails is a violation at its file and line, with PostgreSQL's message;
 * a base migration that fails means the history itself does not replay
 * on an empty database, and nothing could be evaluated.
 *
 * Runs only with a shadow configured: the target's shadow_url_env (set
 * in the environment) or drift.shadow: create (with the target's URL
 * set); otherwise it is skipped and says how to turn it on. With the
 * replay cache (drift.cache) the base's prefix is kept, so the next
 * change on the same base replays only its own migrations.
 */
#include "gate/compat.h"
#include "gate/checks.h"
#include "gate/fs.h"
#include "gate/msg.h"
#include "gate/shadow.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Collapse a statement into one line for a message (at most 300 bytes). */
static void one_line(const char *s, char *out, size_t size)
{
    size_t k = 0;
    bool space = false;

    for (; s && *s && k + 4 < size; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
            space = k > 0;
            continue;
        }
        if (space)
            out[k++] = ' ';
        space = false;
        out[k++] = *s;
    }
    if (s && *s) {
        while (k && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
            k--;
        if (k && ((unsigned char)out[k - 1] & 0xC0) == 0xC0)
            k--;
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

/* The set: the base's migrations (base text), then the added ones (working tree). */
static enum gate_code build_set(struct gate_check_ctx *ctx, struct gate_replay_set *set,
                                size_t *nbase, size_t *nadded, struct gate_err *err)
{
    *nbase = *nadded = 0;
    for (size_t i = 0; i < ctx->nmigs; i++) {
        const struct gate_change_mig *cm = &ctx->migs[i];
        char *data = NULL, *path;
        size_t len = 0;
        enum gate_code rc;

        if (!cm->on_base)
            continue;
        if (gate_repo_blob(ctx->repo, cm->base_oid, (size_t)GATE_MAX_SQL_FILE, &data, &len, err))
            return err->code;
        path = gate_xasprintf("%s/%s/migration.sql (base %.12s)", ctx->proj->migrations, cm->name,
                              ctx->base.commit);
        rc = gate_replay_set_add(set, cm->name, path, data, len, err);
        free(path);
        free(data);
        if (rc)
            return rc;
        (*nbase)++;
    }
    for (size_t i = 0; i < ctx->nmigs; i++) {
        const struct gate_change_mig *cm = &ctx->migs[i];
        char *data = NULL;
        size_t len = 0;
        enum gate_code rc;

        if (cm->kind != GATE_CHANGE_ADDED || !cm->on_disk || !cm->has_sql || cm->sql_outside)
            continue; /* no SQL, or not read: other checks say so */
        if (gate_read_file(cm->sql_path, (size_t)GATE_MAX_SQL_FILE, &data, &len, err))
            return err->code;
        rc = gate_replay_set_add(set, cm->name, cm->sql_path, data, len, err);
        free(data);
        if (rc)
            return rc;
        (*nadded)++;
    }
    return GATE_OK;
}

/* The shadow's configuration, or why there is none (a skip). */
static const char *not_configured(const struct gate_policy *pol, const struct gate_policy_target *t)
{
    if (pol->drift.shadow == GATE_DRIFT_SHADOW_CREATE) {
        const char *v = getenv(t->url_env);

        return v && *v ? NULL : "drift.shadow is create but the target's URL is not set";
    }
    if (!t->shadow_url_env)
        return "no shadow database configured (the target's shadow_url_env, or drift.shadow: "
               "create)";
    {
        const char *v = getenv(t->shadow_url_env);

        return v && *v ? NULL : "the target's shadow_url_env is not set in the environment";
    }
}

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    struct gate_policy defaults;
    const struct gate_policy *pol = ctx->policy;
    const struct gate_policy_target *t;
    struct gate_err err = {0};
    struct gate_replay_set set = {0};
    struct gate_replay_result res = {0};
    struct gate_db_url turl = {0};
    struct gate_db *tdb = NULL;
    struct gate_shadow *sh = NULL;
    struct gate_shadow_opts o = {0};
    const char *why, *tval;
    size_t nbase = 0, nadded = 0;
    bool have_turl = false;

    if (!pol) {
        gate_policy_defaults(&defaults);
        pol = &defaults;
    }
    t = gate_policy_target(pol, ctx->target, &err);
    if (!t) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
        return;
    }
    why = not_configured(pol, t);
    if (why) {
        gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0,
                          "%s: the new migrations were not test-applied", why);
        return;
    }
    if (!gate_check_count(ctx, GATE_CHANGE_ADDED)) {
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0, "no new migrations to test-apply");
        return;
    }
    if (build_set(ctx, &set, &nbase, &nadded, &err)) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
        goto out;
    }
    tval = getenv(t->url_env);
    if (tval && *tval) {
        if (gate_db_url_parse(tval, &turl, &err)) {
            gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s: %s", t->url_env, err.msg);
            goto out;
        }
        have_turl = true;
        if (gate_db_connect(&turl, &tdb, &err)) {
            gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0,
                              "%s (the target is compared with the shadow, so that it is never "
                              "used as one)",
                              err.msg);
            goto out;
        }
    }
    o.pol = pol;
    o.target = t;
    o.target_url = have_turl ? &turl : NULL;
    o.target_db = tdb;
    o.command = "check";
    if (gate_shadow_open(&o, &sh, &err)) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
        goto out;
    }
    if (gate_shadow_replay(sh, &set, nbase, &res, &err)) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
    } else if (res.failed) {
        const struct gate_replay_failure *f = &res.failure;
        char *text = gate_replay_failure_text(f);
        char stmt[320];
        size_t idx = 0;

        one_line(f->statement, stmt, sizeof(stmt));
        while (idx < set.n && strcmp(set.items[idx].name, f->migration) != 0)
            idx++;
        if (idx < nbase)
            gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0,
                              "the base's migrations do not replay on an empty database, so the "
                              "new ones cannot be tested: %s%s%s",
                              text, *stmt ? "; statement: " : "", stmt);
        else
            gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, f->path, f->line,
                              "%s%s%s (Prisma: P3018 at deploy; replayed on a shadow database "
                              "after the base's %zu migration%s)",
                              text, *stmt ? "; statement: " : "", stmt, nbase,
                              nbase == 1 ? "" : "s");
        free(text);
    } else {
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0,
                          "%zu new migration%s applied on a shadow database after the base's %zu "
                          "(%zu replayed, %zu from the replay cache, %lld ms)",
                          nadded, nadded == 1 ? "" : "s", nbase, res.replayed, res.from_cache,
                          res.ms);
    }
out:
    gate_err_clear(&err);
    if (gate_shadow_close(sh, &err))
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
    gate_replay_result_release(&res);
    gate_replay_set_release(&set);
    gate_db_close(tdb);
    gate_db_url_release(&turl);
}

const struct gate_check_def gate_check_test_apply = {
    .id = "test-apply",
    .family = "migrations",
    .summary = "the change's new migrations apply on a shadow database after the base's",
    .flags = GATE_CHECK_NEEDS_BASE,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
