/* SPDX-License-Identifier: MIT */
/*
 * report_drift.h - the JUnit test cases of the drift section (one per
 * kind of object), made in src/report/sections/drift.c (which also
 * registers the section's JSON, text and Markdown: report_section.h) and
 * written by report_junit.c, the only libxml2 user. Pure functions of
 * the run model.
 */
#ifndef GATE_REPORT_DRIFT_H
#define GATE_REPORT_DRIFT_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/run.h"

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
