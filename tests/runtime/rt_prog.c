/*
 * tests/runtime/rt_prog.c - an instrumented program with a known behaviour,
 * run by rt_tests.py under LATCH_TRACE. argv[1] picks the scenario; the
 * program prints what the test needs to know ("calls N", "ready").
 *
 * Built with -finstrument-functions by gcc and clang at -O0 and -O2. The
 * functions are noinline and have side effects so that -O2 keeps every call.
 */
#define _GNU_SOURCE
#include <latch/rt.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOINL __attribute__((noinline))

volatile unsigned long sink;

NOINL void leaf(void)
{
	sink++;
}

NOINL void alpha(void)
{
	leaf();
	leaf();
}

NOINL void beta(void)
{
	alpha();
	leaf();
}

static void (*volatile indirect)(void) = beta;

/* The known tree: run_tree -> alpha x3 (leaf x2 each), beta via a pointer
 * (alpha (leaf x2), leaf). 15 calls including run_tree. */
NOINL void run_tree(void)
{
	int i;

	for (i = 0; i < 3; i++)
		alpha();
	indirect();
}
#define TREE_CALLS 15

/* Left out of tracing by name, as a firmware would exclude a clock read. */
__attribute__((no_instrument_function)) static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NOINL void busy_wait(uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end)
		sink++;
}

static void *thread_main(void *arg)
{
	long n = (long)arg, i;

	for (i = 0; i < n; i++)
		run_tree();
	return NULL;
}

/* Armed by the "nomalloc" scenario: any allocation then is a failure. */
static volatile int malloc_armed;
static volatile long malloc_seen;
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);
#ifdef RT_PROG_INTERPOSE
__attribute__((no_instrument_function)) void *malloc(size_t n)
{
	if (malloc_armed)
		malloc_seen++;
	return __libc_malloc(n);
}
__attribute__((no_instrument_function)) void *calloc(size_t n, size_t m)
{
	if (malloc_armed)
		malloc_seen++;
	return __libc_calloc(n, m);
}
__attribute__((no_instrument_function)) void *realloc(void *p, size_t n)
{
	if (malloc_armed)
		malloc_seen++;
	return __libc_realloc(p, n);
}
#endif

#ifdef RT_PROG_AUX
void aux_fn(void); /* rt_aux.c, excluded from tracing by file */
#endif

/* Heap guard: the interlock root reaches an allocation through a pointer. */
NOINL void *alloc_helper(size_t n)
{
	return malloc(n);
}
static void *(*volatile alloc_ptr)(size_t) = alloc_helper;
NOINL void interlock_tick(void)
{
	free(alloc_ptr(24));
	leaf();
}
NOINL void telemetry(void)
{
	free(malloc(100));
}

/* Not atol: under -O2, clang instruments glibc's inline atol, whose address
 * is libc's, which would add a call outside the program's known tree. */
__attribute__((no_instrument_function)) static long arg_num(const char *s)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Signal nesting: a traced handler that interrupts the hooks at random
 * points, fast path and slow path (small chunks), while main traces trees. */
static volatile sig_atomic_t sig_count;
NOINL void on_signal(int sig)
{
	(void)sig;
	leaf();
	sig_count++;
}

/* Deep stack: n frames of about 1 KiB each, a leaf at the bottom. */
NOINL long deep(long n)
{
	volatile char pad[1000];

	pad[0] = (char)n;
	if (n <= 0) {
		leaf();
		return 1;
	}
	return deep(n - 1) + (pad[0] == (char)n);
}

/* errno must come out of a hook as it went in, on the slow paths too: a
 * thread's first event (registration, a chunk claim) and chunk changes. */
__attribute__((no_instrument_function)) static void *errno_thread(void *arg)
{
	long bad = 0, i;

	(void)arg;
	for (i = 0; i < 2000; i++) {
		errno = 77;
		leaf();
		bad += errno != 77;
	}
	return (void *)bad;
}

