/* SPDX-License-Identifier: MIT */
/*
 * policy.c - prisma-gate.yml: the positioned YAML tree (yaml.c) -> strict
 * validation into struct gate_policy: every key known, every value of its
 * type, duplicates and literal secrets rejected, each error at
 * file:line:column with a "did you mean". The file `init` writes is in
 * template.c.
 */
#include "gate/compat.h"
#include "gate/policy.h"
#include "gate/checks.h"
#include "gate/secrets.h"
#include "gate/shell.h"
#include "gate/fs.h"
#include "gate/rules.h"
#include "gate/suggest.h"
#include "gate/xalloc.h"
#include "gate/yaml.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <strings.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the checks a policy can set ------------------------------------------ */

/*
 * The policy's `checks:` keys are the ids of the check registry
 * (gate_check_registry, src/checks/checks.c), each with its default level
 * there: a check added to the registry is a policy key at once.
 */

static const char *const level_names[] = {"off", "warning", "error"};

const char *gate_check_level_name(enum gate_check_level l)
{
    return (size_t)l < GATE_ARRAY_SIZE(level_names) ? level_names[l] : "unknown";
}

/* Number of checks in the registry. */
static size_t check_count(void)
{
    size_t n = 0;

    while (gate_check_registry[n])
        n++;
    return n;
}

/* ---- defaults ------------------------------------------------------------- */

static const char *const default_prisma[] = {"npx", "prisma"};

static const struct gate_policy_target builtin_target = {NULL, "DATABASE_URL", NULL,
                                                         NULL, false,          0};

void gate_policy_defaults(struct gate_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->version = 1;
    p->project.schema = "prisma/schema.prisma";
    p->project.migrations = "prisma/migrations";
    p->project.prisma = (const char **)(uintptr_t)default_prisma;
    p->project.nprisma = GATE_ARRAY_SIZE(default_prisma);
    p->lint.fail_on = GATE_RISK_HIGH;
    p->risk.large_table_rows = 1000000;
    p->postgres.version = GATE_PG_VERSION_DEFAULT;
    p->check_levels = NULL;
    p->deploy.auto_max_risk = GATE_RISK_MEDIUM;
    p->deploy.confirm_max_risk = GATE_RISK_HIGH;
    p->deploy.token_env = "PRISMA_GATE_CONFIRM";
    p->deploy.token_max_age_ms = 24LL * 3600 * 1000;
    p->deploy.timeout_ms = 10LL * 60 * 1000;
    p->drift.timeout_ms = 10LL * 60 * 1000;
    p->reports.github = true;
}

/* ---- durations ------------------------------------------------------------ */

bool gate_duration_parse(const char *s, long long *ms)
{
    long long total = 0;

    if (!s || !*s)
        return false;
    while (*s) {
        long long n = 0, unit;

        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9') {
            if (n > (LLONG_MAX - 9) / 10)
                return false;
            n = n * 10 + (*s++ - '0');
        }
        if (s[0] == 'm' && s[1] == 's') {
            unit = 1;
            s += 2;
        } else if (*s == 's') {
            unit = 1000;
            s++;
        } else if (*s == 'm') {
            unit = 60LL * 1000;
            s++;
        } else if (*s == 'h') {
            unit = 3600LL * 1000;
            s++;
        } else if (*s == 'd') {
            unit = 24LL * 3600 * 1000;
            s++;
        } else {
            return false;
        }
        if (n > (LLONG_MAX - total) / unit)
            return false;
        total += n * unit;
    }
    *ms = total;
    return true;
}

/* ---- the document --------------------------------------------------------- */

struct ld {
    struct gate_yaml_doc y;   /* the tree, its diagnostics, scratch for messages */
    struct gate_arena *arena; /* the result */
    struct gate_policy *p;
};

GATE_PRINTF(4, 5)
static void perr(struct ld *ld, int line, int col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gate_yaml_verror(&ld->y, line, col, fmt, ap);
    va_end(ap);
}

#define PERR_AT(ld, n, ...) perr((ld), (n)->line, (n)->col, __VA_ARGS__)

/* ---- node helpers --------------------------------------------------------- */

/* "lint.fail_on" */
static const char *join(struct ld *ld, const char *where, const char *key)
{
    if (!where || !*where)
        return key;
    return gate_arena_printf(&ld->y.scratch, "%s.%s", where, key);
}

static const char *list_names(struct ld *ld, const char *const *names, size_t n)
{
    struct gate_buf b = {0};
    const char *s;

    for (size_t i = 0; i < n; i++) {
        if (i)
            gate_buf_adds(&b, ", ");
        gate_buf_adds(&b, names[i]);
    }
    s = gate_arena_strdup(&ld->y.scratch, gate_buf_str(&b));
    gate_buf_release(&b);
    return s;
}

/* ---- where keys belong (for "did you mean" across sections) --------------- */

static const char *const root_keys[] = {"version", "project", "targets", "default_target",
                                        "lint",    "risk",    "checks",  "deploy",
                                        "health",  "reports", "drift",   "postgres"};
static const char *const project_keys[] = {"schema", "migrations", "prisma", "config"};
static const char *const target_keys[] = {"url_env", "shadow_url_env", "require_tls",
                                          "direct_url_env"};
static const char *const lint_keys[] = {"fail_on", "rules", "hygiene_on_generated", "exclude"};
static const char *const rule_keys[] = {"severity", "risk"};
static const char *const risk_keys[] = {"large_table_rows"};
static const char *const postgres_keys[] = {"version"};
static const char *const deploy_keys[] = {"auto_max_risk",     "confirm_max_risk", "token_env",
                                          "secret_env",        "token_max_age",    "timeout",
                                          "honor_suppressions"};
static const char *const drift_keys[] = {"shadow", "reset_shadow", "cache", "timeout"};
static const char *const health_keys[] = {"name",    "url",     "expect_status", "expect_json",
                                          "timeout", "retries", "backoff"};
/* the formats' names, in the table's order (report_format.h): report_keys_fill() */
static const char *report_keys[GATE_FORMAT_COUNT];

static void report_keys_fill(void)
{
    for (size_t i = 0; i < gate_report_nformats && i < GATE_ARRAY_SIZE(report_keys); i++)
        report_keys[i] = gate_report_formats[i].name;
}

static const struct {
    const char *section;
    const char *const *keys;
    size_t n;
} sections[] = {
    {"the top level (no indentation)", root_keys, GATE_ARRAY_SIZE(root_keys)},
    {"project", project_keys, GATE_ARRAY_SIZE(project_keys)},
    {"targets.NAME", target_keys, GATE_ARRAY_SIZE(target_keys)},
    {"lint", lint_keys, GATE_ARRAY_SIZE(lint_keys)},
    {"risk", risk_keys, GATE_ARRAY_SIZE(risk_keys)},
    {"postgres", postgres_keys, GATE_ARRAY_SIZE(postgres_keys)},
    {"deploy", deploy_keys, GATE_ARRAY_SIZE(deploy_keys)},
    {"drift", drift_keys, GATE_ARRAY_SIZE(drift_keys)},
    {"health (each check)", health_keys, GATE_ARRAY_SIZE(health_keys)},
    {"reports", report_keys, GATE_ARRAY_SIZE(report_keys)},
};

