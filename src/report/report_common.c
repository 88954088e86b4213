/* SPDX-License-Identifier: MIT */
/*
 * report_common.c - helpers shared by the report writers.
 */
#include "gate/compat.h"
#include "gate/report_common.h"
#include "gate/digest.h"
#include "gate/ghsafe.h"
#include "gate/hmap.h"
#include "gate/utf8.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"

bool gate_finding_blocking(const struct gate_finding *f)
{
    return !f->suppressed && f->severity == GATE_SEV_ERROR;
}

/* ---- paths ----------------------------------------------------------------- */

/* Start of the last segment of out (at or after floor). */
static size_t last_segment(const struct gate_buf *out, size_t floor)
{
    size_t i = out->len;

    while (i > floor && out->data[i - 1] != '/')
        i--;
    return i;
}

/* Append path to out segment by segment, dropping "." and resolving ".." lexically. */
static void add_normalised(struct gate_buf *out, size_t floor, const char *path)
{
    const char *s = path;

    while (*s) {
        size_t n = strcspn(s, "/");

        if (n == 2 && s[0] == '.' && s[1] == '.' && out->len > floor &&
            strcmp(out->data + last_segment(out, floor), "..") != 0) {
            size_t at = last_segment(out, floor);

            out->len = at > floor ? at - 1 : floor; /* drop the segment and its '/' */
            out->data[out->len] = '\0';
        } else if (n && !(n == 1 && s[0] == '.')) {
            if (out->len > floor && out->data[out->len - 1] != '/')
                gate_buf_addc(out, '/');
            gate_buf_add(out, s, n);
        }
        s += n;
        if (*s == '/')
            s++;
    }
}

void gate_report_relpath(const struct gate_run *run, const char *path, struct gate_buf *out)
{
    size_t floor = out->len;

    if (!path)
        return;
    if (path[0] == '/') {
        const char *root = run->repo_root;
        size_t rn = root ? strlen(root) : 0;

        while (rn > 1 && root[rn - 1] == '/')
            rn--;
        if (rn && !strncmp(path, root, rn) && (path[rn] == '/' || !path[rn])) {
            add_normalised(out, floor, path + rn);
            return;
        }
        gate_buf_addc(out, '/');
        add_normalised(out, floor + 1, path);
        return;
    }
    if (run->repo_prefix)
        add_normalised(out, floor, run->repo_prefix);
    add_normalised(out, floor, path);
}

/* ---- text ------------------------------------------------------------------ */

void gate_text_clean(struct gate_buf *out, const char *s, unsigned flags, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *start = p;

    if (!s)
        return;
    while (*p) {
        size_t n;
        long cp = gate_utf8_decode(p, SIZE_MAX, &n);

        if (max && (size_t)(p - start) + n > max) {
            gate_buf_adds(out, "...");
            return;
        }
        if (cp == '\r' || cp == '\n' || cp == '\t') {
            if (!(flags & GATE_CLEAN_NEWLINES))
                gate_buf_addc(out, ' ');
            else if (!(cp == '\r' && p[1] == '\n')) /* CRLF: the LF follows */
                gate_buf_addc(out, cp == '\t' ? '\t' : '\n');
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
                   ((flags & GATE_CLEAN_XML) && (cp == 0xFFFE || cp == 0xFFFF))) {
            gate_buf_adds(out, REPLACEMENT); /* invalid UTF-8 (cp -1) too */
        } else {
            gate_buf_add(out, p, n);
        }
        p += n;
    }
}

/* Does s need cleaning? Plain printable ASCII and TAB without "::" or "##[" do not. */
static bool needs_clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p >= 0x7F || (p[0] == ':' && p[1] == ':') ||
            (p[0] == '#' && p[1] == '#' && p[2] == '['))
            return true;
    }
    return false;
}

#define SAFE_RING 16

const char *gate_text_safe(const char *s)
{
    static struct gate_buf ring[SAFE_RING];
    static unsigned next;
    struct gate_buf *b;

    if (!s || !needs_clean(s))
        return s;
    b = &ring[next++ % SAFE_RING];
    gate_buf_reset(b);
    gate_safe_text(b, s, strlen(s), 0);
    return gate_buf_str(b);
}

