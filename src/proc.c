/* SPDX-License-Identifier: MIT */
/*
 * proc.c - child programs (proc.h): posix_spawnp into a new process
 * group, output through one pipe (streamed and captured), a deadline,
 * and SIGTERM/SIGINT forwarded to the child's group through a self-pipe.
 */
#include "gate/compat.h"
#include "gate/proc.h"
#include "gate/msg.h"
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
#include <time.h>
#include <unistd.h>

extern char **environ;

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;

    if (sig_pipe[1] >= 0)
        (void)!write(sig_pipe[1], &b, 1);
    errno = saved;
}

static long long now_ms(void)
{
    struct timespec t;

    (void)clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

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

enum gate_code gate_proc_run(const struct gate_proc_opts *o, struct gate_proc_result *r,
                             struct gate_err *err)
{
    int out[2];
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t def, none;
    struct sigaction sa, old_term, old_int;
    pid_t pid;
    int rc, status = 0;
    long long t0, deadline = 0, kill_at = 0;
    size_t cap = 0;
    bool eof = false, reaped = false, stopping = false;

    memset(r, 0, sizeof(*r));
    r->exit_code = -1;
    if (pipe(out))
        return gate_fail(err, GATE_E_IO, "cannot create a pipe: %s", strerror(errno));
    if (pipe(sig_pipe)) {
        (void)close(out[0]);
        (void)close(out[1]);
        return gate_fail(err, GATE_E_IO, "cannot create a pipe: %s", strerror(errno));
    }
    cloexec(out[0]);
    cloexec(out[1]);
    cloexec(sig_pipe[0]);
    cloexec(sig_pipe[1]);
    (void)fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);

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

    /* SIGTERM / SIGINT from now on stop the child, not us */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGTERM, &sa, &old_term);
    (void)sigaction(SIGINT, &sa, &old_int);

    t0 = now_ms();
    rc = posix_spawnp(&pid, o->argv[0], &fa, &attr, (char *const *)(uintptr_t)o->argv,
                      o->envp ? o->envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    (void)close(out[1]);
    if (rc) {
        (void)close(out[0]);
        (void)sigaction(SIGTERM, &old_term, NULL);
        (void)sigaction(SIGINT, &old_int, NULL);
        (void)close(sig_pipe[0]);
        (void)close(sig_pipe[1]);
        sig_pipe[0] = sig_pipe[1] = -1;
        return gate_fail(err, GATE_E_IO, "cannot run '%s': %s", o->argv[0], strerror(rc));
    }
    r->started = true;
    r->pid = (long)pid;
    if (o->timeout_ms > 0)
        deadline = t0 + o->timeout_ms;

    while (!eof || !reaped) {
        struct pollfd pfd[2];
        int nfd = 0, wait_ms = -1;
        long long now = now_ms();

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
        }
        if (stopping && kill_at)
            wait_ms = (int)(kill_at - now);
        else if (!stopping && deadline)
            wait_ms = (int)(deadline - now);
        if (eof && (wait_ms < 0 || wait_ms > 50))
            wait_ms = 50; /* output closed: poll for the exit */
        pfd[nfd].fd = sig_pipe[0];
        pfd[nfd].events = POLLIN;
        nfd++;
        if (!eof) {
            pfd[nfd].fd = out[0];
            pfd[nfd].events = POLLIN;
            nfd++;
        }
        if (poll(pfd, (nfds_t)nfd, wait_ms) < 0 && errno != EINTR)
            break;
        if (pfd[0].revents & POLLIN) {
            unsigned char b;

            if (read(sig_pipe[0], &b, 1) == 1 && !stopping) {
                r->interrupted = b;
                stopping = true;
                (void)kill(-pid, SIGTERM);
                kill_at = now_ms() + GATE_PROC_GRACE_MS;
            }
        }
        if (!eof && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[8192];
            ssize_t n = read(out[0], buf, sizeof(buf));

            if (n > 0) {
                if (o->stream)
                    gate_msg_raw(buf, (size_t)n);
                capture(r, &cap, o->capture_max, buf, (size_t)n);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                eof = true;
            }
        }
        if (!reaped) {
            pid_t w = waitpid(pid, &status, WNOHANG);

            if (w == pid || (w < 0 && errno != EINTR))
                reaped = true;
            if (reaped && !eof && !stopping) {
                /* a grandchild still holds the pipe: drain it for a second, then stop it */
                stopping = true;
                kill_at = now_ms() + 1000;
            }
        }
    }
    if (stopping)
        (void)kill(-pid, SIGKILL); /* no straggler survives a stop */
    r->elapsed_ms = now_ms() - t0;
    if (WIFEXITED(status)) {
        r->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r->signal = WTERMSIG(status);
    }
    (void)close(out[0]);
    (void)sigaction(SIGTERM, &old_term, NULL);
    (void)sigaction(SIGINT, &old_int, NULL);
    (void)close(sig_pipe[0]);
    (void)close(sig_pipe[1]);
    sig_pipe[0] = sig_pipe[1] = -1;
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
