/* SPDX-License-Identifier: MIT */
/*
 * test_clock.c - the monotonic millisecond clock and millisecond sleeps
 * (clock.h). Sleeps are bounded from below: a loaded machine may sleep
 * longer, never shorter.
 */
#include "gate/compat.h"
#include "gate/clock.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <cmocka.h>

static void test_non_decreasing(void **state)
{
    long long prev = gate_clock_ms();
    double prevf = gate_clock_msf();

    (void)state;
    assert_true(prev > 0);
    for (int i = 0; i < 100000; i++) {
        long long now = gate_clock_ms();
        double nowf = gate_clock_msf();

        assert_true(now >= prev);
        assert_true(nowf >= prevf);
        prev = now;
        prevf = nowf;
    }
}

static void test_sleep_lower_bound(void **state)
{
    static const long long rows[] = {1, 20, 1050};

    (void)state;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(rows); i++) {
        long long t0 = gate_clock_ms();
        double t0f = gate_clock_msf();

        gate_sleep_ms(rows[i]);
        assert_true(gate_clock_ms() - t0 >= rows[i]);
        assert_true(gate_clock_msf() - t0f >= (double)rows[i]);
    }
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/*
 * A signal whose handler runs ends the sleep (a stop signal must wake a
 * waiting loop at once): a 30 s sleep interrupted after 20 ms returns long
 * before its 30 s (a margin no loaded machine comes near).
 */
static void test_sleep_signal_wakes(void **state)
{
    struct sigaction sa, old;
    struct itimerval it = {{0, 0}, {0, 20000}};
    long long t0;

    (void)state;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    (void)sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
    t0 = gate_clock_ms();
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    gate_sleep_ms(30000);
    assert_int_equal(alarms, 1);
    assert_true(gate_clock_ms() - t0 < 30000);
    (void)sigaction(SIGALRM, &old, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_non_decreasing),
        cmocka_unit_test(test_sleep_lower_bound),
        cmocka_unit_test(test_sleep_signal_wakes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
