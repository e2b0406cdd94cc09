/* tracer/trace/replay.c - the one call-stack replay (see replay.h); the hot
 * path is inline in the header. */
#include "trace/replay.h"

#include <string.h>

void trc_replay_init(struct trc_replay *r, uint64_t hook_pair_ticks)
{
	memset(&r->counts, 0, sizeof(r->counts));
	memset(&r->call, 0, sizeof(r->call));
	r->hook_pair = hook_pair_ticks;
	r->hook_residue = 0;
	r->depth = 0;
	r->overflow = 0;
}

void trc_replay_set_residue(struct trc_replay *r, uint64_t residue_ticks)
{
	r->hook_residue = residue_ticks;
}

const struct trc_replay_frame *trc_replay_unwind(struct trc_replay *r)
{
	const struct trc_replay_frame *fr;

	if (r->depth == 0)
		return NULL;
	fr = &r->stack[--r->depth];
	if (r->depth > 0 && fr->deep > r->stack[r->depth - 1u].deep)
		r->stack[r->depth - 1u].deep = fr->deep;
	r->counts.unfinished++;
	return fr;
}

void trc_replay_thread_end(struct trc_replay *r)
{
	r->counts.unfinished += r->depth + r->overflow;
	r->depth = 0;
	r->overflow = 0;
}
