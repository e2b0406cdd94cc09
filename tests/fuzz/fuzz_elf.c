/*
 * tests/fuzz/fuzz_elf.c - libFuzzer target for the ELF/DWARF readers of
 * latch-trace memmap and stack (tracer/binary/elf.c, dwarf_cu.c, frames.c,
 * regions.c, memdiff.c, the machine-code decoder disasm.c and the vector
 * table and .ARM.attributes readers of irq.c). Any input must give a result or an error message,
 * never a crash, a leak or undefined behaviour.
 *
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang-19 -DLATCH_FUZZ=ON
 *   build-fuzz/tests/fuzz/fuzz_elf -max_total_time=120 tests/fuzz/corpus/elf
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "binary/callgraph.h"
#include "binary/disasm.h"
#include "binary/dwarf_cu.h"
#include "binary/elf.h"
#include "binary/frames.h"
#include "binary/irq.h"
#include "binary/memdiff.h"
#include "binary/regions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trc_elf *e = NULL;
	struct trc_dwarf_cu *cu = NULL;
	struct trc_memdiff *md = NULL;
	struct trc_frames fr;
	struct trc_regions rg;
	struct trc_cg cg;
	struct trc_irq_set irq;
	struct lc_err err = {0, ""};
	int fpu;

	if (trc_elf_open_mem(&e, "fuzz", data, size, &err) < 0)
		return 0;
	if (trc_dwarf_cu_new(&cu, e, TRC_DWARF_CU_BY_CU, &err) == 0)
		trc_dwarf_cu_free(cu);
	cu = NULL;
	if (trc_dwarf_cu_new(&cu, e, TRC_DWARF_CU_BY_FILE, &err) == 0)
		trc_dwarf_cu_free(cu);
	trc_frames_init(&fr);
	trc_frames_from_cfi(&fr, e, &err);
	trc_frames_finish(&fr);
	trc_frames_fini(&fr);
	trc_cg_init(&cg);
	if (trc_disasm_supported(e))
		trc_disasm_calls(&cg, e, NULL, &err);
	trc_cg_fini(&cg);
	trc_irq_set_init(&irq);
	trc_irq_from_vectors(&irq, e, &err);
	trc_irq_set_fini(&irq);
	trc_irq_fpu_of(&fpu, e, &err);
	if (trc_memdiff_new(&md, e, e, &err) == 0)
		trc_memdiff_free(md);
	memset(&rg, 0, sizeof(rg));
	if (trc_regions_parse(&rg, "FLASH=0x08000000:512K,RAM=0x20000000:128K,LOW=0:64M", &err) ==
	    0)
		trc_regions_measure(&rg, e);
	trc_elf_free(e);
	return 0;
}
