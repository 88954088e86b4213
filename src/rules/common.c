/* SPDX-License-Identifier: MIT */
/*
 * common.c - helpers the rule families share (rules_common.h): name and
 * type comparisons.
 */
#include "gate/compat.h"
#include "gate/rules_common.h"
#include "gate/lint.h"

#include <string.h>

/* ---- names and types ---------------------------------------------------- */

bool gate_rules_str_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

bool gate_rules_same_schema(const char *a, const char *b)
{
    if (!a)
        a = "public";
    if (!b)
        b = "public";
    return !strcmp(a, b);
}

bool gate_rules_same_qname(const struct gate_qname *a, const struct gate_qname *b)
{
    return gate_rules_str_eq(a->name, b->name) && gate_rules_same_schema(a->schema, b->schema);
}

bool gate_rules_is_type(const struct gate_type *t, const char *name)
{
    return t->name && !t->schema && !strcmp(t->name, name);
}

bool gate_rules_serial_type(const struct gate_type *t)
{
    return t->array_dims == 0 &&
           (gate_rules_is_type(t, "serial") || gate_rules_is_type(t, "bigserial") ||
            gate_rules_is_type(t, "smallserial"));
}

const char *gate_rules_sql_type(struct gate_lint_ctx *ctx, const struct gate_type *t)
{
    struct gate_type q = *t;
    bool quote = t->schema;

    for (const char *p = t->name; p && *p && !quote; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            quote = true;
    }
    if (quote) {
        q.name = gate_lint_qname(ctx, &(struct gate_qname){NULL, t->name});
        if (t->schema)
            q.schema = gate_lint_qname(ctx, &(struct gate_qname){NULL, t->schema});
    }
    return gate_lint_type(ctx, &q);
}
