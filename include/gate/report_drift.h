/* SPDX-License-Identifier: MIT */
/*
 * report_drift.h - the drift section of every report (drift.h's
 * struct gate_run_drift, run->drift): the JSON member `drift`, the text
 * report, the Markdown section with its Mermaid ER picture of the tables
 * that differ, and the JUnit test cases (one per kind of object; the
 * XML itself is written by report_junit.c, the only libxml2 user).
 * Pure functions of the run model.
 */
#ifndef GATE_REPORT_DRIFT_H
#define GATE_REPORT_DRIFT_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/json.h"
#include "gate/run.h"

/* The value of the JSON member "drift" (docs/report.schema.json): an object. */
void gate_report_drift_json(const struct gate_run *run, struct gate_jsonw *w);

/* The text report of `drift`. */
void gate_report_drift_text(const struct gate_run *run, struct gate_buf *out, bool color);

/*
 * The Markdown section: counts and digest, one table row per item, the
 * remedies, the Mermaid erDiagram of the tables that differ (columns
 * marked added / missing / changed), pending migrations. Stops adding
 * rows once out->len passes limit (a note says so).
 */
void gate_report_drift_markdown(const struct gate_run *run, struct gate_buf *out, size_t limit);

/* One JUnit test case: all of one kind of object (or the history). */
struct gate_drift_case {
    const char *name;     /* the kind: "column", "index", ..., "migration" */
    size_t failures;      /* its items (0: a passing test case) */
    struct gate_buf text; /* failure message: one line per item */
};

/*
 * The test cases of run->drift (none when it was not evaluated): one per
 * kind introspection knows plus "migration", in a fixed order. *out is
 * malloc'd; free with gate_report_drift_cases_free.
 */
void gate_report_drift_cases(const struct gate_run *run, struct gate_drift_case **out, size_t *n);
void gate_report_drift_cases_free(struct gate_drift_case *c, size_t n);

#endif
