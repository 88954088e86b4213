/* SPDX-License-Identifier: MIT */
/*
 * checks/edited-migrations.c - a migration that exists on the base is
 * modified, deleted or renamed by this change. Once merged, a migration
 * is history: the databases that applied it never run it again, Prisma
 * reports a changed checksum as modified (and `migrate dev` wants to
 * reset the database), a deleted one as missing, and a renamed one is a
 * new migration that is applied a second time.
 */
#include "gate/compat.h"
#include "gate/checks.h"

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    size_t found = 0;
    const char *dir = ctx->proj->migrations;
    const char *rdir = ctx->r_migrations;
    const char *sep = *rdir ? "/" : "";

    for (size_t i = 0; i < ctx->nmigs; i++) {
        const struct gate_change_mig *m = &ctx->migs[i];
        char path[1024];

        if (m->kind != GATE_CHANGE_EDITED && m->kind != GATE_CHANGE_DELETED)
            continue;
        found++;
        (void)snprintf(path, sizeof(path), "%s%s%s/migration.sql", rdir, sep, m->name);
        if (m->kind == GATE_CHANGE_EDITED)
            gate_check_report(
                ctx, def, GATE_OUTCOME_VIOLATION, path, 0,
                "migration %s is on the base (%s) and this change modifies its migration.sql: "
                "databases that applied it never run the new text and Prisma reports its "
                "checksum as modified; restore it (git checkout %.12s -- '%s/%s/migration.sql') "
                "and put the change into a new migration",
                m->name, ctx->base.ref, ctx->base.commit, dir, m->name);
        else if (m->renamed_to)
            gate_check_report(
                ctx, def, GATE_OUTCOME_VIOLATION, path, 0,
                "migration %s is on the base (%s) and this change renames it to %s: databases "
                "that applied it take %s for a new migration and run it again, and report %s as "
                "missing; keep the original folder name",
                m->name, ctx->base.ref, m->renamed_to, m->renamed_to, m->name);
        else
            gate_check_report(
                ctx, def, GATE_OUTCOME_VIOLATION, path, 0,
                "migration %s is on the base (%s) and this change deletes %s: databases that "
                "applied it report it as missing locally and `prisma migrate dev` wants to reset "
                "them; restore it (git checkout %.12s -- '%s/%s')",
                m->name, ctx->base.ref, m->on_disk ? "its migration.sql" : "it", ctx->base.commit,
                dir, m->name);
    }
    if (!found)
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, NULL, 0,
                          "none of the %zu migration%s on the base (%s) is modified, renamed or "
                          "deleted",
                          ctx->nbase, ctx->nbase == 1 ? "" : "s", ctx->base.ref);
}

const struct gate_check_def gate_check_edited_migrations = {
    .id = "edited-migrations",
    .family = "git",
    .summary = "a migration on the base is modified, renamed or deleted",
    .flags = GATE_CHECK_NEEDS_BASE,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
