/* SPDX-License-Identifier: MIT */
/*
 * stop.h - SIGTERM, SIGINT, SIGHUP and SIGPIPE as a request to stop.
 *
 * A command that must end cleanly however it is stopped (deploy) turns
 * the four signals into a flag: the first one is remembered, a self-pipe
 * wakes a poll(2) loop (proc.c), and an optional async-signal-safe hook
 * runs in the handler (db.c uses it to cancel a blocking query with
 * PQcancel, which libpq documents as safe in a signal handler). Every
 * wait of the command is bounded and checks the flag, so it stops at
 * the next step with its report written, instead of dying mid-way.
 */
#ifndef GATE_STOP_H
#define GATE_STOP_H

#include "gate/compat.h"

/* Install the handlers (idempotent). Signals ignored at start-up stay ignored. */
void gate_stop_install(void);

/* The first stop signal received since gate_stop_install(), 0 when none. */
int gate_stop_signal(void);

/* A descriptor that polls readable once a stop signal came; -1 before install. */
int gate_stop_fd(void);

/*
 * Run fn in the signal handler on every stop signal (NULL: none). fn must
 * be async-signal-safe. Set and cleared with the signals blocked.
 */
void gate_stop_set_hook(void (*fn)(void));

/* "SIGTERM", "SIGKILL", ... ; "signal N" (in buf) for one without a name here. */
const char *gate_signal_name(int sig, char *buf, size_t size);

#endif
