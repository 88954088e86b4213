/* SPDX-License-Identifier: MIT */
/*
 * sections/health.c - the `health` section (health, and deploy's health
 * checks): JSON `health`, a text line per check with a summary line, and
 * the Markdown "### Health checks" table.
 */
#include "gate/compat.h"
#include "gate/health.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_section.h"
#include "gate/ghsafe.h"

#include <string.h>

static bool present(const struct gate_run *run)
{
    /* health and deploy report the list even when the policy has none */
    return run->nhealth || !strcmp(run->command, "health") || !strcmp(run->command, "deploy");
}

/* "health": [...] (health.h), in policy order. */
static void json(const struct gate_run *run, struct gate_jsonw *w)
{
    gate_jsonw_key(w, "health");
    gate_jsonw_array(w);
    for (size_t i = 0; i < run->nhealth; i++) {
        const struct gate_health_result *h = &run->health[i];

        gate_jsonw_object(w);
        gate_jsonw_key(w, "name");
        gate_jsonw_str(w, h->name);
        gate_jsonw_key(w, "url");
        gate_jsonw_str(w, h->url);
        gate_jsonw_key(w, "status");
        gate_jsonw_str(w, gate_status_name(h->status));
        gate_jsonw_key(w, "http_status");
        if (h->http_status)
            gate_jsonw_int(w, h->http_status);
        else
            gate_jsonw_null(w);
        gate_jsonw_key(w, "attempts");
        gate_jsonw_int(w, h->attempts);
        gate_jsonw_key(w, "elapsed_ms");
        gate_jsonw_int(w, h->elapsed_ms);
        gate_jsonw_key(w, "message");
        gate_jsonw_str(w, h->message);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
}

/* Text from the input, one line (ghsafe.h), as the lint section's findings. */
static void put(struct gate_buf *out, const char *s)
{
    if (s)
        gate_safe_text(out, s, strlen(s), GATE_SAFE_SPACES);
}

void gate_report_health_text(const struct gate_run *run, struct gate_buf *out, bool color)
{
    size_t counts[GATE_STATUS_ERROR + 1] = {0};

    if (!run->nhealth)
        return;
    for (size_t i = 0; i < run->nhealth; i++) {
        const struct gate_health_result *h = &run->health[i];
        const char *c = h->status == GATE_STATUS_PASS ? GATE_C_GREEN : GATE_C_RED;

        counts[h->status]++;
        gate_buf_printf(out, "%s%-5s%s ", color ? c : "", gate_status_name(h->status),
                        color ? GATE_C_RESET : "");
        if (h->name && h->url && strcmp(h->name, h->url) != 0) {
            put(out, h->name);
            gate_buf_adds(out, ": ");
        }
        put(out, h->message);
        gate_buf_printf(out, " [%lld ms]\n", h->elapsed_ms);
    }
    gate_buf_printf(out,
                    "health: %zu check%s, %zu passed, %zu failed, %zu could not be evaluated\n",
                    run->nhealth, run->nhealth == 1 ? "" : "s", counts[GATE_STATUS_PASS],
                    counts[GATE_STATUS_FAIL], counts[GATE_STATUS_ERROR]);
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    gate_report_health_text(run, out, o->color);
}

/*
 * One row each, with the URL as configured (the policy refuses one with
 * credentials), the last HTTP status, the attempts made and what was seen
 * or expected - the message without its "GET 'URL': " prefix, which the
 * URL column already shows.
 */
static void markdown(const struct gate_run *run, struct gate_buf *out, size_t limit)
{
    (void)limit; /* a row per configured check: never cut */
    if (!run->nhealth)
        return;
    gate_buf_adds(out, "### Health checks\n\n| Status | Check | URL | HTTP | Attempts | Result |\n"
                       "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < run->nhealth; i++) {
        const struct gate_health_result *h = &run->health[i];
        const char *msg = h->message ? h->message : "";
        size_t ul = h->url ? strlen(h->url) : 0;

        if (h->url && !strncmp(msg, "GET '", 5) && !strncmp(msg + 5, h->url, ul) &&
            !strncmp(msg + 5 + ul, "': ", 3))
            msg += 5 + ul + 3;
        gate_buf_printf(out, "| %s | ", gate_status_name(h->status));
        gate_md_text(out, h->name ? h->name : "", 0);
        gate_buf_adds(out, " | ");
        gate_md_code(out, h->url ? h->url : "");
        if (h->http_status)
            gate_buf_printf(out, " | %d | %d | ", h->http_status, h->attempts);
        else
            gate_buf_printf(out, " | - | %d | ", h->attempts);
        gate_md_text(out, msg, 0);
        gate_buf_adds(out, " |\n");
    }
    gate_buf_addc(out, '\n');
}

const struct gate_report_section gate_section_health = {
    .name = "health",
    .place = GATE_SECTION_OUTCOME,
    .present = present,
    .json = json,
    .text = text,
    .markdown = markdown,
};
