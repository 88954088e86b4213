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

/*
 * Render run in format f (text: with colour, verbosity and width as o
 * says), with the format table's writer (report_format.h). Fails only
 * when the format needs a library that cannot be loaded (JUnit: libxml2).
 */
enum gate_code gate_report_render(const struct gate_run *run, enum gate_format f,
                                  struct gate_buf *out, const struct gate_text_opts *o,
                                  struct gate_err *err);

/* The run ends in a report in format f: on stdout (--format), or a file (--report, the policy). */
bool gate_reports_want(const struct gate_cli *cli, const struct gate_policy *pol,
                       enum gate_format f);

/*
 * Load what the reports the run ends in need (the format table's load:
 * libxml2 for JUnit), so that a command does not start what it cannot
 * report. GATE_E_IO naming the package to install.
 */
enum gate_code gate_reports_load(const struct gate_cli *cli, const struct gate_policy *pol,
                                 struct gate_err *err);

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
 * the policy's target URL variables (and their userinfo and passwords
 * alone, whatever they hold), the credentials of health check URLs, the
 * deploy token and secret. Appended to out; nothing when none is set.
 */
void gate_github_masks(const struct gate_policy *pol, struct gate_buf *out);

/* "::add-mask::" lines for one secret value (each of its lines). */
void gate_github_mask_value(const char *value, struct gate_buf *out);

/*
 * ::add-mask:: lines for a URL that holds an '@' (a health check's): the
 * URL, and its userinfo and password whatever they hold (secrets.h).
 * Nothing for a URL without one. The policy's health URLs are in
 * gate_github_masks(); main.c adds the --url ones.
 */
void gate_github_mask_url(const char *url, struct gate_buf *out);

/*
 * Two report files of different formats to one path: the policy's
 * reports (each unless a --report flag names its format) and the flags',
 * after {command} is replaced with command, compared by realpath where
 * the file (or its directory) exists, so a symlink or "./x" is the same
 * path. checklist (plan's and deploy's --checklist PATH, or NULL) must not
 * be any report's path either. GATE_E_USAGE naming both; the policy alone
 * is checked when it is loaded.
 */
enum gate_code gate_reports_check_paths(const struct gate_policy *pol, const char *command,
                                        const struct gate_report_spec *specs, size_t nspecs,
                                        const char *checklist, struct gate_err *err);

/*
 * Write every report file the run asks for: the policy's reports, each
 * format overridden by a --report of the same format, plus the other
 * --report files (gate_write_report_file: atomic for a regular file or
 * a new path; a device or FIFO in place; through a symlink). Nothing
 * when two would go to one path, or one to the checklist's path
 * (gate_reports_check_paths). Every failure
 * (also a JUnit report without libxml2) is reported on stderr; returns
 * false when any file could not be written.
 * written/nwritten (malloc'd, paths in run's arena) list what was
 * written, for $GITHUB_OUTPUT. Sets run->json_report to the JSON report
 * file's path when one is asked for (the Markdown names it).
 */
bool gate_reports_write(struct gate_run *run, const struct gate_policy *pol,
                        const struct gate_report_spec *specs, size_t nspecs, const char *checklist,
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
