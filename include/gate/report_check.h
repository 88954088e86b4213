/* SPDX-License-Identifier: MIT */
/*
 * report_check.h - the parts of the reports that `check` and `detect`
 * add: the JSON members `change` (what the change was measured against),
 * `migrations[].impact` and `setup`, and the two text reports. Pure
 * functions of the run model, like every report.
 */
#ifndef GATE_REPORT_CHECK_H
#define GATE_REPORT_CHECK_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/json.h"
#include "gate/run.h"

/* {"base": {...}, "head": {...}, "shallow", "schema", "migrations_dir", counts}; caller frees. */
struct gate_json *gate_report_change_json(const struct gate_run_change *c);

/* {"change", "changes": [...], "models", "fields", "breaking", ...}; caller frees. */
struct gate_json *gate_report_impact_json(const struct gate_impact *imp);

/* {"strategy", "targets": [...], "database": {...}, "shared_database", ...}; caller frees. */
struct gate_json *gate_report_setup_json(const struct gate_run_setup *s);

/*
 * The text report of `check` (run->change set): what was compared, every
 * check, each added or edited migration with its detected changes,
 * impact and findings, and the verdict. info findings only when verbose.
 */
void gate_report_check_text(const struct gate_run *run, struct gate_buf *out, bool color,
                            bool verbose);

/* The text report of `detect` (run->setup set): "Database Setup Analysis". */
void gate_report_detect_text(const struct gate_run *run, struct gate_buf *out, bool color);

#endif
