/* SPDX-License-Identifier: MIT */
/*
 * sections.c - the registration table of the report sections
 * (report_section.h: GATE_REPORT_SECTIONS), and what the formats share
 * to walk it.
 */
#include "gate/compat.h"
#include "gate/report_section.h"

#define GATE_SECTION_REF(name) &gate_section_##name,
const struct gate_report_section *const gate_report_sections[] = {
    GATE_REPORT_SECTIONS(GATE_SECTION_REF)};
#undef GATE_SECTION_REF

const size_t gate_report_nsections = GATE_ARRAY_SIZE(gate_report_sections);

const struct gate_report_section *gate_report_text_lead(const struct gate_run *run)
{
    for (size_t i = 0; i < gate_report_nsections; i++) {
        if (gate_report_sections[i]->present(run))
            return gate_report_sections[i];
    }
    return &gate_section_lint; /* present for every run: not reached */
}

size_t gate_report_facts(const struct gate_run *run, struct gate_report_fact *out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < gate_report_nsections && n < max; i++) {
        const struct gate_report_section *s = gate_report_sections[i];
        size_t got;

        if (!s->facts || !s->present(run))
            continue;
        got = s->facts(run, out + n, max - n);
        for (size_t k = n; k < n + got; k++)
            out[k].section = s->name;
        n += got;
    }
    return n;
}

bool gate_report_counts_suppressed(const struct gate_run *run)
{
    for (size_t i = 0; i < gate_report_nsections; i++) {
        const struct gate_report_section *s = gate_report_sections[i];

        if (s->counts_suppressed && s->present(run) && s->counts_suppressed(run))
            return true;
    }
    return false;
}

void gate_section_json_none(const struct gate_run *run, struct gate_jsonw *w)
{
    (void)run;
    (void)w;
}

void gate_section_markdown_none(const struct gate_run *run, struct gate_buf *out, size_t limit)
{
    (void)run;
    (void)out;
    (void)limit;
}
