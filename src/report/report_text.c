/* SPDX-License-Identifier: MIT */
/*
 * report_text.c - the human-readable report: that of the run's leading
 * section (report_section.h), the first present one in the table.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/report_section.h"

void gate_report_text(const struct gate_run *run, struct gate_buf *out, bool color, bool verbose)
{
    const struct gate_text_opts o = {.color = color, .verbose = verbose};

    gate_report_text_lead(run)->text(run, out, &o);
}
