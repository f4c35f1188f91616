//go:build linux && cgo

package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

func init() {
	testChildren["arenas"] = arenasChild
}

// arenasChild runs SQLite on sqliteThreads threads at once and prints the
// arena limit set as it loaded and how many arenas malloc then has.
func arenasChild() int {
	dir, err := os.MkdirTemp("", "arenas-")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite3", filepath.Join(dir, "a.db"))
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer db.Close()
	db.SetMaxOpenConns(sqliteThreads)
	ctx := context.Background()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range sqliteThreads {
		wg.Go(func() {
			runtime.LockOSThread() // a thread of its own, for its whole life
			conn, err := db.Conn(ctx)
			if err == nil {
				defer conn.Close()
				for range 20 {
					var n int
					if err = conn.QueryRowContext(ctx, `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 200)
						SELECT count(DISTINCT printf('%0500d', i)) FROM c`).Scan(&n); err != nil {
						break
					}
				}
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		fmt.Println(errs[0])
		return 1
	}
	fmt.Println(mallocArenaLimit(), mallocArenasInUse())
	return 0
}

const sqliteThreads = 12

// With the limit set as the program loads, SQLite working on a dozen
// threads at once leaves at most one arena a core (two at least); with
// glibc's own limit, most of those threads get one of their own (which is
// what the limit is for, and shows that the count is right). A limit set
// in the environment is kept.
func TestMallocArenasLimited(t *testing.T) {
	if mallocArenasInUse() < 0 {
		t.Skip("not glibc's malloc: nothing to limit")
	}
	arenas := func(env ...string) (limit, n int) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), testChildEnv+"=arenas", "MALLOC_ARENA_MAX=", "GLIBC_TUNABLES=")
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v: %s", err, out)
		}
		if _, err := fmt.Sscan(string(out), &limit, &n); err != nil {
			t.Fatalf("child said %q", out)
		}
		return limit, n
	}
	want := max(2, runtime.NumCPU())
	if limit, n := arenas(); limit != want || n > want {
		t.Errorf("limit %d, %d malloc arenas after SQLite ran on %d threads at once; want limit %d and at most %d arenas", limit, n, sqliteThreads, want, want)
	}
	if limit, n := arenas("MALLOC_ARENA_MAX=64"); limit != 0 || n <= want {
		t.Errorf("with MALLOC_ARENA_MAX=64: limit %d (want 0: the environment's is kept), %d arenas (want more than %d, or the test cannot tell the limit works)", limit, n, want)
	}
	if limit, _ := arenas("GLIBC_TUNABLES=glibc.malloc.arena_max=3"); limit != 0 {
		t.Errorf("with arena_max in GLIBC_TUNABLES: limit %d, want 0 (the environment's is kept)", limit)
	}
}
