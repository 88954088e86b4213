/* SPDX-License-Identifier: MIT */
/*
 * prisma_errors.h - the one table of the Prisma error codes the gate
 * knows (P1000-range connection codes, P1002, P3005, P3006, P3009,
 * P3014, P3015, P3018, P3019 ...): what each means and what the gate
 * tells the user to do about it (docs/internals/prisma-migrate.md, "Error
 * codes"). deploy maps Prisma's output to an entry, the plan's
 * checklist prints the troubleshooting entries, status, plan and check
 * take their guidance from here, and db.c names the code a libpq
 * connection error corresponds to.
 */
#ifndef GATE_PRISMA_ERRORS_H
#define GATE_PRISMA_ERRORS_H

#include "gate/compat.h"

struct gate_prisma_error {
    const char *code;     /* "P3009" */
    const char *title;    /* a few words: "failed migration" */
    const char *meaning;  /* what happened, one clause, lower case, no full stop */
    const char *guidance; /* what to do, one clause, lower case, no full stop; NULL: see
                             the caller (the steps need the migration's name) */
    bool troubleshoot;    /* listed in the plan checklist's troubleshooting */
};

/* The table, in the order deploy looks for the codes in Prisma's output. */
const struct gate_prisma_error *gate_prisma_errors(size_t *n);

/* The entry of code ("P3009"), NULL when the gate does not know it. */
const struct gate_prisma_error *gate_prisma_error(const char *code);

/*
 * The error Prisma's CLI output reports: the first entry of the table
 * (in its order) whose "Error: CODE" occurs in output; NULL when none
 * does (an engine error without a code).
 */
const struct gate_prisma_error *gate_prisma_error_in_output(const char *output);

/*
 * The connection code (P1000, P1001, P1003) a libpq connection error
 * message corresponds to, as Prisma would report the same failure;
 * NULL when none does.
 */
const struct gate_prisma_error *gate_prisma_error_of_libpq(const char *message);

#endif
