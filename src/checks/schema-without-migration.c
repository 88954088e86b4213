/* SPDX-License-Identifier: MIT */
/*
 * checks/schema-without-migration.c - the schema changed in this change
 * but no migration was added (the database will not follow the models
 * the code is written against); and, as a warning, a migration was added
 * although the schema did not change (fine for a hand-written data or
 * SQL-only migration; otherwise the schema change is missing).
 *
 * "Changed" ignores what a migration never follows: comments, layout,
 * field order, generator blocks and the datasource's URLs.
 */
#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/checks.h"
#include "gate/xalloc.h"

#include <stdlib.h>

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    struct gate_buf names = {0};
    size_t added = 0;
    char *diff = NULL;

    if (!ctx->disk_exists && !ctx->nbase) {
        gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0,
                          "no migrations directory (%s), here or on the base: the schema is "
                          "applied with `prisma db push`, not with migrations",
                          ctx->proj->migrations);
        return;
    }
    for (size_t i = 0; i < ctx->nmigs; i++) {
        const struct gate_change_mig *m = &ctx->migs[i];

        if (m->kind != GATE_CHANGE_ADDED || m->renamed_from)
            continue;
        if (added < 5)
            gate_buf_printf(&names, "%s%s", added ? ", " : "", m->name);
        added++;
    }
    if (added > 5)
        gate_buf_printf(&names, " and %zu more", added - 5);
    if (ctx->base_schema_found) {
        diff = gate_schema_diff(&ctx->base_schema, &ctx->proj->parsed, true);
    } else {
        for (size_t i = 0; i < ctx->proj->parsed.n && !diff; i++) {
            if (ctx->proj->parsed.blocks[i].kind <= GATE_SB_TYPE)
                diff = gate_xstrdup("the schema is not on the base");
        }
    }
    if (diff && !added) {
        char *prisma = gate_policy_prisma_cmd(ctx->policy);

        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, ctx->r_schema, 0,
                          "the schema changed against %s (%s) but this change adds no migration: "
                          "create it with `%s migrate dev --name <name>` and commit it "
                          "(a change that needs no SQL, e.g. a client-side @default or a relation "
                          "field, is the exception: then lower this check in the policy)",
                          ctx->base.ref, diff, prisma);
        free(prisma);
    } else if (!diff && added)
        gate_check_report(ctx, def, GATE_OUTCOME_NOTICE, NULL, 0,
                          "%zu migration%s added (%s) but the schema did not change: expected for "
                          "a hand-written data or SQL-only migration; otherwise the schema change "
                          "is missing from this change",
                          added, added == 1 ? "" : "s", gate_buf_str(&names));
    else if (diff)
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0,
                          "the schema changed (%s) and %zu migration%s added (%s)", diff, added,
                          added == 1 ? " was" : "s were", gate_buf_str(&names));
    else
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0,
                          "neither the schema nor the migrations changed against %s",
                          ctx->base.ref);
    free(diff);
    gate_buf_release(&names);
}

const struct gate_check_def gate_check_schema_without_migration = {
    .id = "schema-without-migration",
    .family = "git",
    .summary = "the schema changed but no migration was added (or the reverse, a warning)",
    .flags = GATE_CHECK_NEEDS_BASE | GATE_CHECK_NEEDS_SCHEMA,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
