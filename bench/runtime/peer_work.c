/*
 * bench/runtime/peer_work.c - the two workloads of peer_prog.c (which includes
 * this file as it is), also compiled three times into one peer_inproc
 * binary (peer.py): untraced (SUFFIX=_plain),
 * traced by liblatch_rt (SUFFIX=_latch, the real __cyg_profile_func_* hooks)
 * and traced by the peer (SUFFIX=_peer, its hook references renamed to
 * peer_func_enter/exit with objcopy --redefine-sym), so that one process
 * times all three alternately, under the same interrupts, pre-emptions,
 * frequency and cache state.
 *
 *   one:   one small function per iteration (the workload the runtime was
 *          tuned on)
 *   step4: a control step of four small calls (sense, filter, control,
 *          act) under a traced step(): five traced calls per iteration
 */
#include <stdint.h>

#ifndef SUFFIX
#define SUFFIX
#endif
#define CAT2(a, b) a##b
#define CAT(a, b)  CAT2(a, b)
#define N(x)       CAT(x, SUFFIX)
#define WORK       __attribute__((noinline))
#define NOTRACE    __attribute__((no_instrument_function))

extern volatile uint64_t sink;
extern volatile double plant, integ;

WORK void N(one)(uint64_t i)
{
	sink = sink * 31u + i;
}

WORK double N(sense)(void)
{
	return plant + (double)(sink & 7u) * 0.001;
}

WORK double N(filt)(double x)
{
	static double y;

	y += 0.25 * (x - y);
	return y;
}

WORK double N(ctl)(double e)
{
	integ += e * 0.001;
	return 1.5 * e + 0.25 * integ;
}

WORK void N(act)(double u)
{
	plant += (u > 50.0 ? 50.0 : u) * 1e-6;
	sink++;
}

WORK void N(step)(void)
{
	N(act)(N(ctl)(30.0 - N(filt)(N(sense)())));
}

/* The loops are not traced: only the workload's calls are. */
NOTRACE void N(loop_one)(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		N(one)(i);
}

NOTRACE void N(loop_step4)(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		N(step)();
}