/* The section other than here whose keys include key. */
static const char *home_of(const char *key, const char *const *here)
{
    for (size_t s = 0; s < GATE_ARRAY_SIZE(sections); s++) {
        if (sections[s].keys == here)
            continue;
        for (size_t i = 0; i < sections[s].n; i++) {
            if (!strcmp(key, sections[s].keys[i]))
                return sections[s].section;
        }
    }
    if (gate_rule_find(key))
        return "lint.rules";
    for (size_t i = 0; gate_check_registry[i]; i++) {
        if (!strcmp(key, gate_check_registry[i]->id))
            return "checks";
    }
    return NULL;
}

static bool secret_key(const char *k)
{
    static const char *const words[] = {"password", "passwd", "pwd",          "secret",
                                        "token",    "apikey", "api_key",      "dsn",
                                        "url",      "uri",    "database_url", "connection_string"};

    for (size_t i = 0; i < GATE_ARRAY_SIZE(words); i++) {
        if (!strcmp(k, words[i]))
            return true;
    }
    return strstr(k, "password") || strstr(k, "passwd");
}

static void unknown_key(struct ld *ld, const struct gate_yaml_node *k, const char *where,
                        const char *const *keys, size_t n)
{
    const char *s = gate_suggest(k->text, keys, n);
    const char *home = home_of(k->text, keys);
    const char *in =
        where && *where ? gate_arena_printf(&ld->y.scratch, "in %s", where) : "at the top level";

    if (secret_key(k->text) && !s) {
        PERR_AT(ld, k,
                "'%s' %s: the policy never holds a secret or a connection URL; put it in an "
                "environment variable and name the variable (e.g. url_env: DATABASE_URL)",
                k->text, in);
        return;
    }
    if (s)
        PERR_AT(ld, k, "unknown key '%s' %s (did you mean '%s'?)", k->text, in, s);
    else if (home)
        PERR_AT(ld, k, "unknown key '%s' %s: '%s' belongs in %s (check the indentation)", k->text,
                in, k->text, home);
    else
        PERR_AT(ld, k, "unknown key '%s' %s (valid: %s)", k->text, in, list_names(ld, keys, n));
}

/*
 * The mapping n at where: every key a scalar, no duplicates. With keys,
 * every key must be one of them: vals[i]/knodes[i] get the value and key
 * node of keys[i] (NULL when absent). Returns false when n is not a mapping.
 */
static bool map_check(struct ld *ld, const struct gate_yaml_node *n, const char *where,
                      const char *const *keys, size_t nkeys, const struct gate_yaml_node **vals,
                      const struct gate_yaml_node **knodes)
{
    if (vals) {
        for (size_t i = 0; i < nkeys; i++) {
            vals[i] = NULL;
            if (knodes)
                knodes[i] = NULL;
        }
    }
    if (gate_yaml_is_null(n))
        return true; /* an empty section: the defaults */
    if (n->kind != GATE_YAML_MAP) {
        if (n->kind == GATE_YAML_SCALAR && strchr(n->text, ' ') && keys) {
            char word[64];
            size_t w = strcspn(n->text, " ");

            if (w < sizeof(word)) {
                memcpy(word, n->text, w);
                word[w] = '\0';
                for (size_t i = 0; i < nkeys; i++) {
                    if (!strcmp(word, keys[i])) {
                        PERR_AT(ld, n, "%s must be a mapping; '%s' needs a ':' after it (%s: %s)",
                                where, word, word, n->text + w + 1);
                        return false;
                    }
                }
            }
        }
        PERR_AT(ld, n, "%s must be a mapping (key: value lines indented under it), not %s", where,
                gate_yaml_what(&ld->y, n));
        return false;
    }
    for (const struct gate_yaml_node *k = n->first; k && k->next; k = k->next->next) {
        const struct gate_yaml_node *v = k->next;
        bool dup = false;
        size_t i;

        if (k->kind != GATE_YAML_SCALAR) {
            PERR_AT(ld, k, "a key in %s must be a plain name, not %s", where,
                    gate_yaml_what(&ld->y, k));
            continue;
        }
        for (const struct gate_yaml_node *e = n->first; e != k; e = e->next->next) {
            if (e->kind == GATE_YAML_SCALAR && !strcmp(e->text, k->text)) {
                PERR_AT(ld, k, "duplicate key '%s' %s%s (first set at line %d): remove one",
                        k->text, where && *where ? "in " : "at the top level",
                        where && *where ? where : "", e->line);
                dup = true;
                break;
            }
        }
        if (dup || !keys)
            continue;
        for (i = 0; i < nkeys; i++) {
            if (!strcmp(k->text, keys[i]))
                break;
        }
        if (i == nkeys) {
            unknown_key(ld, k, where, keys, nkeys);
            continue;
        }
        if (vals) {
            vals[i] = v;
            if (knodes)
                knodes[i] = k;
        }
    }
    return true;
}

/* ---- scalar readers ------------------------------------------------------- */

/* A scalar with a value; reports and returns false otherwise. */
static bool want_scalar(struct ld *ld, const struct gate_yaml_node *v,
                        const struct gate_yaml_node *k, const char *where, const char *expect)
{
    if (!v || gate_yaml_is_null(v)) {
        perr(ld, k ? k->line : 0, k ? k->col : 0, "%s needs a value: %s", where, expect);
        return false;
    }
    if (v->kind != GATE_YAML_SCALAR) {
        PERR_AT(ld, v, "%s must be %s, not %s", where, expect, gate_yaml_what(&ld->y, v));
        return false;
    }
    if (memchr(v->text, '\0', v->len)) {
        PERR_AT(ld, v, "%s holds a NUL character", where);
        return false;
    }
    return true;
}

static bool get_string(struct ld *ld, const struct gate_yaml_node *v,
                       const struct gate_yaml_node *k, const char *where, const char **out)
{
    if (!want_scalar(ld, v, k, where, "a string"))
        return false;
    if (!v->len) {
        PERR_AT(ld, v, "%s must not be empty", where);
        return false;
    }
    *out = gate_arena_strdup(ld->arena, v->text);
    return true;
}

static bool get_bool(struct ld *ld, const struct gate_yaml_node *v, const struct gate_yaml_node *k,
                     const char *where, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"};
    static const char *const no[] = {"false", "False", "FALSE"};

    if (!want_scalar(ld, v, k, where, "true or false"))
        return false;
    if (!v->quoted) {
        for (size_t i = 0; i < 3; i++) {
            if (!strcmp(v->text, yes[i])) {
                *out = true;
                return true;
            }
            if (!strcmp(v->text, no[i])) {
                *out = false;
                return true;
            }
        }
    }
    PERR_AT(ld, v, "%s must be true or false, not %s%s", where, gate_yaml_what(&ld->y, v),
            v->quoted ? " (a quoted string)" : "");
    return false;
}

static bool get_int(struct ld *ld, const struct gate_yaml_node *v, const struct gate_yaml_node *k,
                    const char *where, long long min, long long max, long long *out)
{
    long long n = 0;
    const char *s;
    bool neg = false, digits = false;

    if (!want_scalar(ld, v, k, where, "a whole number"))
        return false;
    s = v->text;
    if (v->quoted) {
        PERR_AT(ld, v, "%s must be a number, not a quoted string (write it without quotes)", where);
        return false;
    }
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s; s++) {
        if (*s == '_' && digits && s[1] >= '0' && s[1] <= '9')
            continue;
        if (*s < '0' || *s > '9')
            break;
        digits = true;
        if (n > (LLONG_MAX - 9) / 10) {
            PERR_AT(ld, v, "%s: %s is too large", where, v->text);
            return false;
        }
        n = n * 10 + (*s - '0');
    }
    if (!digits || *s) {
        PERR_AT(ld, v, "%s must be a whole number, not %s", where, gate_yaml_what(&ld->y, v));
        return false;
    }
    if (neg)
        n = -n;
    if (n < min || n > max) {
        PERR_AT(ld, v, "%s must be between %lld and %lld, not %lld", where, min, max, n);
        return false;
    }
    *out = n;
    return true;
}

