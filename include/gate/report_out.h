/* SPDX-License-Identifier: MIT */
/*
 * report_out.h - where reports go: stdout in --format, report files from
 * --report FORMAT=PATH and the policy's reports: (written atomically for
 * every command, also when the gate fails), and GitHub Actions (masks,
 * annotations, step summary, outputs) under GITHUB_ACTIONS=true. The
 * writers themselves (report.h) are pure functions of the run; this
 * module is the part that touches the environment and the file system.
 */
#ifndef GATE_REPORT_OUT_H
#define GATE_REPORT_OUT_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/cli.h"
#include "gate/err.h"
#include "gate/policy.h"
#include "gate/report.h"
#include "gate/run.h"

/* A report file a run writes. */
struct gate_report_spec {
    enum gate_format format;
    const char *path; /* as given; "{command}" is replaced when written */
};

/*
 * Parse --report's "FORMAT=PATH": json, junit, sarif, gitlab, markdown or
 * text (github is not a file: it is automatic under GitHub Actions).
 * GATE_E_USAGE with a message on anything else.
 */
enum gate_code gate_report_spec_parse(const char *arg, struct gate_report_spec *out,
                                      struct gate_err *err);

/*
 * Render run in format f (text: with color/verbose as given). Fails only
 * for JUnit, when libxml2 cannot be loaded (gate_report_junit).
 */
enum gate_code gate_report_render(const struct gate_run *run, enum gate_format f,
                                  struct gate_buf *out, bool color, bool verbose,
                                  struct gate_err *err);

/* The run ends in a report in format f: on stdout (--format), or a file (--report, the policy). */
bool gate_reports_want(const struct gate_cli *cli, const struct gate_policy *pol,
                       enum gate_format f);

/*
 * Set run->repo_root and run->repo_prefix: GITHUB_WORKSPACE under GitHub
 * Actions, CI_PROJECT_DIR under GitLab CI, else the nearest directory up
 * from the working directory holding .git, else the working directory.
 */
void gate_report_locate(struct gate_run *run);

/* GITHUB_ACTIONS=true and the policy does not turn GitHub output off. */
bool gate_github_active(const struct gate_policy *pol);

/*
 * ::add-mask:: lines for every secret the run could print: the values of
 * the policy's target URL variables (and their passwords alone), the
 * deploy token and secret. Appended to out; nothing when none is set.
 */
void gate_github_masks(const struct gate_policy *pol, struct gate_buf *out);

/* "::add-mask::" lines for one secret value (each of its lines). */
void gate_github_mask_value(const char *value, struct gate_buf *out);

/*
 * Write every report file the run asks for: the policy's reports, each
 * format overridden by a --report of the same format, plus the other
 * --report files. Atomic (temp file + rename). Every failure (also a
 * JUnit report without libxml2) is reported on stderr; returns false
 * when any file could not be written.
 * written/nwritten (malloc'd, paths in run's arena) list what was
 * written, for $GITHUB_OUTPUT.
 */
bool gate_reports_write(struct gate_run *run, const struct gate_policy *pol,
                        const struct gate_report_spec *specs, size_t nspecs,
                        struct gate_report_path **written, size_t *nwritten);

/*
 * Before a command runs: can every file it will write be written - the
 * report files (--report, the policy's reports:), the --checklist file,
 * and under GitHub Actions $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY? Each
 * one that cannot is an error on stderr naming it; false then, and the
 * command must not run (exit 3: nothing was done). This is what lets the
 * exit status be final before anything is rendered.
 */
bool gate_outputs_writable(struct gate_run *run, const struct gate_cli *cli);

/*
 * Under GitHub Actions: annotations (appended to annotations_out, which
 * the caller sends to stdout with --format github, else to stderr), the
 * step summary appended to $GITHUB_STEP_SUMMARY (within its 1 MiB) and
 * outputs appended to $GITHUB_OUTPUT. Returns false when a file could
 * not be written (reported).
 */
bool gate_github_write(const struct gate_run *run, const struct gate_report_path *written,
                       size_t nwritten, struct gate_buf *annotations_out);

/* A random "ghadelimiter_<32 hex>" / stop-commands token into out (33+ bytes). */
void gate_github_token(char *out, size_t size);

#endif
