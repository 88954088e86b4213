/* SPDX-License-Identifier: MIT */
/*
 * dl.h - third-party libraries loaded on first use (dlopen), as systemd
 * loads its optional dependencies. libpq, libgit2, libcurl and libxml2
 * are not linked into prisma-gate: together with what they pull in (TLS,
 * Kerberos, LDAP, ICU, libstdc++: 45 shared objects) they were most of
 * the memory and start-up time of every run, and `lint` uses none of
 * them. Each one's wrapper module (db.c, repo.c, http.c, report_junit.c)
 * describes it in a struct gate_dl and calls gate_dl_load() at its entry
 * points; a command that needs a library that is not installed fails
 * with a message naming the Debian package to install.
 *
 * The sonames are the ones the headers belong to, read by the Makefile
 * from the development libraries (GATE_LIB*_SONAMES; see the Makefile).
 *
 * A wrapper calls the library through a table of function pointers typed
 * from the library's own prototypes, so a mismatch is a compile error:
 *
 *     #define PQ_FUNCS(X, t) X(t, PQclear) X(t, PQstatus)
 *     GATE_DL_TABLE(pq, PQ_FUNCS);
 *     static struct gate_dl libpq = {.name = "libpq", ..., GATE_DL_SYMS(pq)};
 *     ...
 *     if (gate_dl_load(&libpq, err))
 *         return GATE_E_DB;
 *     pq.PQclear(res);
 */
#ifndef GATE_DL_H
#define GATE_DL_H

#include "gate/compat.h"
#include "gate/err.h"

/*
 * The table t: a static struct with one member per function of the list
 * FUNCS (FUNCS(X, t) expands to X(t, f) for each function f), a pointer
 * typed as f is, and t_syms, the gate_dl_sym entries that fill it.
 */
/* t and f are declarators here, which parentheses would break */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define GATE_DL_TABLE(t, FUNCS) \
 static struct {                \
  FUNCS(GATE_DL_FN, t)          \
 } t;                           \
 static const struct gate_dl_sym t##_syms[] = {FUNCS(GATE_DL_SYM, t)}
#define GATE_DL_FN(t, f)  __typeof__(f) *f;
#define GATE_DL_SYM(t, f) {#f, &(t).f},
/* NOLINTEND(bugprone-macro-parentheses) */
/* The .syms and .nsyms of a struct gate_dl whose symbols are table t's. */
#define GATE_DL_SYMS(t) .syms = t##_syms, .nsyms = GATE_ARRAY_SIZE(t##_syms)

/* One symbol to resolve. */
struct gate_dl_sym {
    const char *name; /* as the library exports it */
    void *slot;       /* a function pointer (GATE_DL_FN) that receives its address */
};

/* A library loaded on first use. The wrapper fills the first part, statically. */
struct gate_dl {
    const char *name;           /* "libpq": the library in messages */
    const char *const *sonames; /* tried in order; NULL-terminated */
    const char *need;           /* why it is needed: "to connect to the database" */
    const char *package;        /* what provides it: "libpq5" */
    enum gate_code code;        /* the code of a failure: GATE_E_DB ... */
    const struct gate_dl_sym *syms;
    size_t nsyms;
    /* NULL, or run once after loading (libcurl's global init); its error is the load's */
    enum gate_code (*init)(struct gate_err *err);

    /* private: the outcome of the one attempt (under dl.c's lock) */
    bool tried_;
    struct gate_err err_;
};

/*
 * Load lib and resolve every symbol into its slot, then run lib->init:
 * once per process. The first call does the work under a lock; every
 * later call, from any thread, returns its outcome. A loaded library is
 * never unloaded. On failure returns lib->code with a message such as
 * "libpq (libpq.so.5) is needed to connect to the database but cannot be
 * loaded: <dlerror>; install libpq5" (or init's own), and every later
 * call fails the same way; the slots must then not be called.
 */
enum gate_code gate_dl_load(struct gate_dl *lib, struct gate_err *err) GATE_WUR;

#endif