void gate_md_text(struct gate_buf *out, const char *s, size_t max)
{
    struct gate_buf clean = {0};

    gate_text_clean(&clean, s, GATE_CLEAN_NEWLINES, max);
    for (const char *p = gate_buf_str(&clean); *p; p++) {
        switch (*p) {
        case '<':
            gate_buf_adds(out, "&lt;");
            break;
        case '>':
            gate_buf_adds(out, "&gt;");
            break;
        case '&':
            gate_buf_adds(out, "&amp;");
            break;
        case '|':
            gate_buf_adds(out, "&#124;");
            break;
        case '\n':
            gate_buf_adds(out, "<br>");
            break;
        case '\t':
            gate_buf_addc(out, ' ');
            break;
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '#':
        case '~':
        case '!':
        case '@':
            gate_buf_addc(out, '\\');
            gate_buf_addc(out, *p);
            break;
        default:
            gate_buf_addc(out, *p);
            break;
        }
    }
    gate_buf_release(&clean);
}

void gate_md_code(struct gate_buf *out, const char *s)
{
    const char *t = gate_text_safe(s ? s : "");
    size_t run = 0, longest = 0, fence;

    for (const char *p = t; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    fence = longest + 1;
    for (size_t i = 0; i < fence; i++)
        gate_buf_addc(out, '`');
    if (*t == '`' || (*t && t[strlen(t) - 1] == '`'))
        gate_buf_addc(out, ' ');
    for (const char *p = t; *p; p++) {
        if (*p == '|')
            gate_buf_addc(out, '\\'); /* a table cell ends at '|', even in a code span */
        gate_buf_addc(out, *p);
    }
    if (*t == '`' || (*t && t[strlen(t) - 1] == '`'))
        gate_buf_addc(out, ' ');
    for (size_t i = 0; i < fence; i++)
        gate_buf_addc(out, '`');
}

bool gate_md_json_report(const struct gate_run *run, struct gate_buf *out)
{
    if (!run->json_report)
        return false;
    if (!strcmp(run->json_report, "-")) {
        gate_buf_adds(out, "the JSON report on stdout");
        return true;
    }
    gate_buf_adds(out, "the JSON report (");
    gate_md_code(out, run->json_report);
    gate_buf_addc(out, ')');
    return true;
}

/* ---- fingerprints ---------------------------------------------------------- */

static void fp_key(const struct gate_run *run, const struct gate_migration *m,
                   const struct gate_finding *f, struct gate_buf *b)
{
    gate_buf_adds(b, "prisma-gate/v1");
    gate_buf_addc(b, '\n');
    gate_buf_adds(b, f->rule);
    gate_buf_addc(b, '\n');
    gate_report_relpath(run, m->path, b);
    gate_buf_addc(b, '\n');
    gate_buf_adds(b, f->table ? f->table : "");
    gate_buf_addc(b, '\n');
    gate_buf_adds(b, f->message ? f->message : "");
}

void gate_finding_fingerprint(const struct gate_run *run, const struct gate_migration *m,
                              const struct gate_finding *f, char out[65])
{
    struct gate_buf key = {0}, other = {0};
    size_t ordinal = 0;

    fp_key(run, m, f, &key);
    for (size_t i = 0; i < m->nfindings && &m->findings[i] != f; i++) {
        gate_buf_reset(&other);
        fp_key(run, m, &m->findings[i], &other);
        if (other.len == key.len && !memcmp(other.data, key.data, key.len))
            ordinal++;
    }
    gate_buf_printf(&key, "\n%zu", ordinal);
    gate_sha256_hex(key.data, key.len, out);
    gate_buf_release(&key);
    gate_buf_release(&other);
}

char *gate_migration_fingerprints(const struct gate_run *run, const struct gate_migration *m)
{
    char *out = gate_xmalloc(m->nfindings * 65 + 1);
    struct gate_hmap seen = {0}; /* key -> identical findings so far */
    struct gate_buf key = {0};

    for (size_t i = 0; i < m->nfindings; i++) {
        struct gate_hmap_entry *e;

        gate_buf_reset(&key);
        fp_key(run, m, &m->findings[i], &key);
        e = gate_hmap_upsert(&seen, key.data, key.len, NULL);
        gate_buf_printf(&key, "\n%zu", e->num++);
        gate_sha256_hex(key.data, key.len, out + 65 * i);
    }
    gate_hmap_release(&seen);
    gate_buf_release(&key);
    return out;
}

/* ---- ordering and counts --------------------------------------------------- */

struct ref_sort {
    struct gate_finding_ref ref;
    size_t mi; /* migration index, for a stable order */
};

static int cmp_ref(const void *a, const void *b)
{
    const struct ref_sort *x = a, *y = b;
    bool bx = gate_finding_blocking(x->ref.f), by = gate_finding_blocking(y->ref.f);

    if (bx != by)
        return bx ? -1 : 1;
    if (x->ref.f->suppressed != y->ref.f->suppressed)
        return x->ref.f->suppressed ? 1 : -1;
    if (x->ref.f->risk != y->ref.f->risk)
        return x->ref.f->risk > y->ref.f->risk ? -1 : 1;
    if (x->ref.f->severity != y->ref.f->severity)
        return x->ref.f->severity > y->ref.f->severity ? -1 : 1;
    if (x->mi != y->mi)
        return x->mi < y->mi ? -1 : 1;
    if (x->ref.f->line != y->ref.f->line)
        return x->ref.f->line < y->ref.f->line ? -1 : 1;
    if (x->ref.f->column != y->ref.f->column)
        return x->ref.f->column < y->ref.f->column ? -1 : 1;
    return strcmp(x->ref.f->rule, y->ref.f->rule);
}

struct gate_finding_ref *gate_findings_worst_first(const struct gate_run *run,
                                                   enum gate_severity min, bool with_suppressed,
                                                   size_t *n)
{
    struct ref_sort *tmp = NULL;
    struct gate_finding_ref *out;
    size_t cnt = 0, cap = 0;

    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        for (size_t k = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            if (f->severity < min || (f->suppressed && !with_suppressed))
                continue;
            GATE_GROW(tmp, cap, cnt + 1);
            tmp[cnt].ref.m = m;
            tmp[cnt].ref.f = f;
            tmp[cnt].mi = i;
            cnt++;
        }
    }
    if (cnt > 1)
        qsort(tmp, cnt, sizeof(*tmp), cmp_ref);
    out = gate_xcalloc(cnt ? cnt : 1, sizeof(*out));
    for (size_t i = 0; i < cnt; i++)
        out[i] = tmp[i].ref;
    free(tmp);
    *n = cnt;
    return out;
}

void gate_run_count(const struct gate_run *run, struct gate_run_counts *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (m->error)
            c->errors++;
        for (size_t k = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            if (f->suppressed) {
                c->suppressed++;
                continue;
            }
            c->findings++;
            if ((size_t)f->risk < GATE_ARRAY_SIZE(c->by_risk))
                c->by_risk[f->risk]++;
            if (f->severity == GATE_SEV_ERROR)
                c->blocking++;
            else if (f->severity == GATE_SEV_WARNING)
                c->warnings++;
            else
                c->infos++;
        }
    }
}

const char *gate_ansi_risk(enum gate_risk r)
{
    switch (r) {
    case GATE_RISK_CRITICAL:
        return GATE_C_MAG;
    case GATE_RISK_HIGH:
        return GATE_C_RED;
    case GATE_RISK_MEDIUM:
        return "\033[1;33m";
    case GATE_RISK_LOW:
        return GATE_C_CYAN;
    default:
        return GATE_C_DIM;
    }
}

bool gate_md_put(struct gate_buf *out, const struct gate_buf *item, size_t limit)
{
    if (out->len + item->len > limit)
        return false;
    gate_buf_add(out, item->data ? item->data : "", item->len);
    return true;
}
