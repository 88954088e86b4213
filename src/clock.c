/* SPDX-License-Identifier: MIT */
/*
 * clock.c - CLOCK_MONOTONIC milliseconds and nanosleep(2) sleeps (clock.h).
 */
#include "gate/compat.h"
#include "gate/clock.h"

#include <time.h>

long long gate_clock_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts))
        return 0;
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double gate_clock_msf(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts))
        return 0;
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void gate_sleep_ms(long long ms)
{
    struct timespec ts;

    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    (void)nanosleep(&ts, NULL); /* EINTR: back to the caller, which re-checks */
}