/* One of names[0..n); *out its index. */
static bool get_enum(struct ld *ld, const struct gate_yaml_node *v, const struct gate_yaml_node *k,
                     const char *where, const char *const *names, size_t n, const char *what,
                     size_t *out)
{
    const char *s;
    const char *valid = list_names(ld, names, n);

    if (!want_scalar(ld, v, k, where, gate_arena_printf(&ld->y.scratch, "%s (%s)", what, valid)))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v->text, names[i])) {
            *out = i;
            return true;
        }
    }
    s = gate_suggest(v->text, names, n);
    for (size_t i = 0; i < n && !s; i++) {
        /* "High", "HIGH": a case slip; "warn", "med": a prefix */
        if (!strcasecmp(v->text, names[i]) ||
            (v->len >= 3 && !strncasecmp(v->text, names[i], v->len)))
            s = names[i];
    }
    if (s)
        PERR_AT(ld, v, "%s: unknown %s %s (did you mean '%s'? valid: %s)", where, what,
                gate_yaml_what(&ld->y, v), s, valid);
    else
        PERR_AT(ld, v, "%s: unknown %s %s (valid: %s)", where, what, gate_yaml_what(&ld->y, v),
                valid);
    return false;
}

static bool get_risk(struct ld *ld, const struct gate_yaml_node *v, const struct gate_yaml_node *k,
                     const char *where, enum gate_risk *out)
{
    size_t i, n;
    const char *const *names = gate_risk_names(&n);

    if (!get_enum(ld, v, k, where, names, n, "risk level", &i))
        return false;
    *out = (enum gate_risk)i;
    return true;
}

static bool get_duration(struct ld *ld, const struct gate_yaml_node *v,
                         const struct gate_yaml_node *k, const char *where, bool zero_ok,
                         long long *ms)
{
    if (!want_scalar(ld, v, k, where, "a duration (e.g. 30s, 10m, 24h)"))
        return false;
    if (!gate_duration_parse(v->text, ms)) {
        bool digits = v->len && strspn(v->text, "0123456789") == v->len;

        PERR_AT(ld, v,
                "%s: %s is not a duration%s (write a number with a unit: 250ms, 30s, 10m, "
                "24h, 7d, or 1h30m)",
                where, gate_yaml_what(&ld->y, v), digits ? ": the unit is missing" : "");
        return false;
    }
    if (!zero_ok && !*ms) {
        PERR_AT(ld, v, "%s must be longer than 0", where);
        return false;
    }
    return true;
}

static bool env_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    }
    return true;
}

/* The NAME of an environment variable - never its value. */
static bool get_env_name(struct ld *ld, const struct gate_yaml_node *v,
                         const struct gate_yaml_node *k, const char *where, const char **out)
{
    if (!want_scalar(ld, v, k, where, "the name of an environment variable"))
        return false;
    if (strstr(v->text, "://") || strchr(v->text, '@') || strchr(v->text, '=')) {
        PERR_AT(ld, v,
                "%s names an environment variable; it must not hold the value itself (set "
                "%s: DATABASE_URL and export the URL in that variable)",
                where, strrchr(where, '.') ? strrchr(where, '.') + 1 : where);
        return false;
    }
    if (v->text[0] == '$' && env_name_ok(v->text + 1)) {
        PERR_AT(ld, v, "%s: write the variable's name without '$' (%s)", where, v->text + 1);
        return false;
    }
    if (!env_name_ok(v->text)) {
        /* the value is not quoted back: it may be the secret itself */
        PERR_AT(ld, v,
                "%s: the value is not an environment variable name (letters, digits and '_', "
                "not starting with a digit); name the variable that holds the secret",
                where);
        return false;
    }
    *out = gate_arena_strdup(ld->arena, v->text);
    return true;
}

/* ---- secrets: scanned in every scalar, before anything else -------------- */

/* A URL with a password (user:pass@ after the scheme), or a libpq "password=". */
static bool holds_credentials(const char *s)
{
    const char *p = strstr(s, "://");

    if (p) {
        /* up to the last '@': a password may hold an unencoded '/', '?' or '#' */
        const char *auth = p + 3;
        const char *at = gate_url_last_at(s);

        if (at && memchr(auth, ':', (size_t)(at - auth)))
            return true;
    }
    for (p = strstr(s, "password"); p; p = strstr(p + 1, "password")) {
        const char *q = p + 8;

        while (*q == ' ')
            q++;
        if (*q == '=' && q[1] && q[1] != ' ')
            return true;
    }
    return false;
}

static void scan_secrets(struct ld *ld, const struct gate_yaml_node *n)
{
    if (!n)
        return;
    if (n->kind == GATE_YAML_SCALAR) {
        if (holds_credentials(n->text))
            PERR_AT(ld, n,
                    "this value holds credentials (a password in a URL or 'password='): the "
                    "policy never holds secrets; export it in an environment variable and name "
                    "the variable (url_env: DATABASE_URL)");
        return;
    }
    for (const struct gate_yaml_node *k = n->first; k; k = k->next)
        scan_secrets(ld, k);
}

/* ---- sections ------------------------------------------------------------- */

/* Where key k is, with its source line, kept in the result (for gate_policy_check_paths). */
static void remember_at(struct ld *ld, const struct gate_yaml_node *k, struct gate_policy_diag *at)
{
    const char *src = gate_yaml_source_line(&ld->y, k->line);

    at->line = k->line;
    at->column = k->col;
    at->source = src ? gate_arena_strdup(ld->arena, src) : NULL;
}

static void load_project(struct ld *ld, const struct gate_yaml_node *n)
{
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(project_keys)],
        *k[GATE_ARRAY_SIZE(project_keys)];
    struct gate_policy *p = ld->p;

    if (!map_check(ld, n, "project", project_keys, GATE_ARRAY_SIZE(project_keys), v, k))
        return;
    if (k[0])
        p->project.schema_given = get_string(ld, v[0], k[0], "project.schema", &p->project.schema);
    if (k[0] && p->project.schema_given)
        remember_at(ld, k[0], &p->project.schema_at);
    if (k[1])
        p->project.migrations_given =
            get_string(ld, v[1], k[1], "project.migrations", &p->project.migrations);
    if (k[1] && p->project.migrations_given)
        remember_at(ld, k[1], &p->project.migrations_at);
    if (k[2]) {
        const struct gate_yaml_node *a = v[2];
        const char **argv;
        size_t i = 0;
        bool ok = true;

        if (a && a->kind == GATE_YAML_SCALAR && !gate_yaml_is_null(a)) {
            struct gate_buf b = {0};
            const char *s = a->text;

            while (*s) {
                size_t w = strcspn(s, " \t");

                if (w) {
                    gate_buf_adds(&b, b.len ? ", " : "[");
                    gate_buf_add(&b, s, w);
                }
                s += w;
                s += strspn(s, " \t");
            }
            gate_buf_adds(&b, "]");
            PERR_AT(ld, a,
                    "project.prisma is the Prisma CLI's argv as a list, never a shell string: "
                    "write prisma: %s",
                    gate_buf_str(&b));
            gate_buf_release(&b);
            return;
        }
        if (!a || gate_yaml_is_null(a) || a->kind != GATE_YAML_SEQ || !a->n) {
            perr(ld, k[2]->line, k[2]->col,
                 "project.prisma must be a non-empty list: the argv prefix that runs the Prisma "
                 "CLI, e.g. [npx, prisma]");
            return;
        }
        argv = gate_arena_alloc(ld->arena, a->n * sizeof(*argv));
        for (const struct gate_yaml_node *e = a->first; e; e = e->next) {
            const char *where = gate_arena_printf(&ld->y.scratch, "project.prisma[%zu]", i);

            if (!get_string(ld, e, k[2], where, &argv[i]))
                ok = false;
            i++;
        }
        if (ok) {
            p->project.prisma = argv;
            p->project.nprisma = a->n;
        }
    }
    if (k[3])
        (void)get_string(ld, v[3], k[3], "project.config", &p->project.config);
}

