/* SPDX-License-Identifier: MIT */
/*
 * proc.c - child programs (proc.h): posix_spawnp into a new process
 * group, output through one pipe (streamed and captured), a deadline,
 * and a stop signal (stop.h) forwarded to the child's group; every wait
 * bounded. The output is cleaned (ghsafe.h) both on its way to stderr
 * (msg.h's stream: fenced under GitHub Actions) and where it is kept.
 */
#include "gate/compat.h"
#include "gate/proc.h"
#include "gate/clock.h"
#include "gate/ghsafe.h"
#include "gate/msg.h"
#include "gate/stop.h"
#include "gate/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);

    if (fl >= 0)
        (void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static void capture(struct gate_proc_result *r, size_t *cap, size_t max, const char *data, size_t n)
{
    if (!max)
        return;
    if (r->output_len + n + 1 > *cap) {
        size_t want = r->output_len + n + 1;

        if (want > 2 * max + 1) {
            /* keep the last max bytes */
            size_t keep = r->output_len + n > max ? max : r->output_len + n;
            size_t from_old = keep > n ? keep - n : 0;

            if (n >= keep) {
                data += n - keep;
                n = keep;
            }
            memmove(r->output, r->output + r->output_len - from_old, from_old);
            r->output_len = from_old;
            r->truncated = true;
            want = r->output_len + n + 1;
        }
        {
            size_t c = *cap;

            GATE_GROW(r->output, c, want);
            *cap = c;
        }
    }
    memcpy(r->output + r->output_len, data, n);
    r->output_len += n;
    r->output[r->output_len] = '\0';
}

/* Wait (bounded) until no process of group pgid is left; SIGKILL it meanwhile. */
static bool group_gone(pid_t pgid, long long wait_ms)
{
    long long until = gate_clock_ms() + wait_ms;

    for (;;) {
        if (kill(-pgid, 0) && errno == ESRCH)
            return true;
        if (gate_clock_ms() >= until)
            return false;
        (void)kill(-pgid, SIGKILL);
        gate_sleep_ms(20);
    }
}

enum gate_code gate_proc_run(const struct gate_proc_opts *o, struct gate_proc_result *r,
                             struct gate_err *err)
{
    int out[2];
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t def, none;
    pid_t pid;
    int rc, status = 0;
    long long t0, deadline = 0, kill_at = 0, drain_until = 0;
    size_t cap = 0;
    bool eof = false, reaped = false, stopping = false;
    struct gate_msg_stream ms;
    struct gate_safe keep; /* what is captured is cleaned as what is shown (no colours) */
    struct gate_buf clean = {0};

    memset(r, 0, sizeof(*r));
    r->exit_code = -1;
    /* SIGTERM, SIGINT, SIGHUP and SIGPIPE from now on stop the child, not us */
    gate_stop_install();
    if (pipe(out))
        return gate_fail(err, GATE_E_IO, "cannot create a pipe: %s", strerror(errno));
    cloexec(out[0]);
    cloexec(out[1]);

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, out[1], 2);
    posix_spawnattr_init(&attr);
    sigemptyset(&def);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGCHLD);
    sigaddset(&def, SIGHUP);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETSIGMASK);

    t0 = gate_clock_ms();
    rc = posix_spawnp(&pid, o->argv[0], &fa, &attr, (char *const *)(uintptr_t)o->argv,
                      o->envp ? o->envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    (void)close(out[1]);
    if (rc) {
        (void)close(out[0]);
        r->spawn_errno = rc;
        return gate_fail(err, GATE_E_IO, "cannot run '%s': %s", o->argv[0], strerror(rc));
    }
    r->started = true;
    r->pid = (long)pid;
    gate_safe_init(&keep, GATE_SAFE_LINES | GATE_SAFE_STRIP);
    if (o->stream)
        gate_msg_stream_begin(&ms);
    if (o->timeout_ms > 0)
        deadline = t0 + o->timeout_ms;

    /*
     * Every wait is bounded: the deadline, then the grace period between
     * SIGTERM and SIGKILL, then GATE_PROC_DRAIN_MS for the pipe after
     * SIGKILL (a process outside the group may still hold it open: we stop
     * reading and leave it).
     */
    while (!reaped || (!eof && !(drain_until && gate_clock_ms() >= drain_until))) {
        struct pollfd pfd[2];
        int nfd = 0, wait_ms = -1, sig;
        long long now = gate_clock_ms();

        sig = gate_stop_signal();
        if (!stopping && sig) {
            r->interrupted = sig;
            stopping = true;
            (void)kill(-pid, SIGTERM);
            kill_at = now + GATE_PROC_GRACE_MS;
        }
        if (!stopping && deadline && now >= deadline) {
            r->timed_out = true;
            stopping = true;
            (void)kill(-pid, SIGTERM);
            kill_at = now + GATE_PROC_GRACE_MS;
        }
        if (stopping && kill_at && now >= kill_at) {
            (void)kill(-pid, SIGKILL);
            r->killed = true;
            kill_at = 0;
            drain_until = now + GATE_PROC_DRAIN_MS;
        }
        if (stopping && kill_at)
            wait_ms = (int)(kill_at - now);
        else if (!stopping && deadline)
            wait_ms = (int)(deadline - now);
        if ((eof || drain_until) && (wait_ms < 0 || wait_ms > 50))
            wait_ms = 50; /* output closed, or the group killed: poll for the end */
        if (o->on_tick) {
            o->on_tick(o->user);
            if (wait_ms < 0 || wait_ms > GATE_PROC_TICK_MS)
                wait_ms = GATE_PROC_TICK_MS;
        }
        if (!stopping && gate_stop_fd() >= 0) {
            pfd[nfd].fd = gate_stop_fd();
            pfd[nfd].events = POLLIN;
            nfd++;
        }
        if (!eof) {
            pfd[nfd].fd = out[0];
            pfd[nfd].events = POLLIN;
            pfd[nfd].revents = 0;
            nfd++;
        }
        if (poll(pfd, (nfds_t)nfd, wait_ms) < 0 && errno != EINTR)
            break;
        if (!eof && (pfd[nfd - 1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[8192];
            ssize_t n = read(out[0], buf, sizeof(buf));

            if (n > 0) {
                if (o->stream)
                    gate_msg_stream_write(&ms, buf, (size_t)n);
                gate_buf_reset(&clean);
                gate_safe_feed(&keep, buf, (size_t)n, &clean);
                capture(r, &cap, o->capture_max, gate_buf_str(&clean), clean.len);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                eof = true;
            }
        }
        if (!reaped) {
            pid_t w = waitpid(pid, &status, WNOHANG);

            if (w == pid || (w < 0 && errno != EINTR))
                reaped = true;
            if (reaped && !eof && stopping && !drain_until)
                drain_until = gate_clock_ms() + GATE_PROC_DRAIN_MS; /* stopped: read what is left */
            if (reaped && !eof && !stopping) {
                /* a grandchild still holds the pipe: drain it for a second, then stop it */
                stopping = true;
                kill_at = gate_clock_ms() + 1000;
            }
        }
    }
    if (o->stream)
        gate_msg_stream_end(&ms);
    gate_buf_reset(&clean);
    gate_safe_end(&keep, &clean);
    capture(r, &cap, o->capture_max, gate_buf_str(&clean), clean.len);
    gate_buf_release(&clean);
    if (!eof)
        r->pipe_held = true; /* a process outside the group kept the output open */
    if (stopping || r->pipe_held)
        (void)kill(-pid, SIGKILL); /* no straggler survives a stop */
    r->group_left = !group_gone(pid, GATE_PROC_DRAIN_MS);
    r->elapsed_ms = gate_clock_ms() - t0;
    if (WIFEXITED(status)) {
        r->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r->signal = WTERMSIG(status);
    }
    (void)close(out[0]);
    if (!r->output)
        r->output = gate_xstrdup("");
    return GATE_OK;
}

void gate_proc_result_release(struct gate_proc_result *r)
{
    free(r->output);
    r->output = NULL;
    r->output_len = 0;
}
