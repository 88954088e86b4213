/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config.c - libFuzzer harness for the Prisma config reader
 * (prisma_config.h): a config file's text, read as JavaScript without
 * running it, decides which migrations folder and database the gate
 * checks, so the reader must never crash, hang or contradict itself.
 *
 * The first byte picks the environment the conditions see (its low bits:
 * GATE_FZ_A set or not, GATE_FZ_B set to "1" or "x", DATABASE_URL among
 * the variables the child sets); the rest is the file. Imports are not
 * followed (no file name). Aborts when:
 *  - a literal migrations path (mig 1) has no text, or a path is there
 *    for another state, or mig is out of 0..2;
 *  - a spread the gate cannot read has no line or no reason;
 *  - a datasource URL setting is out of 0..3, or says env/literal
 *    without a text;
 *  - the test entry points disagree with the full read (found, mig,
 *    spread, url), or a second read differs from the first.
 */
#include "gate/compat.h"
#include "gate/prisma_config.h"

#include "fuzz.h"

#include <string.h>

static void check_url(const char *what, const struct gate_prisma_config_url *u)
{
    if (u->kind < 0 || u->kind > 3)
        fuzz_fail("%s: kind %d", what, u->kind);
    if ((u->kind == 1 || u->kind == 2) && !u->text)
        fuzz_fail("%s: kind %d without a text", what, u->kind);
    if (u->kind && u->line < 1)
        fuzz_fail("%s: set at line %d", what, u->line);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const set_db[] = {"DATABASE_URL", NULL};
    struct gate_prisma_config c, again;
    const char *text = (const char *)data + 1;
    const char *const *env_set;
    char *path = NULL, *url = NULL;
    size_t len;
    int mig, uk;

    if (size < 1 || size > 8192)
        return 0;
    len = size - 1;
    if (data[0] & 1)
        (void)setenv("GATE_FZ_A", "on", 1);
    else
        (void)unsetenv("GATE_FZ_A");
    (void)setenv("GATE_FZ_B", data[0] & 2 ? "1" : "x", 1);
    env_set = data[0] & 4 ? set_db : NULL;

    gate_prisma_config_read(text, len, NULL, env_set, &c);
    if (c.mig < 0 || c.mig > 2)
        fuzz_fail("mig %d", c.mig);
    if ((c.mig == 1) != (c.mig_path != NULL))
        fuzz_fail("mig %d with path %s", c.mig, c.mig_path ? c.mig_path : "(none)");
    if (c.mig == 2 && !c.mig_why)
        fuzz_fail("mig 2 without a reason");
    if ((c.spread_mig || c.spread_ds) && (c.spread_line < 1 || !c.spread_why))
        fuzz_fail("an unreadable spread at line %d, reason %s", c.spread_line,
                  c.spread_why ? c.spread_why : "(none)");
    if (!c.found && (c.mig || c.spread_mig || c.spread_ds || c.url.kind))
        fuzz_fail("no config object, yet something read");
    check_url("url", &c.url);
    check_url("directUrl", &c.direct);
    check_url("shadowDatabaseUrl", &c.shadow);

    /* the same text read again, and through the test entry points (env_set NULL) */
    gate_prisma_config_read(text, len, NULL, env_set, &again);
    if (again.found != c.found || again.mig != c.mig || !same_str(again.mig_path, c.mig_path) ||
        again.spread_mig != c.spread_mig || again.spread_ds != c.spread_ds ||
        again.url.kind != c.url.kind || !same_str(again.url.text, c.url.text))
        fuzz_fail("a second read differs");
    gate_prisma_config_release(&again);
    if (!env_set) {
        int want = !c.found ? -1 : c.spread_mig ? 2 : c.mig;

        mig = gate_prisma_config_migrations(text, len, NULL, &path);
        if (mig != want || !same_str(path, want == 1 ? c.mig_path : NULL))
            fuzz_fail("gate_prisma_config_migrations says %d, want %d", mig, want);
        uk = gate_prisma_config_url(text, len, NULL, &url);
        if (uk != (!c.found ? -1 : c.spread_ds ? 3 : c.url.kind))
            fuzz_fail("gate_prisma_config_url says %d", uk);
        free(path);
        free(url);
    }
    gate_prisma_config_release(&c);
    return 0;
}
