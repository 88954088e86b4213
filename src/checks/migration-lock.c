/* SPDX-License-Identifier: MIT */
/*
 * checks/migration-lock.c - migration_lock.toml is there and names the
 * provider of the schema's datasource, read exactly as Prisma's engine
 * reads it (the one lock-file check, migrations.h: gate_lock_check;
 * history.h: the first line starting with "provider", then
 * "provider = " and quotes trimmed; not a TOML parser, so
 * provider="postgresql" without spaces is a mismatch). A mismatch is
 * Prisma's P3019: `migrate deploy` refuses to run.
 */
#include "gate/compat.h"
#include "gate/checks.h"
#include "gate/migrations.h"

#include <stdlib.h>
#include <string.h>

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    const char *want = gate_schema_lock_provider(&ctx->proj->parsed);
    struct gate_lock_check c;

    gate_lock_check(ctx->proj->migrations, want, &c);
    if (!ctx->disk_exists || (!ctx->disk.n && c.state == GATE_LOCK_MISSING)) {
        gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0,
                          "no migrations in %s: no lock file needed", ctx->proj->migrations);
    } else if (c.state == GATE_LOCK_MISSING) {
        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, c.path, 0,
                          "%s is missing: Prisma then skips its provider check, and the next "
                          "`prisma migrate dev` writes it; restore it (provider = \"%s\") and "
                          "commit it",
                          c.path, want ? want : "postgresql");
    } else if (c.state == GATE_LOCK_UNREADABLE) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, c.path, 0, "%s", c.error);
    } else if (!want) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, c.path, 0,
                          "the schema has no datasource provider to compare %s with", c.path);
    } else if (c.state == GATE_LOCK_UNNAMED) {
        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, c.path, 0,
                          "%s has no line starting with \"provider\": Prisma reads that as %s and "
                          "`migrate deploy` fails with P3019; write provider = \"%s\"",
                          c.path, GATE_LOCK_NO_PROVIDER, want);
    } else if (c.state == GATE_LOCK_MISMATCH) {
        const char *got = c.provider;
        bool spacing = got[0] == '=' || got[0] == ' ' || !strncmp(got, "provider", 8);

        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, c.path, c.line,
                          "%s names provider '%s' but the schema's datasource is '%s': "
                          "`prisma migrate deploy` fails with P3019%s; write provider = \"%s\"",
                          c.path, got, want,
                          spacing ? " (Prisma's reader needs exactly `provider = \"...\"`, "
                                    "with one space on each side of '=')"
                                  : "",
                          want);
    } else {
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, c.path, c.line,
                          "%s: provider \"%s\" matches the schema's datasource", c.path,
                          c.provider);
    }
    gate_lock_check_release(&c);
}

const struct gate_check_def gate_check_migration_lock = {
    .id = "migration-lock",
    .family = "prisma",
    .summary = "migration_lock.toml is present and names the datasource's provider",
    .flags = GATE_CHECK_NEEDS_SCHEMA,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