static bool name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.'))
            return false;
    }
    return true;
}

static void load_targets(struct ld *ld, const struct gate_yaml_node *n)
{
    struct gate_policy *p = ld->p;
    size_t i = 0;

    if (!map_check(ld, n, "targets", NULL, 0, NULL, NULL) || gate_yaml_is_null(n))
        return;
    p->targets = gate_arena_alloc(ld->arena, (n->n / 2) * sizeof(*p->targets));
    for (const struct gate_yaml_node *k = n->first; k && k->next; k = k->next->next) {
        const struct gate_yaml_node *v = k->next;
        const struct gate_yaml_node *fv[GATE_ARRAY_SIZE(target_keys)],
            *fk[GATE_ARRAY_SIZE(target_keys)];
        struct gate_policy_target *t = &p->targets[i];
        const char *where;
        size_t before = ld->y.ndiags;

        if (k->kind != GATE_YAML_SCALAR)
            continue;
        where = gate_arena_printf(&ld->y.scratch, "targets.%s", k->text);
        for (size_t j = 0; j < GATE_ARRAY_SIZE(target_keys); j++) {
            if (!strcmp(k->text, target_keys[j])) {
                PERR_AT(ld, k,
                        "'%s' is a setting of one target: indent it under the target's name "
                        "(targets: production: %s: ...)",
                        k->text, k->text);
                break;
            }
        }
        if (ld->y.ndiags > before)
            continue;
        if (!name_ok(k->text)) {
            PERR_AT(ld, k, "target name '%s': use letters, digits, '-', '_' and '.'", k->text);
            continue;
        }
        if (gate_yaml_is_null(v)) {
            PERR_AT(ld, k,
                    "%s needs url_env: the name of the environment variable holding its URL "
                    "(e.g. url_env: DATABASE_URL)",
                    where);
            continue;
        }
        if (!map_check(ld, v, where, target_keys, GATE_ARRAY_SIZE(target_keys), fv, fk))
            continue;
        t->name = gate_arena_strdup(ld->arena, k->text);
        t->line = k->line;
        if (fk[0])
            (void)get_env_name(ld, fv[0], fk[0], join(ld, where, "url_env"), &t->url_env);
        else if (ld->y.ndiags == before) /* (a url: key already said to use url_env) */
            PERR_AT(ld, k,
                    "%s needs url_env: the name of the environment variable holding its URL "
                    "(e.g. url_env: DATABASE_URL)",
                    where);
        if (fk[1])
            (void)get_env_name(ld, fv[1], fk[1], join(ld, where, "shadow_url_env"),
                               &t->shadow_url_env);
        if (fk[2])
            (void)get_bool(ld, fv[2], fk[2], join(ld, where, "require_tls"), &t->require_tls);
        if (fk[3])
            (void)get_env_name(ld, fv[3], fk[3], join(ld, where, "direct_url_env"),
                               &t->direct_url_env);
        i++;
    }
    p->ntargets = i;
}

static void load_rules(struct ld *ld, const struct gate_yaml_node *n)
{
    struct gate_policy *p = ld->p;
    size_t i = 0;

    if (!map_check(ld, n, "lint.rules", NULL, 0, NULL, NULL) || gate_yaml_is_null(n))
        return;
    p->lint.rules = gate_arena_alloc(ld->arena, (n->n / 2) * sizeof(*p->lint.rules));
    for (const struct gate_yaml_node *k = n->first; k && k->next; k = k->next->next) {
        const struct gate_yaml_node *v = k->next;
        struct gate_rule_setting *s = &p->lint.rules[i];
        const struct gate_rule *r;
        const char *where;

        if (k->kind != GATE_YAML_SCALAR)
            continue;
        where = gate_arena_printf(&ld->y.scratch, "lint.rules.%s", k->text);
        r = gate_rule_find(k->text);
        if (!r) {
            const char *hint = gate_rule_suggest(k->text);

            if (hint)
                PERR_AT(ld, k, "unknown rule '%s' in lint.rules (did you mean '%s'?)", k->text,
                        hint);
            else
                PERR_AT(ld, k,
                        "unknown rule '%s' in lint.rules (prisma-gate rules lists every rule)",
                        k->text);
            continue;
        }
        if (r == &gate_rule_syntax_error) {
            PERR_AT(ld, k,
                    "syntax-error cannot be configured: a file that does not parse is never "
                    "safe to deploy");
            continue;
        }
        s->id = r->id;
        if (v && v->kind == GATE_YAML_SCALAR && !gate_yaml_is_null(v) && !v->quoted &&
            (!strcmp(v->text, "off") || !strcmp(v->text, "on"))) {
            s->off = v->text[1] == 'f';
            s->on = !s->off;
        } else if (v && v->kind == GATE_YAML_SCALAR && !gate_yaml_is_null(v) && !v->quoted &&
                   gate_severity_parse(v->text, &s->severity)) {
            s->has_severity = true;
            s->on = true;
        } else if (v && v->kind == GATE_YAML_MAP) {
            const struct gate_yaml_node *fv[GATE_ARRAY_SIZE(rule_keys)],
                *fk[GATE_ARRAY_SIZE(rule_keys)];
            size_t e, nsev;
            const char *const *sev = gate_severity_names(&nsev);

            if (!map_check(ld, v, where, rule_keys, GATE_ARRAY_SIZE(rule_keys), fv, fk))
                continue;
            if (fk[0] && get_enum(ld, fv[0], fk[0], join(ld, where, "severity"), sev, nsev,
                                  "severity", &e)) {
                s->has_severity = true;
                s->severity = (enum gate_severity)e;
            }
            if (fk[1] && get_risk(ld, fv[1], fk[1], join(ld, where, "risk"), &s->risk))
                s->has_risk = true;
            s->on = true;
        } else if (v && v->kind == GATE_YAML_SCALAR && !gate_yaml_is_null(v)) {
            static const char *const forms[] = {"off", "on", "error", "warning", "info"};
            const char *hint = gate_suggest(v->text, forms, GATE_ARRAY_SIZE(forms));

            if (!strcmp(v->text, "false") || !strcmp(v->text, "no"))
                hint = "off";
            else if (!strcmp(v->text, "true") || !strcmp(v->text, "yes"))
                hint = "on";
            if (hint)
                PERR_AT(ld, v,
                        "%s: %s is not a rule setting (did you mean '%s'? write off, on, a "
                        "severity (error, warning, info) or {severity: ..., risk: ...})",
                        where, gate_yaml_what(&ld->y, v), hint);
            else
                PERR_AT(ld, v,
                        "%s: %s is not a rule setting (write off, on, a severity (error, "
                        "warning, info) or {severity: ..., risk: ...})",
                        where, gate_yaml_what(&ld->y, v));
            continue;
        } else {
            perr(ld, k->line, k->col,
                 "%s needs a setting: off, on, a severity (error, warning, info) or "
                 "{severity: ..., risk: ...}",
                 where);
            continue;
        }
        i++;
    }
    p->lint.nrules = i;
}

