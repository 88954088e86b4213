/* SPDX-License-Identifier: MIT */
/*
 * checks/uncommitted-schema.c - the Prisma schema (a file, or every file
 * of a schema folder) has changes that are not committed: the migrations
 * and the generated client of this change must come from the schema that
 * is merged, not from one on somebody's disk.
 */
#include "gate/compat.h"
#include "gate/checks.h"

static const char *describe(unsigned f)
{
    if (f & GATE_RF_CONFLICTED)
        return "in conflict (unmerged)";
    if (f & GATE_RF_UNTRACKED)
        return "untracked: never committed";
    if (f & GATE_RF_DELETED)
        return "deleted, not committed";
    if ((f & GATE_RF_NEW) && (f & GATE_RF_STAGED))
        return (f & GATE_RF_MODIFIED) ? "added and modified, not committed"
                                      : "staged, not committed";
    if (f & GATE_RF_RENAMED)
        return "renamed, not committed";
    if ((f & GATE_RF_STAGED) && (f & GATE_RF_MODIFIED))
        return "staged and modified, not committed";
    if (f & GATE_RF_STAGED)
        return "staged, not committed";
    return "modified, not committed";
}

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    struct gate_repo_status st;
    struct gate_err err = {0};
    const char *paths[1];
    size_t found = 0;

    if (!ctx->r_schema) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0,
                          "the schema '%s' is outside the repository '%s'", ctx->proj->schema,
                          gate_repo_workdir(ctx->repo));
        return;
    }
    paths[0] = ctx->r_schema;
    if (gate_repo_status(ctx->repo, paths, 1, false, &st, &err)) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
        gate_repo_status_release(&st);
        return;
    }
    for (size_t i = 0; i < st.n; i++) {
        const struct gate_repo_fstatus *f = &st.items[i];
        size_t n = strlen(f->path);

        /* a schema folder may hold other files: only .prisma files are the schema */
        if (ctx->proj->schema_folder && (n < 7 || strcmp(f->path + n - 7, ".prisma") != 0))
            continue;
        found++;
        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, f->path, 0,
                          "%s: %s; commit the schema together with the migration made from it",
                          f->path, describe(f->flags));
    }
    if (!found)
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, ctx->r_schema, 0,
                          "the schema (%s) has no uncommitted change", ctx->r_schema);
    gate_repo_status_release(&st);
}

const struct gate_check_def gate_check_uncommitted_schema = {
    .id = "uncommitted-schema",
    .family = "git",
    .summary = "the Prisma schema has uncommitted changes",
    .flags = GATE_CHECK_NEEDS_GIT,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
