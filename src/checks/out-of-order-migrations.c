/* SPDX-License-Identifier: MIT */
/*
 * checks/out-of-order-migrations.c - a migration this change adds sorts
 * (in Prisma's order) before the newest migration on the base. That
 * happens when a branch made its migration before another branch's was
 * merged. Prisma applies it anyway, after the newer one, so databases
 * that were deployed before and after the merge end up with different
 * orders, and a migration that depends on the other one's tables breaks.
 */
#include "gate/compat.h"
#include "gate/checks.h"

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    size_t found = 0, added = 0;
    const char *rdir = ctx->r_migrations;
    const char *sep = *rdir ? "/" : "";

    for (size_t i = 0; i < ctx->nmigs; i++) {
        const struct gate_change_mig *m = &ctx->migs[i];
        char path[1024];

        if (m->kind != GATE_CHANGE_ADDED || m->renamed_from)
            continue;
        added++;
        if (!ctx->newest_base || gate_migration_name_cmp(m->name, ctx->newest_base) >= 0)
            continue;
        found++;
        (void)snprintf(path, sizeof(path), "%s%s%s", rdir, sep, m->name);
        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, path, 0,
                          "new migration %s sorts before %s, the newest migration on the base "
                          "(%s): databases that already applied %s run it after that one, in a "
                          "different order than a fresh database; rename its folder so that it "
                          "sorts last (a timestamp after %.14s) and check it still applies on "
                          "top of %s",
                          m->name, ctx->newest_base, ctx->base.ref, ctx->newest_base,
                          ctx->newest_base, ctx->newest_base);
    }
    if (found)
        return;
    if (!added)
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0, "this change adds no migration");
    else if (ctx->newest_base)
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0,
                          "the %zu new migration%s sort%s after %s, the newest on the base", added,
                          added == 1 ? "" : "s", added == 1 ? "s" : "", ctx->newest_base);
    else
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0,
                          "the base has no migration: nothing to be out of order with");
}

const struct gate_check_def gate_check_out_of_order_migrations = {
    .id = "out-of-order-migrations",
    .family = "git",
    .summary = "a new migration sorts before the newest migration on the base",
    .flags = GATE_CHECK_NEEDS_BASE,
    .level = GATE_CHECK_WARNING,
    .run = run,
};
