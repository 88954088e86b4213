/* SPDX-License-Identifier: MIT */
/*
 * cmd/rules.c - `prisma-gate rules` and `prisma-gate explain RULE`.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/json.h"
#include "gate/msg.h"
#include "gate/rules.h"

#include <stdlib.h>
#include <string.h>

static const char *flags_note(const struct gate_rule *r)
{
    if (r->flags & GATE_RULE_OFF)
        return "off by default";
    if (r->flags & GATE_RULE_HYGIENE)
        return "not on Prisma-generated statements";
    return "";
}

enum gate_exit gate_cmd_rules(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    size_t n = gate_rules_count();

    (void)run;
    if (cli->nargs) {
        gate_errorf("'rules' takes no arguments (did you mean 'explain %s'?)", cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    if (cli->format == GATE_FORMAT_JSON) {
        struct gate_json *arr = gate_json_array();
        char *s;

        for (size_t i = 0; i < n; i++) {
            const struct gate_rule *r = gate_rule_at(i);
            struct gate_json *o = gate_json_object();

            gate_json_set_str(o, "rule", r->id);
            gate_json_set_str(o, "risk", gate_risk_name(r->risk));
            gate_json_set_str(o, "category", gate_category_name(r->category));
            gate_json_set_str(o, "summary", r->summary);
            gate_json_set_bool(o, "hygiene", (r->flags & GATE_RULE_HYGIENE) != 0);
            gate_json_set_bool(o, "default_on", (r->flags & GATE_RULE_OFF) == 0);
            gate_json_append(arr, o);
        }
        s = gate_json_dump(arr);
        gate_buf_adds(out, s);
        free(s);
        gate_json_free(arr);
        return GATE_EXIT_OK;
    }
    gate_buf_printf(out, "%-46s %-9s %-15s %s\n", "RULE", "RISK", "CATEGORY", "SUMMARY");
    for (size_t i = 0; i < n; i++) {
        const struct gate_rule *r = gate_rule_at(i);
        const char *note = flags_note(r);

        gate_buf_printf(out, "%-46s %-9s %-15s %s%s%s\n", r->id, gate_risk_name(r->risk),
                        gate_category_name(r->category), r->summary, *note ? " — " : "", note);
    }
    return GATE_EXIT_OK;
}

enum gate_exit gate_cmd_explain(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    const struct gate_rule *r;

    (void)run;
    if (cli->nargs != 1) {
        gate_errorf("usage: prisma-gate explain RULE (prisma-gate rules lists them)");
        return GATE_EXIT_USAGE;
    }
    r = gate_rule_find(cli->args[0]);
    if (!r) {
        const char *s = gate_rule_suggest(cli->args[0]);

        if (s)
            gate_errorf("unknown rule '%s' (did you mean '%s'?)", cli->args[0], s);
        else
            gate_errorf("unknown rule '%s' (prisma-gate rules lists them)", cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    if (cli->format == GATE_FORMAT_JSON) {
        struct gate_json *o = gate_json_object();
        char *s;

        gate_json_set_str(o, "rule", r->id);
        gate_json_set_str(o, "risk", gate_risk_name(r->risk));
        gate_json_set_str(o, "category", gate_category_name(r->category));
        gate_json_set_str(o, "summary", r->summary);
        gate_json_set_str(o, "why", r->why);
        gate_json_set_str(o, "help", r->help);
        gate_json_set_str(o, "example_bad", r->example_bad);
        gate_json_set_str(o, "example_good", r->example_good);
        s = gate_json_dump(o);
        gate_buf_adds(out, s);
        free(s);
        gate_json_free(o);
        return GATE_EXIT_OK;
    }
    gate_buf_printf(out, "%s — %s\n\nrisk: %s    category: %s%s%s\n\n", r->id, r->summary,
                    gate_risk_name(r->risk), gate_category_name(r->category),
                    *flags_note(r) ? "    " : "", flags_note(r));
    if (r->why)
        gate_buf_printf(out, "Why:\n  %s\n\n", r->why);
    if (r->help)
        gate_buf_printf(out, "Instead:\n  %s\n\n", r->help);
    if (r->example_bad)
        gate_buf_printf(out, "Flagged:\n  %s\n\n", r->example_bad);
    if (r->example_good)
        gate_buf_printf(out, "Safe:\n  %s\n\n", r->example_good);
    gate_buf_printf(out, "Suppress one statement with\n  -- prisma-gate-ignore %s: <reason>\n",
                    r->id);
    return GATE_EXIT_OK;
}
