/* SPDX-License-Identifier: MIT */
/*
 * rules_common.h - what the rule families under src/rules/ share: name
 * and type comparisons as PostgreSQL resolves them (an unqualified name
 * is in schema public). Pure functions of their arguments; nothing here
 * reports a finding.
 */
#ifndef GATE_RULES_COMMON_H
#define GATE_RULES_COMMON_H

#include "gate/compat.h"
#include "gate/sql.h"

struct gate_lint_ctx;

/* ---- names and types ---------------------------------------------------- */

/* a and b are both non-NULL and equal. */
bool gate_rules_str_eq(const char *a, const char *b);

/* Schemas a and b are the same; NULL (unqualified) means "public". */
bool gate_rules_same_schema(const char *a, const char *b);

/*
 * a and b name the same object: both names set and equal, and the same
 * schema as gate_rules_same_schema() decides. A NULL name matches nothing.
 */
bool gate_rules_same_qname(const struct gate_qname *a, const struct gate_qname *b);

/* t is the unqualified built-in type name (as PostgreSQL folds it: "int4", "varchar"). */
bool gate_rules_is_type(const struct gate_type *t, const char *name);

/* t is serial, bigserial or smallserial (not an array of them). */
bool gate_rules_serial_type(const struct gate_type *t);

/*
 * Type t as SQL for a help text, user type names quoted as Prisma writes
 * them ("Role", "app"."Role"); built-in names stay bare. The string is
 * owned by ctx (gate_lint_type()) and lives as long as the file's lint.
 */
const char *gate_rules_sql_type(struct gate_lint_ctx *ctx, const struct gate_type *t);

#endif
