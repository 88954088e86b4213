/* SPDX-License-Identifier: MIT */
/*
 * impact.h - what a migration changes, in the schema's terms (the seed's
 * "Detected Changes" and "Migration Impact"): each statement's effect
 * mapped from tables and columns back to Prisma models and fields
 * (through @@map / @map), whether it breaks running code or loses data,
 * whether existing rows need a data migration, a suggested name in
 * Prisma's style, and whether the migration's own name says what it does.
 */
#ifndef GATE_IMPACT_H
#define GATE_IMPACT_H

#include "gate/compat.h"
#include "gate/run.h"
#include "gate/schema.h"
#include "gate/sql.h"

/*
 * Set m->impact (allocated in run's arena) from m's parsed statements
 * (file) and its findings (lint m first). schema maps names back to the
 * Prisma schema (NULL: database names only). change is "added" or
 * "edited".
 */
void gate_impact_analyse(struct gate_run *run, struct gate_migration *m,
                         const struct gate_sql_file *file, const struct gate_schema *schema,
                         const char *change);

/*
 * The part of a migration name that describes it: after the
 * YYYYMMDDHHMMSS_ prefix Prisma writes ("" for a bare timestamp).
 * Borrowed from name.
 */
const char *gate_impact_slug(const char *name);

/*
 * Whether name describes its migration. False for a bare timestamp and
 * for names made only of vague words (update, fix, changes, migration,
 * wip, ...) and numbers; *why (static text) then says which.
 */
bool gate_impact_descriptive(const char *name, const char **why);

/*
 * text in Prisma's migration-name style: camelCase split, lower case,
 * every run of other characters one '_' (what `migrate dev --name`
 * slugifies), at most size-1 bytes into out.
 */
void gate_impact_snake(const char *text, char *out, size_t size);

#endif
