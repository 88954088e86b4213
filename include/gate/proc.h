/* SPDX-License-Identifier: MIT */
/*
 * proc.h - running a child program (the Prisma CLI): posix_spawnp, never
 * a shell; the child in its own process group; stdin from /dev/null;
 * stdout and stderr merged into one pipe, streamed to our stderr as it
 * arrives (msg.h's gate_msg_stream: cleaned, and fenced off under GitHub
 * Actions) and captured (the tail, cleaned the same way); a timeout; and
 * SIGTERM, SIGINT, SIGHUP or SIGPIPE to prisma-gate (stop.h) stop the
 * child's whole process group (TERM, then KILL after a grace period)
 * instead of leaving it running unsupervised. Every wait is bounded: a
 * child that ignores SIGTERM is killed after the grace period, and a
 * process that escaped the group but holds the output pipe is left
 * behind GATE_PROC_DRAIN_MS after the group was killed.
 */
#ifndef GATE_PROC_H
#define GATE_PROC_H

#include "gate/compat.h"
#include "gate/err.h"

/* Between SIGTERM and SIGKILL when stopping the child's group. */
#define GATE_PROC_GRACE_MS 5000
/* After SIGKILL: how long the pipe is still read, and the group waited for. */
#define GATE_PROC_DRAIN_MS 2000

struct gate_proc_opts {
    const char *const *argv; /* argv[0] is looked up in PATH; NULL-terminated */
    char *const *envp;       /* the child's environment; NULL: ours */
    long long timeout_ms;    /* 0: none */
    size_t capture_max;      /* bytes of output kept (the last ones) */
    bool stream;             /* copy the output to stderr as it arrives */
    /* Optional (progress.h): called at least every GATE_PROC_TICK_MS while the child runs. */
    void (*on_tick)(void *user);
    void *user;
};

#define GATE_PROC_TICK_MS 250

struct gate_proc_result {
    bool started;
    long pid;        /* also the process group id */
    int exit_code;   /* -1 when ended by a signal */
    int signal;      /* the signal that ended it, 0 */
    bool timed_out;  /* stopped after timeout_ms */
    int interrupted; /* the stop signal prisma-gate received while it ran, 0 */
    bool killed;     /* the group needed SIGKILL after the grace period */
    bool pipe_held;  /* a process outside the group still held the output: not read to the end */
    bool group_left; /* a process of the group was still there at the end (should not happen) */
    int spawn_errno; /* why it could not be started (r->started false), 0 */
    long long elapsed_ms;
    char *output; /* captured output, NUL-terminated (malloc'd) */
    size_t output_len;
    bool truncated; /* only the tail was kept */
};

/*
 * Run the program to completion (or until timeout / interrupt, then stop
 * its group and reap it). Fails only when it could not be started:
 * GATE_E_IO with a message naming argv[0] (r->started is false). A
 * program that ran and failed is GATE_OK with its status in r.
 */
enum gate_code gate_proc_run(const struct gate_proc_opts *o, struct gate_proc_result *r,
                             struct gate_err *err);
void gate_proc_result_release(struct gate_proc_result *r);

#endif
