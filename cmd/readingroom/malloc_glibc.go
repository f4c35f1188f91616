//go:build linux && cgo

package main

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

// rr_arena_limit is the limit rr_limit_arenas set, or 0.
static int rr_arena_limit;

// rr_limit_arenas runs when the program is loaded, before the Go runtime
// starts its threads, each of which would otherwise soon have an arena of
// its own: mallopt must come before, since glibc settles the limit as the
// first threads allocate. A limit set in the environment (MALLOC_ARENA_MAX
// or GLIBC_TUNABLES, which glibc has read) is left as it is.
__attribute__((constructor)) static void rr_limit_arenas(void) {
#ifdef __GLIBC__
	const char *t = getenv("GLIBC_TUNABLES");
	const char *m = getenv("MALLOC_ARENA_MAX");
	if ((m != NULL && *m != '\0') || (t != NULL && strstr(t, "arena_max") != NULL)) return;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 2) n = 2;
	if (n > 64) n = 64;
	if (mallopt(M_ARENA_MAX, (int)n) == 1) rr_arena_limit = (int)n;
#endif
}

// rr_arenas counts malloc's arenas: the heaps malloc_info lists.
static int rr_arenas(void) {
#ifdef __GLIBC__
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) return -1;
	if (malloc_info(0, f) != 0) { fclose(f); free(buf); return -1; }
	fclose(f);
	int n = 0;
	for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++) n++;
	free(buf);
	return n;
#else
	return -1;
#endif
}

static int rr_get_arena_limit(void) { return rr_arena_limit; }
*/
import "C"

// The C allocator (SQLite's, through glibc's malloc) is kept to one arena
// a core, two at least, by rr_limit_arenas above as the program loads.
//
// glibc gives a thread an arena of its own when another holds the one it
// would use, up to eight a core, and each arena keeps the memory freed
// into it. SQLite runs on whichever threads the Go runtime lends to its
// calls, so a busy room soon has a dozen arenas, each holding pages of the
// connections' caches that it freed: about 10 MB more resident memory,
// measured under the bench's load at 20,000 articles, for no measurable
// gain in speed.

// mallocArenaLimit is the arena limit set as the program loaded, or 0 when
// none was (the environment set one, or the allocator is not glibc's).
func mallocArenaLimit() int { return int(C.rr_get_arena_limit()) }

// mallocArenasInUse counts the C allocator's arenas, or -1 where that
// cannot be known.
func mallocArenasInUse() int { return int(C.rr_arenas()) }
