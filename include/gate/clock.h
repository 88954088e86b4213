/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the monotonic clock in milliseconds, and millisecond sleeps.
 *
 * Every timeout, deadline and elapsed time of the program is measured on
 * CLOCK_MONOTONIC (never the wall clock, which NTP or an operator may
 * step), through this one module, so that a deadline computed by one
 * module (drift's replay) is comparable with the clock of another (db.c).
 */
#ifndef GATE_CLOCK_H
#define GATE_CLOCK_H

#include "gate/compat.h"

/* CLOCK_MONOTONIC in whole milliseconds (truncated); 0 if the clock cannot be read. */
long long gate_clock_ms(void);

/*
 * CLOCK_MONOTONIC in milliseconds with their fraction, for timings shown
 * below a millisecond ("connected in 0.8 ms"); 0 if the clock cannot be read.
 */
double gate_clock_msf(void);

/*
 * Sleep ms milliseconds (nothing when ms <= 0). A signal whose handler
 * runs (a stop signal: stop.h) ends the sleep early and it is not
 * resumed, so a waiting loop checks gate_stop_signal() or its deadline
 * at once; callers that need the full time loop on their own clock.
 */
void gate_sleep_ms(long long ms);

#endif
