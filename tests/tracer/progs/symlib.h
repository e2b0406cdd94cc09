/* tests/tracer/progs/symlib.h - the shared object of the symbolization test. */
#ifndef SYMLIB_H
#define SYMLIB_H

void symlib_scale(unsigned n);
unsigned symlib_work(unsigned n);

#endif /* SYMLIB_H */
