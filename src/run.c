/* SPDX-License-Identifier: MIT */
/*
 * run.c - the run model shared by every command and report.
 */
#include "gate/compat.h"
#include "gate/run.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

void gate_run_init(struct gate_run *run, const char *command)
{
    memset(run, 0, sizeof(*run));
    run->command = command;
    run->fail_on = GATE_RISK_HIGH;
}

void gate_run_release(struct gate_run *run)
{
    for (size_t i = 0; i < run->nmigrations; i++)
        free(run->migrations[i]->findings);
    free(run->migrations);
    free(run->checks);
    free(run->health);
    gate_arena_release(&run->arena);
    memset(run, 0, sizeof(*run));
}

struct gate_migration *gate_run_add_migration(struct gate_run *run, const char *name,
                                              const char *path)
{
    struct gate_migration *m = gate_arena_alloc(&run->arena, sizeof(*m));

    m->name = gate_arena_strdup(&run->arena, name);
    m->path = gate_arena_strdup(&run->arena, path);
    GATE_GROW(run->migrations, run->capmigrations, run->nmigrations + 1);
    run->migrations[run->nmigrations++] = m;
    return m;
}

struct gate_finding *gate_migration_add_finding(struct gate_migration *m)
{
    struct gate_finding *f;

    GATE_GROW(m->findings, m->capfindings, m->nfindings + 1);
    f = &m->findings[m->nfindings++];
    memset(f, 0, sizeof(*f));
    f->stmt = -1;
    return f;
}

struct gate_check *gate_run_add_check(struct gate_run *run, const char *id, enum gate_status status,
                                      const char *message)
{
    struct gate_check *c;

    GATE_GROW(run->checks, run->capchecks, run->nchecks + 1);
    c = &run->checks[run->nchecks++];
    memset(c, 0, sizeof(*c));
    c->id = gate_arena_strdup(&run->arena, id);
    c->status = status;
    c->message = gate_arena_strdup(&run->arena, message);
    return c;
}

static int cmp_finding(const void *a, const void *b)
{
    const struct gate_finding *x = a, *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

void gate_run_sort_findings(struct gate_run *run)
{
    for (size_t i = 0; i < run->nmigrations; i++) {
        struct gate_migration *m = run->migrations[i];

        if (m->nfindings > 1)
            qsort(m->findings, m->nfindings, sizeof(*m->findings), cmp_finding);
    }
}

static const char *const risk_names[] = {"none", "low", "medium", "high", "critical"};
static const char *const sev_names[] = {"info", "warning", "error"};
static const char *const cat_names[] = {"lock",           "rewrite",   "breaking", "data-loss",
                                        "data-dependent", "execution", "hygiene"};
static const char *const mstate_names[] = {"unknown",     "pending",  "applied",        "failed",
                                           "rolled-back", "modified", "missing-locally"};
static const char *const status_names[] = {"pass", "warn", "fail", "skip", "error"};
static const char *const verdict_names[] = {"pass", "fail", "error"};

const char *gate_risk_name(enum gate_risk r)
{
    return (size_t)r < GATE_ARRAY_SIZE(risk_names) ? risk_names[r] : "unknown";
}

const char *const *gate_risk_names(size_t *n)
{
    *n = GATE_ARRAY_SIZE(risk_names);
    return risk_names;
}

const char *const *gate_severity_names(size_t *n)
{
    *n = GATE_ARRAY_SIZE(sev_names);
    return sev_names;
}

bool gate_risk_parse(const char *s, enum gate_risk *out)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(risk_names); i++) {
        if (!strcmp(s, risk_names[i])) {
            *out = (enum gate_risk)i;
            return true;
        }
    }
    return false;
}

const char *gate_severity_name(enum gate_severity s)
{
    return (size_t)s < GATE_ARRAY_SIZE(sev_names) ? sev_names[s] : "unknown";
}

bool gate_severity_parse(const char *s, enum gate_severity *out)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(sev_names); i++) {
        if (!strcmp(s, sev_names[i])) {
            *out = (enum gate_severity)i;
            return true;
        }
    }
    return false;
}

const char *gate_category_name(enum gate_category c)
{
    return (size_t)c < GATE_ARRAY_SIZE(cat_names) ? cat_names[c] : "unknown";
}

const char *gate_mstate_name(enum gate_mstate s)
{
    return (size_t)s < GATE_ARRAY_SIZE(mstate_names) ? mstate_names[s] : "unknown";
}

const char *gate_status_name(enum gate_status s)
{
    return (size_t)s < GATE_ARRAY_SIZE(status_names) ? status_names[s] : "unknown";
}

const char *gate_verdict_name(enum gate_verdict v)
{
    return (size_t)v < GATE_ARRAY_SIZE(verdict_names) ? verdict_names[v] : "unknown";
}

enum gate_exit gate_run_finish(struct gate_run *run, bool unavailable, bool failed)
{
    bool blocking = false;

    run->max_risk = GATE_RISK_NONE;
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (m->risk > run->max_risk)
            run->max_risk = m->risk;
        for (size_t k = 0; k < m->nfindings; k++) {
            if (!m->findings[k].suppressed && m->findings[k].severity == GATE_SEV_ERROR)
                blocking = true;
        }
    }
    if (unavailable) {
        run->verdict = GATE_VERDICT_ERROR;
        return GATE_EXIT_UNAVAILABLE;
    }
    if (failed || blocking) {
        run->verdict = GATE_VERDICT_FAIL;
        return GATE_EXIT_CLOSED;
    }
    run->verdict = GATE_VERDICT_PASS;
    return GATE_EXIT_OK;
}
