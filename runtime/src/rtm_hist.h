/*
 * runtime/src/rtm_hist.h - the log-linear histogram bucket scheme.
 *
 * Header-only, no dependencies: the runtime (summary mode) and the tracer
 * include the very same scheme. 2^RTM_HIST_SUB_BITS sub-buckets per power of
 * two, so a bucket's width is at most 1/128 of its lower bound (< 1 %).
 *
 *   v < 256:  bucket = v (exact)
 *   v >= 256: e = floor(log2 v), m = v >> (e - 7) in [128, 256),
 *             bucket = (e - 6) * 128 + (m - 128)
 *
 * Every uint64_t maps to one of RTM_HIST_BUCKETS_ALL (7424) buckets; a table
 * may keep fewer buckets and clamp (rtm_hist_bucket_clamped).
 */
#ifndef RTM_HIST_H
#define RTM_HIST_H

#include <stdint.h>

#define RTM_HIST_SUB_BITS    7u
#define RTM_HIST_SUB         (1u << RTM_HIST_SUB_BITS)
#define RTM_HIST_BUCKETS_ALL ((64u - RTM_HIST_SUB_BITS + 1u) * RTM_HIST_SUB)

/* The bucket of value v. */
__attribute__((no_instrument_function, unused)) static inline uint32_t rtm_hist_bucket(uint64_t v)
{
	uint32_t e;

	if (v < 2u * RTM_HIST_SUB)
		return (uint32_t)v;
	e = 63u - (uint32_t)__builtin_clzll(v);
	return (e - RTM_HIST_SUB_BITS + 1u) * RTM_HIST_SUB +
	       (uint32_t)((v >> (e - RTM_HIST_SUB_BITS)) - RTM_HIST_SUB);
}

/* The bucket of v in a table of nbuckets (>= 1): values past the table land
 * in the last bucket. */
__attribute__((no_instrument_function, unused)) static inline uint32_t
rtm_hist_bucket_clamped(uint64_t v, uint32_t nbuckets)
{
	uint32_t b = rtm_hist_bucket(v);

	return b < nbuckets ? b : nbuckets - 1u;
}

/* The smallest value in bucket b (b < RTM_HIST_BUCKETS_ALL). */
__attribute__((no_instrument_function, unused)) static inline uint64_t rtm_hist_lower(uint32_t b)
{
	uint32_t e, m;

	if (b < 2u * RTM_HIST_SUB)
		return b;
	e = b / RTM_HIST_SUB + RTM_HIST_SUB_BITS - 1u;
	m = RTM_HIST_SUB + b % RTM_HIST_SUB;
	return (uint64_t)m << (e - RTM_HIST_SUB_BITS);
}

/* The largest value in bucket b (b < RTM_HIST_BUCKETS_ALL). */
__attribute__((no_instrument_function, unused)) static inline uint64_t rtm_hist_upper(uint32_t b)
{
	if (b + 1u >= RTM_HIST_BUCKETS_ALL)
		return UINT64_MAX;
	return rtm_hist_lower(b + 1u) - 1u;
}

#endif /* RTM_HIST_H */