/* lint.exclude: a list of non-empty relative glob strings. */
static void load_exclude(struct ld *ld, const struct gate_yaml_node *k,
                         const struct gate_yaml_node *n)
{
    struct gate_policy *p = ld->p;
    size_t i = 0, kept = 0;

    if (!n || gate_yaml_is_null(n) || n->kind != GATE_YAML_SEQ) {
        perr(ld, n && !gate_yaml_is_null(n) ? n->line : k->line,
             n && !gate_yaml_is_null(n) ? n->col : k->col,
             "lint.exclude must be a list of path globs, e.g. [\"prisma/migrations/2021*\"] "
             "(got %s)",
             gate_yaml_what(&ld->y, n));
        return;
    }
    p->lint.exclude = gate_arena_alloc(ld->arena, (n->n ? n->n : 1) * sizeof(*p->lint.exclude));
    for (const struct gate_yaml_node *e = n->first; e; e = e->next, i++) {
        const char *where = gate_arena_printf(&ld->y.scratch, "lint.exclude[%zu]", i);
        const char *pat;

        if (e->kind != GATE_YAML_SCALAR || gate_yaml_is_null(e)) {
            PERR_AT(ld, e, "%s must be a path glob (a string), not %s", where,
                    gate_yaml_what(&ld->y, e));
            continue;
        }
        if (!get_string(ld, e, k, where, &pat))
            continue;
        while (pat[0] == '.' && pat[1] == '/')
            pat += 2;
        if (pat[0] == '/') {
            PERR_AT(ld, e,
                    "%s '%s' is absolute and can match nothing: migrations are matched by their "
                    "path relative to the project root, e.g. prisma/migrations/2021*",
                    where, e->text);
            continue;
        }
        if (!strncmp(pat, "../", 3) || strstr(pat, "/../") || !strcmp(pat, "..")) {
            PERR_AT(ld, e,
                    "%s '%s' leaves the project root and can match nothing: migrations are "
                    "matched by their path relative to it, e.g. prisma/migrations/2021*",
                    where, e->text);
            continue;
        }
        if (!*pat) {
            PERR_AT(ld, e, "%s must not be empty", where);
            continue;
        }
        p->lint.exclude[kept++] = pat;
    }
    p->lint.nexclude = kept;
}

char *gate_policy_prisma_cmd(const struct gate_policy *p)
{
    struct gate_buf b = {0};
    char *s;

    for (size_t i = 0; p && i < p->project.nprisma; i++) {
        if (i)
            gate_buf_addc(&b, ' ');
        gate_shell_word_buf(&b, p->project.prisma[i]);
    }
    s = gate_xstrdup(b.len ? gate_buf_str(&b) : "npx prisma");
    gate_buf_release(&b);
    return s;
}

const char *gate_policy_excluded(const struct gate_policy *p, const char *path)
{
    char *cwd, *rel = NULL, *alt = NULL;
    const char *hit = NULL;
    size_t n;

    if (!p || !p->lint.nexclude || !path)
        return NULL;
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    if (path[0] == '/') {
        cwd = getcwd(NULL, 0);
        n = cwd ? strlen(cwd) : 0;
        if (!cwd || strncmp(path, cwd, n) != 0 || path[n] != '/') {
            free(cwd);
            return NULL; /* outside the project root: no pattern names it */
        }
        path += n + 1;
        free(cwd);
    }
    /* "a//b" and a trailing "/" as "a/b" */
    rel = gate_xstrdup(path);
    n = 0;
    for (const char *s = path; *s; s++) {
        if (*s == '/' && (n == 0 || rel[n - 1] == '/' || !s[1]))
            continue;
        rel[n++] = *s;
    }
    rel[n] = '\0';
    /* the folder for .../migration.sql, folder/migration.sql for a folder */
    if (n > 14 && !strcmp(rel + n - 14, "/migration.sql"))
        alt = gate_xstrndup(rel, n - 14);
    else
        alt = gate_xasprintf("%s/migration.sql", rel);
    for (size_t i = 0; i < p->lint.nexclude && !hit; i++) {
        if (!fnmatch(p->lint.exclude[i], rel, FNM_PATHNAME) ||
            !fnmatch(p->lint.exclude[i], alt, FNM_PATHNAME))
            hit = p->lint.exclude[i];
    }
    free(alt);
    free(rel);
    return hit;
}

static void load_lint(struct ld *ld, const struct gate_yaml_node *n)
{
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(lint_keys)], *k[GATE_ARRAY_SIZE(lint_keys)];

    if (!map_check(ld, n, "lint", lint_keys, GATE_ARRAY_SIZE(lint_keys), v, k))
        return;
    if (k[0])
        (void)get_risk(ld, v[0], k[0], "lint.fail_on", &ld->p->lint.fail_on);
    if (k[1])
        load_rules(ld, v[1]);
    if (k[2])
        (void)get_bool(ld, v[2], k[2], "lint.hygiene_on_generated",
                       &ld->p->lint.hygiene_on_generated);
    if (k[3])
        load_exclude(ld, k[3], v[3]);
}

static void load_risk(struct ld *ld, const struct gate_yaml_node *n)
{
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(risk_keys)], *k[GATE_ARRAY_SIZE(risk_keys)];

    if (!map_check(ld, n, "risk", risk_keys, GATE_ARRAY_SIZE(risk_keys), v, k))
        return;
    if (k[0])
        (void)get_int(ld, v[0], k[0], "risk.large_table_rows", 1, LLONG_MAX / 2,
                      &ld->p->risk.large_table_rows);
}

/* postgres.version: the major version migrations will run on (plan asks the server). */
static void load_postgres(struct ld *ld, const struct gate_yaml_node *n)
{
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(postgres_keys)],
        *k[GATE_ARRAY_SIZE(postgres_keys)];
    long long version;

    if (!map_check(ld, n, "postgres", postgres_keys, GATE_ARRAY_SIZE(postgres_keys), v, k))
        return;
    if (k[0] && get_int(ld, v[0], k[0], "postgres.version", GATE_PG_VERSION_MIN,
                        GATE_PG_VERSION_MAX, &version))
        ld->p->postgres.version = (int)version;
}

static void load_checks(struct ld *ld, const struct gate_yaml_node *n)
{
    struct gate_policy *p = ld->p;
    size_t nids = check_count();
    const char **ids = gate_arena_alloc(&ld->y.scratch, nids * sizeof(*ids));
    enum gate_check_level *levels;

    for (size_t i = 0; i < nids; i++)
        ids[i] = gate_check_registry[i]->id;
    if (!map_check(ld, n, "checks", ids, nids, NULL, NULL) || !n || gate_yaml_is_null(n))
        return;
    levels = gate_arena_alloc(ld->arena, nids * sizeof(*levels));
    for (size_t i = 0; i < nids; i++)
        levels[i] = gate_check_registry[i]->level;
    p->check_levels = levels;
    for (const struct gate_yaml_node *k = n->first; k && k->next; k = k->next->next) {
        size_t i, lv;

        if (k->kind != GATE_YAML_SCALAR)
            continue;
        for (i = 0; i < nids && strcmp(ids[i], k->text) != 0; i++)
            ;
        if (i == nids)
            continue; /* reported by map_check */
        if (get_enum(ld, k->next, k, join(ld, "checks", k->text), level_names,
                     GATE_ARRAY_SIZE(level_names), "check level", &lv))
            levels[i] = (enum gate_check_level)lv;
    }
}

