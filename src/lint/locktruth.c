/* SPDX-License-Identifier: MIT */
/*
 * locktruth.c - the measured table locks of src/lint/lock_truth.tsv,
 * compiled in from the header the build generates from it.
 */
#include "gate/compat.h"
#include "gate/locktruth.h"

#include <string.h>

#include "lock_truth.h" /* build/gen: static const struct gate_lock_truth lock_truth_rows[] */

size_t gate_lock_truth_count(void)
{
    return GATE_ARRAY_SIZE(lock_truth_rows);
}

const struct gate_lock_truth *gate_lock_truth_at(size_t i)
{
    return i < GATE_ARRAY_SIZE(lock_truth_rows) ? &lock_truth_rows[i] : NULL;
}

const struct gate_lock_truth *gate_lock_truth_rule(const char *id)
{
    for (size_t i = 0; id && i < GATE_ARRAY_SIZE(lock_truth_rows); i++) {
        if (lock_truth_rows[i].rule && !strcmp(lock_truth_rows[i].rule, id))
            return &lock_truth_rows[i];
    }
    return NULL;
}
