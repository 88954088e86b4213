/* SPDX-License-Identifier: MIT */
/*
 * report_status.h - the database-history parts of the reports (status and
 * later commands that read the target): the JSON members `target`,
 * `history` and the per-migration history keys, and the text table.
 * Pure functions of the run model, like every report.
 */
#ifndef GATE_REPORT_STATUS_H
#define GATE_REPORT_STATUS_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/json.h"
#include "gate/run.h"

/* {"name", "url_env", "host", "port", "database", "schema", "user"}; never a password. */
struct gate_json *gate_report_target_json(const struct gate_target *t);

/* {"strategy", "table", "rows", ..., "prisma_migrate_status", "next"}. */
struct gate_json *gate_report_history_json(const struct gate_run *run);

/* Add the history keys of m (local, applied_at, db_checksum, rows, note ...) to o. */
void gate_report_migration_history_json(struct gate_json *o, const struct gate_migration *m);

/*
 * The text report of a run with a history (run->history set): a
 * "Database Setup Analysis" style summary, one row per migration with
 * its state, the checks that did not pass, what to run next.
 */
void gate_report_status_text(const struct gate_run *run, struct gate_buf *out, bool color);

#endif