/* An empty traced function: its self time in a report is the hooks' residue. */
__attribute__((noinline)) void empty_leaf(void)
{
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	const char *sc = argc > 1 ? argv[1] : "tree";
	long i, n = argc > 2 ? arg_num(argv[2]) : 1;
	int rc = 0;

	if (strcmp(sc, "tree") == 0) {
		for (i = 0; i < n; i++)
			run_tree();
		printf("calls %ld\n", 1 + n * TREE_CALLS);
	} else if (strcmp(sc, "busy") == 0) {
		busy_wait((uint64_t)n * 1000000u);
	} else if (strcmp(sc, "spin") == 0) {
		/* Killed with SIGKILL by the test while it runs. */
		for (i = 0;; i++) {
			run_tree();
			if (i == 2000) {
				printf("ready\n");
				fflush(stdout);
			}
		}
	} else if (strcmp(sc, "threads") == 0) {
		pthread_t th[8];

		for (i = 0; i < 8; i++)
			pthread_create(&th[i], NULL, thread_main, (void *)(long)n);
		for (i = 0; i < 8; i++)
			pthread_join(th[i], NULL);
	} else if (strcmp(sc, "fork") == 0) {
		pid_t pid;

		run_tree();
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			for (i = 0; i < 5; i++)
				beta();
			_exit(latch_rt_is_on() && getenv("LATCH_FORK") == NULL ? 3 : 0);
		}
		waitpid(pid, &rc, 0);
		rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : 4;
		alpha();
	} else if (strcmp(sc, "nomalloc") == 0 || strcmp(sc, "nomalloc-selftest") == 0) {
		malloc_armed = 1;
		/* The self-test proves the interposer sees an allocation. */
		if (sc[8] == '-')
			free(alloc_ptr(16));
		for (i = 0; i < n; i++)
			run_tree();
		latch_rt_mark_value(42);
		malloc_armed = 0;
		printf("mallocs %ld\n", malloc_seen);
		rc = malloc_seen != 0;
	} else if (strcmp(sc, "summary") == 0) {
		for (i = 0; i < n; i++)
			leaf();
		for (i = 0; i < 5; i++)
			busy_wait(1000000);
		latch_rt_flush();
	} else if (strcmp(sc, "heap") == 0) {
		for (i = 0; i < n; i++) {
			interlock_tick();
			telemetry();
		}
	} else if (strcmp(sc, "errno") == 0) {
		pthread_t th;
		void *bad = NULL;

		pthread_create(&th, NULL, errno_thread, NULL);
		pthread_join(th, &bad);
		rc = (long)bad != 0 || errno_thread(NULL) != NULL;
	} else if (strcmp(sc, "dlopen") == 0) {
		void *h = dlopen("libm.so.6", RTLD_NOW);

		leaf();
		rc = h == NULL;
#ifdef RT_PROG_AUX
	} else if (strcmp(sc, "aux") == 0) {
		aux_fn();
		alpha();
#endif
	} else if (strcmp(sc, "die") == 0) {
		/* Dies by SIGKILL after n trees: no destructor, no clean stop. */
		for (i = 0; i < n; i++)
			run_tree();
		raise(SIGKILL);
	} else if (strcmp(sc, "signals") == 0) {
		struct sigaction sa;
		struct itimerval it = {{0, 20}, {0, 20}}, off = {{0, 0}, {0, 0}};
		sigset_t alrm;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		for (i = 0; i < n; i++)
			run_tree();
		setitimer(ITIMER_REAL, &off, NULL);
		sigemptyset(&alrm);
		sigaddset(&alrm, SIGALRM);
		sigprocmask(SIG_BLOCK, &alrm, NULL);
		printf("trees %ld signals %ld\n", n, (long)sig_count);
	} else if (strcmp(sc, "deep") == 0) {
		printf("deep %ld\n", deep(n));
	} else if (strcmp(sc, "leaf") == 0) {
		for (i = 0; i < n; i++)
			empty_leaf();
	} else if (strcmp(sc, "mark") == 0) {
		latch_rt_mark("phase-1");
		leaf();
		latch_rt_mark_value(7);
	} else {
		rc = 2;
	}
	return rc;
}
