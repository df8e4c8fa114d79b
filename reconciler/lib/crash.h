/* crash: named points where a test build can kill netrec with SIGKILL, to
 * prove that an apply interrupted anywhere leaves no half-written file, a
 * consistent journal and a free lock. Compiled in only with
 * -DNETREC_TEST_HOOKS=ON (the test builds); elsewhere nr_crashpoint is an
 * empty inline function and the environment is never read. */
#ifndef NR_CRASH_H
#define NR_CRASH_H

#ifdef NETREC_TEST_HOOKS
/* Kills this process with SIGKILL when $NETREC_CRASH_AT names `point`
 * ("POINT": the first time it is reached; "POINT@N": the Nth time, so
 * that a point reached once per change or per file can be hit at a later
 * one). Only one point is named per run. */
void nr_crashpoint(const char *point);
#else
static inline void nr_crashpoint(const char *point)
{
	(void)point;
}
#endif

#endif
