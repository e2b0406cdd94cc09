/*
 * runtime/src/rtm_prefault.c - keeping page faults off the record path.
 *
 * A record written into a page that is not yet present takes a page fault:
 * microseconds (7-16 us per page measured on a loaded 2-vCPU VM), more than a
 * whole traced control step. Making the whole buffer present at start-up
 * avoids that but costs the same microseconds for every page of it, used or
 * not (seconds for 1 GiB). So the session makes the tables and the first
 * RTM_PF_FIRST_BYTES (256 MiB) of chunks present at start-up, what most runs
 * write, and beyond that a thread of the runtime keeps RTM_PF_AHEAD_BYTES
 * (at least RTM_PF_AHEAD_MIN chunks) present ahead of the claims while the
 * program runs, so that the faults happen on that thread rather than in a
 * hook. Measured (bench/runtime/peer.py, 2-vCPU VM at load 15): with the
 * thread doing all of it, a run's per-call cost was 3x its peer's (the
 * thread could not keep up, the recording thread took the faults), with
 * everything prefaulted 1.3x; hence the large first window. Between rounds
 * the thread sleeps as long as its lead allows (prefault_nap_ns, 200 us to
 * 20 ms); stop wakes it (pf_cv). The thread blocks every signal (a signal
 * meant for the program is never delivered to it), records nothing, and
 * ends when the buffer is all present or the session stops.
 */
#define _GNU_SOURCE
#include "rtm.h"

#include <latch/annotate.h>

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

/* MADV_POPULATE_WRITE (Linux 5.14) makes the pages present and writable and
 * runs the filesystem's page_mkwrite. Where it fails, each page gets an
 * atomic add of 0: a write fault that changes nothing, even in a chunk that
 * a thread is already writing. */
RTM_NOTRACE void rtm_prefault_range(struct rtm_state *st, uint64_t off, uint64_t len)
{
	uint64_t o;

	if (st->map == NULL || off >= st->map_size)
		return;
	if (len > st->map_size - off)
		len = st->map_size - off;
#ifdef MADV_POPULATE_WRITE
	if (madvise(st->map + off, (size_t)len, MADV_POPULATE_WRITE) == 0)
		return;
#endif
	LATCH_LOOP_BOUND(1u << 24); /* pages of at most 64 GiB */
	for (o = 0; o < len; o += 4096u)
		__atomic_fetch_add(st->map + off + o, 0, __ATOMIC_RELAXED);
}

/* The fastest a thread fills a chunk, per record: no hook pair has been
 * measured under 9 ns (two records), so 2 ns a record is conservative. */
#define RTM_PF_NS_PER_REC 2u
#define RTM_PF_NAP_MIN_NS 200000u   /* 200 us */
#define RTM_PF_NAP_MAX_NS 20000000u /* 20 ms */

/* How long the thread may sleep with `spare` chunks present beyond the
 * claims before the claims could eat into the half of its lead it keeps:
 * spare minus half the lead, at the fastest fill of every registered
 * thread at once; clamped. A fixed 200 us nap woke it 5000 times a second
 * for the whole run even while the first window kept it far ahead, each
 * wake-up a context switch on a core the traced program may need (the
 * default prefault cost 1.45x the peer per call against 1.23x for "all"). */
RTM_NOTRACE static uint64_t prefault_nap_ns(const struct rtm_state *st, uint64_t claims)
{
	uint64_t keep = st->pf_ahead / 2u, nthr, ns;

	if (st->pf_done <= claims + keep)
		return RTM_PF_NAP_MIN_NS;
	nthr = __atomic_load_n(RTM_A32(st->map + RTM_H_THREAD_COUNT), __ATOMIC_RELAXED);
	if (nthr == 0)
		nthr = 1;
	ns = (st->pf_done - claims - keep) * st->chunk_recs * RTM_PF_NS_PER_REC / nthr;
	if (ns < RTM_PF_NAP_MIN_NS)
		ns = RTM_PF_NAP_MIN_NS;
	return ns > RTM_PF_NAP_MAX_NS ? RTM_PF_NAP_MAX_NS : ns;
}

RTM_NOTRACE static void *prefault_main(void *arg)
{
	struct rtm_state *st = arg;

	LATCH_LOOP_BOUND(1u << 31); /* ends at stop or when the buffer is present */
	while (!__atomic_load_n(&st->pf_stop, __ATOMIC_ACQUIRE)) {
		uint64_t c =
		        __atomic_load_n(RTM_A64(st->map + RTM_H_CHUNK_CLAIMS), __ATOMIC_RELAXED);
		uint64_t want, ns;
		struct timespec nap;

		if (c & RTM_CLAIMS_CLOSED)
			break;
		want = c + st->pf_ahead;
		if (want > st->chunk_count)
			want = st->chunk_count;
		LATCH_LOOP_BOUND(1u << 24); /* chunks of the buffer */
		while (st->pf_done < want && !__atomic_load_n(&st->pf_stop, __ATOMIC_ACQUIRE)) {
			rtm_prefault_range(st,
			                   (uint64_t)(st->chunks - st->map) +
			                           (uint64_t)st->pf_done * st->chunk_size,
			                   st->chunk_size);
			st->pf_done++;
		}
		if (st->pf_done >= st->chunk_count)
			break;
		ns = prefault_nap_ns(st, c);
		clock_gettime(CLOCK_MONOTONIC, &nap);
		ns += (uint64_t)nap.tv_nsec;
		nap.tv_sec += (time_t)(ns / 1000000000u);
		nap.tv_nsec = (long)(ns % 1000000000u);
		pthread_mutex_lock(&st->pf_mu);
		if (!__atomic_load_n(&st->pf_stop, __ATOMIC_ACQUIRE))
			pthread_cond_timedwait(&st->pf_cv, &st->pf_mu, &nap);
		pthread_mutex_unlock(&st->pf_mu);
	}
	return NULL;
}

RTM_NOTRACE void rtm_prefault_start(struct rtm_state *st)
{
	sigset_t all, old;
	pthread_condattr_t ca;

	if (st->map == NULL || st->chunks == NULL || st->cfg.prefault != RTM_PF_AHEAD ||
	    st->pf_done >= st->chunk_count)
		return;
	st->pf_stop = 0;
	pthread_mutex_init(&st->pf_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->pf_cv, &ca);
	pthread_condattr_destroy(&ca);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	st->pf_running = pthread_create(&st->pf_thread, NULL, prefault_main, st) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

RTM_NOTRACE void rtm_prefault_stop(struct rtm_state *st)
{
	if (!st->pf_running)
		return;
	pthread_mutex_lock(&st->pf_mu);
	__atomic_store_n(&st->pf_stop, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&st->pf_cv);
	pthread_mutex_unlock(&st->pf_mu);
	pthread_join(st->pf_thread, NULL);
	pthread_cond_destroy(&st->pf_cv);
	pthread_mutex_destroy(&st->pf_mu);
	st->pf_running = 0;
}
