/* SPDX-License-Identifier: MIT */
/*
 * report.h - report writers. Each is a pure function of the run model:
 * the same run always gives the same bytes.
 */
#ifndef GATE_REPORT_H
#define GATE_REPORT_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/run.h"

/* The canonical JSON report (format_version 1, design.md); appended to out. */
void gate_report_json(const struct gate_run *run, struct gate_buf *out);

/*
 * Human-readable text: path:line:col, risk, rule, message, help; ANSI
 * colour when color; info-severity findings only when verbose (counted).
 */
void gate_report_text(const struct gate_run *run, struct gate_buf *out, bool color, bool verbose);

/*
 * The health checks' results (run->health), a line each, and a summary
 * line; gate_report_text() includes it. Nothing when there are none.
 */
void gate_report_health_text(const struct gate_run *run, struct gate_buf *out, bool color);

#endif