static void load_deploy(struct ld *ld, const struct gate_yaml_node *n)
{
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(deploy_keys)], *k[GATE_ARRAY_SIZE(deploy_keys)];
    struct gate_policy *p = ld->p;
    bool a = true, c = true;

    if (!map_check(ld, n, "deploy", deploy_keys, GATE_ARRAY_SIZE(deploy_keys), v, k))
        return;
    if (k[0])
        a = get_risk(ld, v[0], k[0], "deploy.auto_max_risk", &p->deploy.auto_max_risk);
    if (k[1])
        c = get_risk(ld, v[1], k[1], "deploy.confirm_max_risk", &p->deploy.confirm_max_risk);
    if (k[2])
        (void)get_env_name(ld, v[2], k[2], "deploy.token_env", &p->deploy.token_env);
    if (k[3])
        (void)get_env_name(ld, v[3], k[3], "deploy.secret_env", &p->deploy.secret_env);
    if (k[4])
        (void)get_duration(ld, v[4], k[4], "deploy.token_max_age", false,
                           &p->deploy.token_max_age_ms);
    if (k[5])
        (void)get_duration(ld, v[5], k[5], "deploy.timeout", false, &p->deploy.timeout_ms);
    if (k[6])
        (void)get_bool(ld, v[6], k[6], "deploy.honor_suppressions", &p->deploy.honor_suppressions);
    if (a && c && p->deploy.confirm_max_risk < p->deploy.auto_max_risk) {
        const struct gate_yaml_node *at = k[1] ? v[1] : v[0];

        PERR_AT(ld, at,
                "deploy.confirm_max_risk (%s) is below deploy.auto_max_risk (%s): a "
                "confirmation token must allow at least what needs none",
                gate_risk_name(p->deploy.confirm_max_risk),
                gate_risk_name(p->deploy.auto_max_risk));
    }
}

static void load_drift(struct ld *ld, const struct gate_yaml_node *n)
{
    static const char *const shadow_names[] = {"url", "create"};
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(drift_keys)], *k[GATE_ARRAY_SIZE(drift_keys)];
    struct gate_policy *p = ld->p;
    size_t mode;
    long long cache;

    if (!map_check(ld, n, "drift", drift_keys, GATE_ARRAY_SIZE(drift_keys), v, k))
        return;
    if (k[0] && get_enum(ld, v[0], k[0], "drift.shadow", shadow_names,
                         GATE_ARRAY_SIZE(shadow_names), "shadow source", &mode))
        p->drift.shadow = (enum gate_drift_shadow)mode;
    if (k[1])
        (void)get_bool(ld, v[1], k[1], "drift.reset_shadow", &p->drift.reset_shadow);
    if (k[2] && get_int(ld, v[2], k[2], "drift.cache", 0, GATE_DRIFT_CACHE_MAX, &cache))
        p->drift.cache = (int)cache;
    if (k[3])
        (void)get_duration(ld, v[3], k[3], "drift.timeout", false, &p->drift.timeout_ms);
}

/* expect_json: nested mappings flatten to dotted paths. */
static void load_expect(struct ld *ld, const struct gate_yaml_node *n, const char *where,
                        const char *prefix, struct gate_health_check *h, size_t *cap)
{
    if (!map_check(ld, n, where, NULL, 0, NULL, NULL) || gate_yaml_is_null(n))
        return;
    for (const struct gate_yaml_node *k = n->first; k && k->next; k = k->next->next) {
        const struct gate_yaml_node *v = k->next;
        const char *path;
        struct gate_health_expect *e;

        if (k->kind != GATE_YAML_SCALAR)
            continue;
        path = prefix ? gate_arena_printf(&ld->y.scratch, "%s.%s", prefix, k->text) : k->text;
        if (v && v->kind == GATE_YAML_MAP) {
            load_expect(ld, v, join(ld, where, k->text), path, h, cap);
            continue;
        }
        if (v && v->kind == GATE_YAML_SEQ) {
            PERR_AT(ld, v,
                    "%s.%s: lists are not supported in expect_json (compare scalar fields: "
                    "strings, numbers, true/false, null)",
                    where, k->text);
            continue;
        }
        GATE_ARENA_GROW(ld->arena, h->expect, *cap, h->nexpect, h->nexpect + 1);
        e = &h->expect[h->nexpect++];
        e->path = gate_arena_strdup(ld->arena, path);
        if (!v || gate_yaml_is_null(v)) {
            e->kind = GATE_EXPECT_NULL;
            e->value = "null";
            continue;
        }
        e->value = gate_arena_strdup(ld->arena, v->text);
        if (v->quoted) {
            e->kind = GATE_EXPECT_STRING;
        } else if (!strcmp(v->text, "true") || !strcmp(v->text, "false")) {
            e->kind = GATE_EXPECT_BOOL;
        } else {
            char *end = NULL;

            errno = 0;
            (void)strtod(v->text, &end);
            e->kind =
                end && !*end && end != v->text && !errno ? GATE_EXPECT_NUMBER : GATE_EXPECT_STRING;
        }
    }
}

static bool http_url_ok(const char *u)
{
    const char *host;

    if (!strncmp(u, "http://", 7))
        host = u + 7;
    else if (!strncmp(u, "https://", 8))
        host = u + 8;
    else
        return false;
    return *host && *host != '/' && *host != ':' && !strpbrk(u, " \t\r\n");
}

static void load_health(struct ld *ld, const struct gate_yaml_node *n)
{
    struct gate_policy *p = ld->p;
    size_t i = 0;

    if (gate_yaml_is_null(n))
        return;
    if (n->kind != GATE_YAML_SEQ) {
        PERR_AT(ld, n, "health must be a list of checks, each starting with '- name: ...' (got %s)",
                gate_yaml_what(&ld->y, n));
        return;
    }
    p->health = gate_arena_alloc(ld->arena, n->n * sizeof(*p->health));
    for (const struct gate_yaml_node *e = n->first; e; e = e->next) {
        const struct gate_yaml_node *v[GATE_ARRAY_SIZE(health_keys)],
            *k[GATE_ARRAY_SIZE(health_keys)];
        struct gate_health_check *h = &p->health[i];
        const char *where = gate_arena_printf(&ld->y.scratch, "health[%zu]", i);
        long long num;
        size_t cap = 0;

        h->expect_status = 200;
        h->timeout_ms = 5000;
        h->retries = 3;
        h->backoff_ms = 2000;
        if (e->kind != GATE_YAML_MAP) {
            PERR_AT(ld, e, "%s must be a mapping with name and url, not %s", where,
                    gate_yaml_what(&ld->y, e));
            i++;
            continue;
        }
        if (!map_check(ld, e, where, health_keys, GATE_ARRAY_SIZE(health_keys), v, k)) {
            i++;
            continue;
        }
        if (k[0] && get_string(ld, v[0], k[0], join(ld, where, "name"), &h->name)) {
            for (size_t j = 0; j < i; j++) {
                if (p->health[j].name && !strcmp(p->health[j].name, h->name))
                    PERR_AT(ld, v[0], "duplicate health check name '%s'", h->name);
            }
        } else if (!k[0]) {
            PERR_AT(ld, e, "%s needs a name", where);
        }
        if (k[1] && get_string(ld, v[1], k[1], join(ld, where, "url"), &h->url) &&
            !http_url_ok(h->url))
            PERR_AT(ld, v[1], "%s.url must be an http:// or https:// URL with a host, not %s",
                    where, gate_yaml_what(&ld->y, v[1]));
        else if (!k[1])
            PERR_AT(ld, e, "%s needs a url (http:// or https://)", where);
        if (k[2] && get_int(ld, v[2], k[2], join(ld, where, "expect_status"), 100, 599, &num))
            h->expect_status = (int)num;
        if (k[3])
            load_expect(ld, v[3], join(ld, where, "expect_json"), NULL, h, &cap);
        if (k[4])
            (void)get_duration(ld, v[4], k[4], join(ld, where, "timeout"), false, &h->timeout_ms);
        if (k[5] && get_int(ld, v[5], k[5], join(ld, where, "retries"), 0, 100, &num))
            h->retries = (int)num;
        if (k[6])
            (void)get_duration(ld, v[6], k[6], join(ld, where, "backoff"), true, &h->backoff_ms);
        i++;
    }
    p->nhealth = i;
}

