/*
 * tracer/binary/frames.h - the stack frame size of each function.
 *
 * Three sources, best last:
 *  - the DWARF call frame information of the ELF (.debug_frame, else
 *    .eh_frame, through libdw): the largest CFA offset from the stack
 *    pointer over the function's rows. On x86-64 it includes the return
 *    address (CFA = rsp + 8 at entry), like GCC's -fstack-usage. When the
 *    CFA moves to a frame pointer the size after that point cannot be read
 *    from CFI (at -O2 this means alloca or a VLA; at -O0 every function),
 *    so the frame is unknown, with that reason;
 *  - GCC's -fstack-usage files (.su): "file:line:col:name<TAB>bytes<TAB>
 *    static|dynamic|dynamic,bounded". "dynamic" without "bounded" (a VLA,
 *    alloca) is unknown;
 *  - GCC's -fcallgraph-info=su,da files (.ci): the same sizes, and the
 *    calls the compiler emitted (library helpers included), which are added
 *    to a call graph.
 * A .su or .ci entry and a CFI entry of the same name give the larger of the
 * two known figures (both are kept, see has_cfi). Two entries of one name
 * from one kind of source (file statics) keep the larger. A frames:
 * declaration of the rules (trc_frames_declare) makes a frame known: the
 * declared size, or the larger known figure of the binary.
 */
#ifndef TRC_FRAMES_H
#define TRC_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "binary/callgraph.h"
#include "binary/elf.h"
#include "err.h"

enum trc_frame_src { TRC_FRAME_CFI = 1, TRC_FRAME_SU = 2, TRC_FRAME_CI = 3, TRC_FRAME_DECL = 4 };

struct trc_frame {
	char *name;
	uint64_t bytes; /* meaningful when known */
	int known;      /* 0: unknown size, see why */
	enum trc_frame_src src;
	char *file; /* may be NULL (CFI) */
	unsigned line, col;
	char *why;  /* unknown: the reason; NULL when known */
	int merged; /* > 1 definitions of this name were merged */
	/* The CFI figure beside a .su/.ci/declared one (has_cfi): the frame is the
	 * larger of the known figures, and a report shows both when they differ
	 * (GCC's .su leaves out the argument registers an ARM variadic function
	 * pushes; its unwind table counts them). */
	int has_cfi, cfi_known;
	uint64_t cfi_bytes;
	uint64_t src_bytes;    /* the figure of src itself, before the larger is taken */
	uint64_t alloca_bound; /* frames: alloca: N, added to a dynamic frame */
};

struct trc_frames {
	struct trc_frame *v; /* sorted by name after trc_frames_finish */
	size_t n, cap;
	int sorted;
};

void trc_frames_init(struct trc_frames *f);
void trc_frames_fini(struct trc_frames *f);

/* Adds the CFI frame of every sized function symbol of e. A function with
 * no CFI at all is added as unknown ("no call frame information").
 * Returns 0; LC_ENOTFOUND when e has neither .debug_frame nor .eh_frame
 * (message says so; nothing added); LC_ENOMEM. */
int trc_frames_from_cfi(struct trc_frames *f, const struct trc_elf *e, struct lc_err *err);

/* Adds the entries of one .su file. Returns 0, LC_EIO, LC_EFORMAT
 * ("path:line: ..." for a malformed line), LC_ENOMEM. */
int trc_frames_load_su(struct trc_frames *f, const char *path, struct lc_err *err);

/* Adds the frames of one .ci file and, when cg is not NULL, its call edges
 * (kind TRC_CG_COMPILER) and its defined functions. Returns as above. */
int trc_frames_load_ci(struct trc_frames *f, struct trc_cg *cg, const char *path,
                       struct lc_err *err);

/* Loads the .su files (ci 0) or .ci files (ci 1, edges into cg) among
 * paths: files, or folders searched for *.su / *.ci (depth-limited,
 * symlinks not followed), in sorted order; *nfiles (may be NULL) is how
 * many. Returns 0, LC_EIO (a path that cannot be opened), or as above. */
int trc_frames_load_paths(struct trc_frames *f, struct trc_cg *cg, const char *const *paths,
                          size_t n, int ci, size_t *nfiles, struct lc_err *err);

/* Sorts and merges (see the precedence above). Call once after loading. */
void trc_frames_finish(struct trc_frames *f);

/* Applies a frames: declaration after trc_frames_finish: has_bytes declares
 * the frame size (the larger of it and a known figure of the binary counts);
 * alloca_bound > 0 bounds the dynamic part of a frame (VLA, alloca) that is
 * otherwise unknown. Returns 0 or LC_ENOMEM. */
int trc_frames_declare(struct trc_frames *f, const char *name, int has_bytes, uint64_t bytes,
                       uint64_t alloca_bound, const char *file, unsigned line);

/* The frame of name, or NULL. Borrowed. Requires trc_frames_finish. */
const struct trc_frame *trc_frames_find(const struct trc_frames *f, const char *name);

/* The DWARF register number of the stack pointer on e's machine, or -1. */
int trc_frames_sp_reg(const struct trc_elf *e);

#endif /* TRC_FRAMES_H */
