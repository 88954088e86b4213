/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy.c - libFuzzer harness for the policy loader (policy.c):
 * bytes -> gate_policy_parse (libyaml events -> node tree -> validation
 * of every section) -> what commands read from the result -> freed.
 * No file is read or written.
 *
 * Aborts when the result contradicts the header: a load that fails
 * without an error, or succeeds with one.
 */
#include "gate/compat.h"
#include "gate/policy.h"
#include "gate/checks.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/err.h"

#include "fuzz.h"

/* What commands read from a loaded policy (main.c and the commands). */
static void use(const struct gate_policy *p)
{
    struct gate_err err = {0};
    const struct gate_policy_target *t = gate_policy_target(p, NULL, &err);

    if (!t && !err.code)
        fuzz_fail("gate_policy_target: NULL without an error");
    for (size_t i = 0; i < p->ntargets; i++) {
        struct gate_err terr = {0};

        if (gate_policy_target(p, p->targets[i].name, &terr) != &p->targets[i])
            fuzz_fail("target '%s' not found by its own name: %s", p->targets[i].name, terr.msg);
    }
    for (size_t i = 0; gate_check_registry[i]; i++)
        (void)gate_check_level_name(gate_policy_check(p, gate_check_registry[i]->id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gate_arena arena = {0};
    struct gate_policy p;
    struct gate_err err = {0};
    struct gate_buf diags = {0};
    enum gate_code rc;

    rc = gate_policy_parse(&p, "prisma-gate.yml", (const char *)data, size, &arena, &err);
    if (rc != err.code)
        fuzz_fail("gate_policy_parse returned %d, err.code %d", (int)rc, (int)err.code);
    if (rc == GATE_OK) {
        if (p.ndiags)
            fuzz_fail("policy loaded with %zu errors", p.ndiags);
        use(&p);
    } else {
        if (rc != GATE_E_POLICY && rc != GATE_E_LIMIT)
            fuzz_fail("gate_policy_parse returned %d", (int)rc);
        if (!p.ndiags || !*err.msg)
            fuzz_fail("policy refused without an error (%zu diags, '%s')", p.ndiags, err.msg);
        gate_policy_diags_text(&p, &diags);
        gate_buf_release(&diags);
    }
    gate_arena_release(&arena);
    return 0;
}