static void load_reports(struct ld *ld, const struct gate_yaml_node *n)
{
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(report_keys)], *k[GATE_ARRAY_SIZE(report_keys)];
    struct gate_policy_reports *r = &ld->p->reports;
    const char **slots[GATE_ARRAY_SIZE(report_keys)] = {NULL};

    for (size_t i = 0; i < GATE_ARRAY_SIZE(report_keys); i++) {
        const struct gate_report_format *f = &gate_report_formats[i];

        if (f->file)
            slots[i] = &r->path[f->id];
    }

    if (gate_yaml_is_null(n))
        return;
    if (n->kind == GATE_YAML_MAP) {
        for (const struct gate_yaml_node *kk = n->first; kk; kk = kk->next->next) {
            if (kk->kind == GATE_YAML_SCALAR && !strcmp(kk->text, "codequality"))
                PERR_AT(ld, kk, "unknown report 'codequality': GitLab Code Quality is 'gitlab'");
        }
    }
    if (!map_check(ld, n, "reports", report_keys, GATE_ARRAY_SIZE(report_keys), v, k))
        return;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(slots); i++) {
        const char *where;

        if (!k[i])
            continue;
        if (!slots[i]) { /* github: a switch, not a file */
            where = join(ld, "reports", report_keys[i]);
            (void)get_bool(ld, v[i], k[i], where, &r->github);
            continue;
        }
        where = join(ld, "reports", report_keys[i]);
        if (!get_string(ld, v[i], k[i], where, slots[i]))
            continue;
        for (size_t j = 0; j < i; j++) {
            if (slots[j] && *slots[j] && k[j] && !strcmp(*slots[j], *slots[i]))
                PERR_AT(ld, v[i], "%s writes '%s', which reports.%s writes too", where, *slots[i],
                        report_keys[j]);
        }
    }
}

static void load_root(struct ld *ld, const struct gate_yaml_node *root)
{
    const struct gate_yaml_node *v[GATE_ARRAY_SIZE(root_keys)], *k[GATE_ARRAY_SIZE(root_keys)];
    struct gate_policy *p = ld->p;
    long long version;

    if (root->kind != GATE_YAML_MAP) {
        PERR_AT(ld, root, "the policy must be a mapping of keys (version: 1, lint: ...), not %s",
                gate_yaml_what(&ld->y, root));
        return;
    }
    if (!map_check(ld, root, "", root_keys, GATE_ARRAY_SIZE(root_keys), v, k))
        return;
    if (k[0] && get_int(ld, v[0], k[0], "version", 0, INT_MAX, &version)) {
        if (version != 1)
            PERR_AT(ld, v[0], "unsupported policy version %lld: this prisma-gate reads version 1",
                    version);
    }
    if (k[1])
        load_project(ld, v[1]);
    if (k[2])
        load_targets(ld, v[2]);
    if (k[3] && get_string(ld, v[3], k[3], "default_target", &p->default_target)) {
        const char **names = gate_arena_alloc(&ld->y.scratch, (p->ntargets + 1) * sizeof(char *));
        size_t i;

        for (i = 0; i < p->ntargets; i++) {
            names[i] = p->targets[i].name;
            if (!strcmp(p->targets[i].name, p->default_target))
                break;
        }
        if (!p->ntargets) {
            PERR_AT(ld, v[3],
                    "default_target '%s' names a target, but there is no targets: "
                    "section",
                    p->default_target);
        } else if (i == p->ntargets) {
            const char *s = gate_suggest(p->default_target, names, p->ntargets);

            if (s)
                PERR_AT(ld, v[3], "default_target '%s' is not in targets (did you mean '%s'?)",
                        p->default_target, s);
            else
                PERR_AT(ld, v[3], "default_target '%s' is not in targets (defined: %s)",
                        p->default_target, list_names(ld, names, p->ntargets));
        }
    }
    if (k[4])
        load_lint(ld, v[4]);
    if (k[5])
        load_risk(ld, v[5]);
    load_checks(ld, k[6] ? v[6] : NULL);
    if (k[7])
        load_deploy(ld, v[7]);
    if (k[8])
        load_health(ld, v[8]);
    if (k[9])
        load_reports(ld, v[9]);
    if (k[10])
        load_drift(ld, v[10]);
    if (k[11])
        load_postgres(ld, v[11]);
}

/* ---- entry points --------------------------------------------------------- */

static enum gate_code finish(struct ld *ld, struct gate_err *err)
{
    struct gate_policy *p = ld->p;
    enum gate_code rc = GATE_OK;

    if (ld->y.ndiags) {
        size_t i = 0;

        p->diags = gate_arena_alloc(ld->arena, (ld->y.ndiags + 1) * sizeof(*p->diags));
        for (const struct gate_yaml_diag *yd = ld->y.diags; yd; yd = yd->next) {
            struct gate_policy_diag *d = &p->diags[i++];

            d->line = yd->line;
            d->column = yd->column;
            d->message = gate_arena_strdup(ld->arena, yd->message);
            d->source = yd->source ? gate_arena_strdup(ld->arena, yd->source) : NULL;
        }
        if (ld->y.too_many) {
            p->diags[i].message = gate_arena_printf(
                ld->arena, "more than %d errors; fix these first", GATE_YAML_MAX_DIAGS);
            i++;
        }
        p->ndiags = i;
        /* file order (insertion sort: stable, and there are at most GATE_YAML_MAX_DIAGS) */
        for (size_t a = 1; a < ld->y.ndiags; a++) {
            struct gate_policy_diag d = p->diags[a];
            size_t b = a;

            while (b > 0 &&
                   (p->diags[b - 1].line > d.line ||
                    (p->diags[b - 1].line == d.line && p->diags[b - 1].column > d.column))) {
                p->diags[b] = p->diags[b - 1];
                b--;
            }
            p->diags[b] = d;
        }
        if (p->diags[0].line)
            rc = gate_fail(err, GATE_E_POLICY, "%s:%d:%d: %s", ld->y.name, p->diags[0].line,
                           p->diags[0].column, p->diags[0].message);
        else
            rc = gate_fail(err, GATE_E_POLICY, "%s: %s", ld->y.name, p->diags[0].message);
    }
    gate_yaml_release(&ld->y);
    return rc;
}

