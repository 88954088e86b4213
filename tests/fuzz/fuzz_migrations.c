/* SPDX-License-Identifier: MIT */
/*
 * fuzz_migrations.c - libFuzzer harness for migration discovery and
 * order (migrations.h): what decides which migrations exist and in which
 * order Prisma applies them.
 *
 * The input is a list of entries cut at NUL bytes; each entry's first
 * byte says what to create in a scratch migrations directory (its low two
 * bits: 0 a directory with migration.sql, 1 a directory without it, 2 a
 * symbolic link to a directory, 3 a regular file) and the rest is its
 * name ('/' and NUL cannot be in a name: '/' becomes '_'; ".", ".." and
 * empty names are left out, and so is a name already used). Aborts when:
 *
 * - a directory created is not listed exactly once, or anything else is
 *   listed (symbolic links and files never are);
 * - has_sql disagrees with what was created;
 * - the list is not in gate_migration_name_cmp order, or that order is
 *   not a total order on the names (a name equals itself, a < b exactly
 *   when b > a, and a < b < c gives a < c).
 */
#include "gate/compat.h"
#include "gate/err.h"
#include "gate/migrations.h"

#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXENT 24

struct ent {
    char name[256];
    int kind;
    int seen;
};

static char root[64];

static void rm_tree(const char *dir, const struct ent *e, size_t n)
{
    char p[512];

    for (size_t i = 0; i < n; i++) {
        (void)snprintf(p, sizeof(p), "%s/%s/migration.sql", dir, e[i].name);
        (void)unlink(p);
        (void)snprintf(p, sizeof(p), "%s/%s", dir, e[i].name);
        if (e[i].kind == 0 || e[i].kind == 1)
            (void)rmdir(p);
        else
            (void)unlink(p);
    }
}

static void rm_root(void)
{
    char p[128];

    (void)snprintf(p, sizeof(p), "%s/target", root);
    (void)rmdir(p);
    (void)rmdir(root);
}

static int sgn(int v)
{
    return (v > 0) - (v < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ent e[MAXENT];
    size_t n = 0, i = 0;
    char dir[128], p[512];
    struct gate_migration_list l;
    struct gate_err err = {0};
    size_t want = 0;

    if (size > 2048)
        return 0;
    if (!root[0]) {
        (void)snprintf(root, sizeof(root), "/tmp/fuzz-migrations.XXXXXX");
        if (!mkdtemp(root))
            abort();
        (void)snprintf(p, sizeof(p), "%s/target", root);
        (void)mkdir(p, 0700);
        (void)atexit(rm_root);
    }
    while (i < size && n < MAXENT) {
        const uint8_t *z = memchr(data + i, '\0', size - i);
        size_t len = z ? (size_t)(z - (data + i)) : size - i;
        size_t k;
        bool dup = false;

        if (len >= 2 && len - 1 < sizeof(e[n].name)) {
            e[n].kind = data[i] & 3;
            e[n].seen = 0;
            for (k = 0; k < len - 1; k++) {
                char c = (char)data[i + 1 + k];

                e[n].name[k] = c == '/' ? '_' : c;
            }
            e[n].name[k] = '\0';
            for (k = 0; k < n; k++)
                dup |= !strcmp(e[k].name, e[n].name);
            if (!dup && strcmp(e[n].name, ".") && strcmp(e[n].name, ".."))
                n++;
        }
        i += len + 1;
    }
    (void)snprintf(dir, sizeof(dir), "%s/m", root);
    if (mkdir(dir, 0700))
        abort();
    for (i = 0; i < n; i++) {
        int fd;

        (void)snprintf(p, sizeof(p), "%s/%s", dir, e[i].name);
        switch (e[i].kind) {
        case 0:
        case 1:
            if (mkdir(p, 0700))
                fuzz_fail("mkdir %s failed", p);
            want++;
            if (e[i].kind == 1)
                break;
            (void)snprintf(p, sizeof(p), "%s/%s/migration.sql", dir, e[i].name);
            fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0 || write(fd, "SELECT 1;\n", 10) != 10)
                fuzz_fail("cannot write %s", p);
            (void)close(fd);
            break;
        case 2: {
            char t[128];

            (void)snprintf(t, sizeof(t), "%s/target", root);
            if (symlink(t, p))
                fuzz_fail("symlink %s failed", p);
        } break;
        default:
            fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0)
                fuzz_fail("cannot create %s", p);
            (void)close(fd);
            break;
        }
    }

    if (gate_migrations_list(dir, &l, &err) != GATE_OK)
        fuzz_fail("listing failed: %s", err.msg);
    if (l.n != want)
        fuzz_fail("%zu migrations listed, %zu directories made", l.n, want);
    for (size_t a = 0; a < l.n; a++) {
        bool found = false;

        for (i = 0; i < n; i++) {
            if (strcmp(e[i].name, l.items[a].name))
                continue;
            found = true;
            if (e[i].kind > 1)
                fuzz_fail("'%s' (kind %d) listed", e[i].name, e[i].kind);
            if (e[i].seen++)
                fuzz_fail("'%s' listed twice", e[i].name);
            if (l.items[a].has_sql != (e[i].kind == 0))
                fuzz_fail("'%s': has_sql %d", e[i].name, (int)l.items[a].has_sql);
        }
        if (!found)
            fuzz_fail("'%s' listed but never made", l.items[a].name);
        if (a > 0 && gate_migration_name_cmp(l.items[a - 1].name, l.items[a].name) > 0)
            fuzz_fail("'%s' listed before '%s'", l.items[a - 1].name, l.items[a].name);
    }
    for (size_t a = 0; a < n; a++) {
        if (gate_migration_name_cmp(e[a].name, e[a].name))
            fuzz_fail("'%s' differs from itself", e[a].name);
        for (size_t b = 0; b < n; b++) {
            int ab = sgn(gate_migration_name_cmp(e[a].name, e[b].name));

            if (ab != -sgn(gate_migration_name_cmp(e[b].name, e[a].name)))
                fuzz_fail("'%s' vs '%s' is not antisymmetric", e[a].name, e[b].name);
            for (size_t c = 0; c < n && ab < 0; c++) {
                if (gate_migration_name_cmp(e[b].name, e[c].name) < 0 &&
                    gate_migration_name_cmp(e[a].name, e[c].name) >= 0)
                    fuzz_fail("'%s' < '%s' < '%s' but not the first < the last", e[a].name,
                              e[b].name, e[c].name);
            }
        }
    }
    gate_migration_list_release(&l);
    rm_tree(dir, e, n);
    if (rmdir(dir))
        fuzz_fail("%s not empty after the run", dir);
    return 0;
}
