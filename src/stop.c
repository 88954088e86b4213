/* SPDX-License-Identifier: MIT */
/*
 * stop.c - stop signals as a flag, a self-pipe and a hook (stop.h).
 */
#include "gate/compat.h"
#include "gate/stop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE};

static volatile sig_atomic_t first_signal;
static int stop_pipe[2] = {-1, -1};
static void (*volatile stop_hook)(void);
static bool installed;

static void on_stop(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    void (*hook)(void) = stop_hook;

    if (!first_signal)
        first_signal = sig;
    if (stop_pipe[1] >= 0)
        (void)!write(stop_pipe[1], &b, 1);
    if (hook)
        hook();
    errno = saved;
}

static void set_fd_flags(int fd)
{
    int fl = fcntl(fd, F_GETFD);

    if (fl >= 0)
        (void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
    fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void gate_stop_install(void)
{
    struct sigaction sa;

    if (installed)
        return;
    installed = true;
    if (!pipe(stop_pipe)) {
        set_fd_flags(stop_pipe[0]);
        set_fd_flags(stop_pipe[1]);
    } else {
        stop_pipe[0] = stop_pipe[1] = -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(stop_signals); i++)
        (void)sigaddset(&sa.sa_mask, stop_signals[i]);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(stop_signals); i++) {
        struct sigaction old;

        /* nohup and friends ignore SIGHUP on purpose: keep it ignored */
        if (!sigaction(stop_signals[i], NULL, &old) && old.sa_handler == SIG_IGN &&
            stop_signals[i] != SIGTERM && stop_signals[i] != SIGINT)
            continue;
        (void)sigaction(stop_signals[i], &sa, NULL);
    }
}

int gate_stop_signal(void)
{
    return (int)first_signal;
}

int gate_stop_fd(void)
{
    return stop_pipe[0];
}

void gate_stop_set_hook(void (*fn)(void))
{
    sigset_t block, old;

    sigemptyset(&block);
    for (size_t i = 0; i < GATE_ARRAY_SIZE(stop_signals); i++)
        (void)sigaddset(&block, stop_signals[i]);
    (void)sigprocmask(SIG_BLOCK, &block, &old);
    stop_hook = fn;
    (void)sigprocmask(SIG_SETMASK, &old, NULL);
}

const char *gate_signal_name(int sig, char *buf, size_t size)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {
        {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
        {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
        {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
        {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGXCPU, "SIGXCPU"},
        {SIGXFSZ, "SIGXFSZ"}, {SIGSYS, "SIGSYS"},
    };

    for (size_t i = 0; i < GATE_ARRAY_SIZE(names); i++) {
        if (names[i].sig == sig)
            return names[i].name;
    }
    (void)snprintf(buf, size, "signal %d", sig);
    return buf;
}
