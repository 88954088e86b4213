/* SPDX-License-Identifier: MIT */
/*
 * dl.c - libraries loaded on first use: dlopen by soname, dlsym into the
 * wrapper's typed table, once per process under one lock (lint's worker
 * threads may get there together), never dlclose. See dl.h.
 */
#include "gate/compat.h"
#include "gate/dl.h"
#include "gate/buf.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

/* POSIX (dlsym) guarantees it; the slots are filled by copying a void * */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
               "function pointers must be the size of void *");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* "libcurl.so.4 or libcurl-gnutls.so.4" */
static void list_sonames(const struct gate_dl *lib, struct gate_buf *b)
{
    for (size_t i = 0; lib->sonames[i]; i++)
        gate_buf_printf(b, "%s%s", i ? " or " : "", lib->sonames[i]);
}

/* Every symbol of lib from h; false with dlerror's text in why when one is missing. */
static bool resolve(const struct gate_dl *lib, void *h, struct gate_buf *why)
{
    for (size_t i = 0; i < lib->nsyms; i++) {
        void *addr;
        const char *e;

        (void)dlerror();
        addr = dlsym(h, lib->syms[i].name);
        e = dlerror();
        if (e || !addr) {
            gate_buf_adds(why, e ? e : lib->syms[i].name);
            return false;
        }
        memcpy(lib->syms[i].slot, &addr, sizeof(addr));
    }
    return true;
}

/*
 * Open the first candidate that has every symbol. why gets the reason the
 * first candidate failed: the preferred one (the soname the headers
 * belong to), whose reason is the useful one when all fail. A candidate
 * that opens but lacks a symbol (an older build) is never closed, and its
 * symbols are not used.
 */
static bool open_lib(const struct gate_dl *lib, struct gate_buf *why)
{
    for (size_t i = 0; lib->sonames[i]; i++) {
        struct gate_buf e = {0};
        void *h = dlopen(lib->sonames[i], RTLD_NOW | RTLD_LOCAL);
        bool ok = h && resolve(lib, h, &e);

        if (!h) {
            const char *text = dlerror();

            gate_buf_adds(&e, text ? text : "dlopen failed");
        }
        if (!ok && !why->len)
            gate_buf_adds(why, gate_buf_str(&e));
        gate_buf_release(&e);
        if (ok)
            return true;
    }
    return false;
}

static void load_locked(struct gate_dl *lib)
{
    struct gate_buf why = {0};
    struct gate_buf names = {0};

    lib->tried_ = true;
    if (!open_lib(lib, &why)) {
        list_sonames(lib, &names);
        (void)gate_fail(&lib->err_, lib->code,
                        "%s (%s) is needed %s but cannot be loaded: %s; install %s", lib->name,
                        gate_buf_str(&names), lib->need, gate_buf_str(&why), lib->package);
    } else if (lib->init) {
        (void)lib->init(&lib->err_);
    }
    gate_buf_release(&why);
    gate_buf_release(&names);
}

enum gate_code gate_dl_load(struct gate_dl *lib, struct gate_err *err)
{
    enum gate_code rc;

    if (pthread_mutex_lock(&lock))
        GATE_BUG("dl: cannot take the lock");
    if (!lib->tried_)
        load_locked(lib);
    rc = lib->err_.code;
    if (rc)
        (void)gate_fail(err, rc, "%s", lib->err_.msg);
    (void)pthread_mutex_unlock(&lock);
    return rc;
}
