/* clock: monotonic milliseconds for timeouts and durations. */
#ifndef NR_CLOCK_H
#define NR_CLOCK_H

/* Milliseconds on CLOCK_MONOTONIC (not wall time: immune to clock steps). */
long long nr_now_ms(void);
/* Sleeps `ms` milliseconds, resuming after signals. */
void nr_sleep_ms(long long ms);

#endif