enum gate_code gate_policy_parse(struct gate_policy *p, const char *name, const char *text,
                                 size_t len, struct gate_arena *arena, struct gate_err *err)
{
    struct ld ld;
    struct gate_yaml_node *root;

    gate_policy_defaults(p);
    report_keys_fill();
    memset(&ld, 0, sizeof(ld));
    ld.arena = arena;
    ld.p = p;
    p->path = gate_arena_strdup(arena, name);
    gate_yaml_init(&ld.y, name, "the policy", text, len);
    if (len > GATE_POLICY_MAX_BYTES) {
        perr(&ld, 0, 0, "the policy file is too large (%zu bytes; the limit is %zu KiB)", len,
             GATE_POLICY_MAX_BYTES / 1024);
        return finish(&ld, err);
    }
    root = gate_yaml_read(&ld.y);
    if (ld.y.fatal || !root) {
        return finish(&ld, err); /* an empty file: the defaults */
    }
    scan_secrets(&ld, root);
    load_root(&ld, root);
    return finish(&ld, err);
}

enum gate_code gate_policy_load(struct gate_policy *p, const char *path, struct gate_arena *arena,
                                struct gate_err *err)
{
    char *text = NULL;
    size_t len = 0;
    struct gate_err rerr = {0};
    enum gate_code rc;

    if (!path) {
        bool yml = gate_path_kind(GATE_POLICY_FILE) != GATE_PATH_MISSING;
        bool yaml = gate_path_kind("prisma-gate.yaml") != GATE_PATH_MISSING;

        if (yml && yaml) {
            gate_policy_defaults(p);
            return gate_fail(err, GATE_E_POLICY,
                             "both prisma-gate.yml and prisma-gate.yaml are here: keep one");
        }
        if (!yml && !yaml) {
            gate_policy_defaults(p);
            return GATE_OK;
        }
        path = yml ? GATE_POLICY_FILE : "prisma-gate.yaml";
    }
    rc = gate_read_file(path, GATE_POLICY_MAX_BYTES, &text, &len, &rerr);
    if (rc) {
        gate_policy_defaults(p);
        if (gate_path_kind(path) == GATE_PATH_MISSING)
            return gate_fail(err, GATE_E_POLICY, "policy file '%s' not found", path);
        return gate_fail(err, rc == GATE_E_LIMIT ? GATE_E_LIMIT : GATE_E_POLICY, "policy: %s",
                         rerr.msg);
    }
    rc = gate_policy_parse(p, path, text, len, arena, err);
    free(text);
    return rc;
}

/* The error about a project path, or NULL when it is what the key needs. */
static const char *project_path_error(struct gate_arena *arena, const char *key, const char *path,
                                      bool dir_only)
{
    enum gate_path_kind k = gate_path_kind(path);

    if (k == GATE_PATH_MISSING)
        return gate_arena_printf(
            arena,
            "%s '%s' does not exist, and a gate that reads nothing compares nothing (relative "
            "paths are read from the directory prisma-gate runs in: the project root, or -C "
            "DIR): fix the path, or delete the key to find the project as Prisma does",
            key, path);
    if (k == GATE_PATH_DIR || (!dir_only && k == GATE_PATH_FILE))
        return NULL;
    return gate_arena_printf(arena, "%s '%s' is not a %s", key, path,
                             dir_only ? "directory" : "file or folder");
}

enum gate_code gate_policy_check_paths(struct gate_policy *p, bool check_schema,
                                       bool check_migrations, struct gate_arena *arena,
                                       struct gate_err *err)
{
    struct gate_policy_diag *d = gate_arena_alloc(arena, 2 * sizeof(*d));
    size_t n = 0;
    const char *msg;

    msg = check_schema && p->project.schema_given
              ? project_path_error(arena, "project.schema", p->project.schema, false)
              : NULL;
    if (msg) {
        d[n] = p->project.schema_at;
        d[n++].message = msg;
    }
    msg = check_migrations && p->project.migrations_given
              ? project_path_error(arena, "project.migrations", p->project.migrations, true)
              : NULL;
    if (msg) {
        d[n] = p->project.migrations_at;
        d[n++].message = msg;
    }
    if (!n)
        return GATE_OK;
    p->diags = d;
    p->ndiags = n;
    return gate_fail(err, GATE_E_POLICY, "%s:%d:%d: %s", p->path ? p->path : GATE_POLICY_FILE,
                     d[0].line, d[0].column, d[0].message);
}

const struct gate_policy_target *gate_policy_target(const struct gate_policy *p, const char *name,
                                                    struct gate_err *err)
{
    const char *want = name ? name : p->default_target;

    if (!p->ntargets) {
        if (name) {
            gate_fail(err, GATE_E_USAGE,
                      "-t %s: the policy defines no targets (add a targets: section to %s)", name,
                      p->path ? p->path : GATE_POLICY_FILE);
            return NULL;
        }
        return &builtin_target;
    }
    if (!want) {
        if (p->ntargets == 1)
            return &p->targets[0];
        gate_fail(err, GATE_E_USAGE,
                  "the policy defines %zu targets and no default_target: pass -t NAME "
                  "(e.g. -t %s) or set default_target",
                  p->ntargets, p->targets[0].name);
        return NULL;
    }
    for (size_t i = 0; i < p->ntargets; i++) {
        if (!strcmp(p->targets[i].name, want))
            return &p->targets[i];
    }
    {
        const char **names = gate_xcalloc(p->ntargets, sizeof(*names));
        const char *s;
        struct gate_buf b = {0};

        for (size_t i = 0; i < p->ntargets; i++) {
            names[i] = p->targets[i].name;
            if (i)
                gate_buf_adds(&b, ", ");
            gate_buf_adds(&b, names[i]);
        }
        s = gate_suggest(want, names, p->ntargets);
        if (s)
            gate_fail(err, GATE_E_USAGE, "unknown target '%s' (did you mean '%s'?)", want, s);
        else
            gate_fail(err, GATE_E_USAGE, "unknown target '%s' (the policy defines: %s)", want,
                      gate_buf_str(&b));
        gate_buf_release(&b);
        free(names);
    }
    return NULL;
}

enum gate_check_level gate_policy_check(const struct gate_policy *p, const char *id)
{
    for (size_t i = 0; gate_check_registry[i]; i++) {
        if (!strcmp(gate_check_registry[i]->id, id))
            return p->check_levels ? p->check_levels[i] : gate_check_registry[i]->level;
    }
    GATE_BUG("gate_policy_check: check id not in gate_check_registry[]");
}

void gate_policy_diags_text(const struct gate_policy *p, struct gate_buf *out)
{
    const char *name = p->path ? p->path : GATE_POLICY_FILE;

    for (size_t i = 0; i < p->ndiags; i++) {
        const struct gate_policy_diag *d = &p->diags[i];

        if (!d->line) {
            gate_buf_printf(out, "%s: error: %s\n", name, d->message);
            continue;
        }
        gate_buf_printf(out, "%s:%d:%d: error: %s\n", name, d->line, d->column, d->message);
        if (d->source) {
            int c = 1;

            gate_buf_printf(out, "%5d | %s\n      | ", d->line, d->source);
            /* the caret under the column: tabs kept so it lines up */
            for (const unsigned char *s = (const unsigned char *)d->source; *s && c < d->column;
                 s++) {
                if ((*s & 0xC0) == 0x80)
                    continue;
                gate_buf_addc(out, *s == '\t' ? '\t' : ' ');
                c++;
            }
            gate_buf_adds(out, "^\n");
        }
    }
}
