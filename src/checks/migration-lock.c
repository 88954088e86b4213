/* SPDX-License-Identifier: MIT */
/*
 * checks/migration-lock.c - migration_lock.toml is there and names the
 * provider of the schema's datasource, read exactly as Prisma's engine
 * reads it (history.h: the first line starting with "provider", then
 * "provider = " and quotes trimmed; not a TOML parser, so
 * provider="postgresql" without spaces is a mismatch). A mismatch is
 * Prisma's P3019: `migrate deploy` refuses to run.
 */
#include "gate/compat.h"
#include "gate/checks.h"
#include "gate/fs.h"
#include "gate/history.h"

#include <stdlib.h>
#include <string.h>

/* The 1-based line of the first line starting with "provider", 0 when none. */
static int provider_line(const char *data, size_t len)
{
    int line = 1;

    for (size_t i = 0; i < len; i++) {
        if ((i == 0 || data[i - 1] == '\n') && len - i >= 8 && !memcmp(data + i, "provider", 8))
            return line;
        if (data[i] == '\n')
            line++;
    }
    return 0;
}

static void run(struct gate_check_ctx *ctx, const struct gate_check_def *def)
{
    const char *want = gate_schema_lock_provider(&ctx->proj->parsed);
    char *path = gate_path_join(ctx->proj->migrations, "migration_lock.toml");
    char *data = NULL, *got;
    size_t len = 0;
    struct gate_err err = {0};

    if (!ctx->disk_exists || (!ctx->disk.n && gate_path_kind(path) == GATE_PATH_MISSING)) {
        gate_check_report(ctx, def, GATE_OUTCOME_SKIP, NULL, 0,
                          "no migrations in %s: no lock file needed", ctx->proj->migrations);
        free(path);
        return;
    }
    if (gate_path_kind(path) == GATE_PATH_MISSING) {
        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, path, 0,
                          "%s is missing: Prisma then skips its provider check, and the next "
                          "`prisma migrate dev` writes it; restore it (provider = \"%s\") and "
                          "commit it",
                          path, want ? want : "postgresql");
        free(path);
        return;
    }
    if (gate_read_file(path, (size_t)1024 * 1024, &data, &len, &err)) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, path, 0, "%s", err.msg);
        free(path);
        return;
    }
    got = gate_lock_provider(data, len);
    if (!want) {
        gate_check_report(ctx, def, GATE_OUTCOME_ERROR, path, 0,
                          "the schema has no datasource provider to compare %s with", path);
    } else if (!strcmp(got, GATE_LOCK_NO_PROVIDER)) {
        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, path, 0,
                          "%s has no line starting with \"provider\": Prisma reads that as %s and "
                          "`migrate deploy` fails with P3019; write provider = \"%s\"",
                          path, GATE_LOCK_NO_PROVIDER, want);
    } else if (strcmp(got, want) != 0) {
        bool spacing = got[0] == '=' || got[0] == ' ' || !strncmp(got, "provider", 8);

        gate_check_report(ctx, def, GATE_OUTCOME_VIOLATION, path, provider_line(data, len),
                          "%s names provider '%s' but the schema's datasource is '%s': "
                          "`prisma migrate deploy` fails with P3019%s; write provider = \"%s\"",
                          path, got, want,
                          spacing ? " (Prisma's reader needs exactly `provider = \"...\"`, "
                                    "with one space on each side of '=')"
                                  : "",
                          want);
    } else {
        gate_check_report(ctx, def, GATE_OUTCOME_PASS, path, provider_line(data, len),
                          "%s: provider \"%s\" matches the schema's datasource", path, got);
    }
    free(got);
    free(data);
    free(path);
}

const struct gate_check_def gate_check_migration_lock = {
    .id = "migration-lock",
    .family = "prisma",
    .summary = "migration_lock.toml is present and names the datasource's provider",
    .flags = GATE_CHECK_NEEDS_SCHEMA,
    .level = GATE_CHECK_ERROR,
    .run = run,
};
