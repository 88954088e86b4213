/* SPDX-License-Identifier: MIT */
/*
 * checks/untracked-migrations.c - migration files that are not committed:
 * an untracked or only staged migration.sql (Prisma applies it on this
 * machine, the other databases never see it), one with uncommitted
 * edits, one that .gitignore hides, and the same for migration_lock.toml.
 * Other files in the migrations directory are not read by Prisma and
 * are not reported.
 */
#include "gate/compat.h"
#include "gate/checks.h"

#include <string.h>

static const char *describe(unsigned f)
{
    if (f & GATE_RF_IGNORED)
        return "ignored by .gitignore: Prisma applies it here, but it is never committed, so "
               "no other database gets it; un-ignore it and commit it";
    if (f & GATE_RF_UNTRACKED)
        return "untracked: commit it (git add), or remove it if it is a leftover";
    if (f & GATE_RF_CONFLICTED)
        return "in conflict (unmerged): resolve and commit it";
    if (f & GATE_RF_DELETED)
        return "deleted but not committed";
    if ((f & GATE_RF_NEW) && (f & GATE_RF_STAGED))
        return "staged but not committed";
    return "has uncommitted changes";
}

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    struct gate_repo_status st;
    struct gate_err err = {0};
    const char *paths[1];
    size_t found = 0, dl;

    if (!ctx->r_migrations) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0,
                          "the migrations directory '%s' is outside the repository '%s'",
                          ctx->proj->migrations, gate_repo_workdir(ctx->repo));
        return;
    }
    paths[0] = ctx->r_migrations;
    dl = strlen(ctx->r_migrations);
    if (gate_repo_status(ctx->repo, paths, 1, true, &st, &err)) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, NULL, 0, "%s", err.msg);
        gate_repo_status_release(&st);
        return;
    }
    for (size_t i = 0; i < st.n; i++) {
        const struct gate_repo_fstatus *f = &st.items[i];
        const char *rest = f->path + (dl && !strncmp(f->path, ctx->r_migrations, dl) ? dl + 1 : 0);
        const char *slash = strchr(rest, '/');
        bool sql = slash && !strcmp(slash + 1, "migration.sql");

        if (!sql && strcmp(rest, "migration_lock.toml") != 0)
            continue;
        found++;
        if (sql)
            gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, f->path, 0, "migration %.*s: %s",
                              (int)(slash - rest), rest, describe(f->flags));
        else
            gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, f->path, 0, "%s: %s", f->path,
                              describe(f->flags));
    }
    if (!found)
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, ctx->r_migrations, 0,
                          "every migration in %s is committed", ctx->r_migrations);
    gate_repo_status_release(&st);
}

const struct gate_check_def gate_check_untracked_migrations = {
    .id = "untracked-migrations",
    .family = "git",
    .summary = "migration folders or files that are not committed",
    .flags = GATE_CHECK_NEEDS_GIT,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
