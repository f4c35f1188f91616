// Package dumptest finds the seed dumps, the real magazine dumps kept in
// ../shared/seeds beside the repository, for the tests that read them. It
// is imported by tests only.
package dumptest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// SeedsDir is the folder of seed dumps: ../shared/seeds from the
// repository's root, or READINGROOM_SEEDS when set.
func SeedsDir() string {
	if dir := os.Getenv("READINGROOM_SEEDS"); dir != "" {
		return dir
	}
	_, file, _, _ := runtime.Caller(0) // .../dump/dumptest/dumptest.go
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	return filepath.Join(root, "..", "shared", "seeds")
}

// Seeds returns the seed dump files. Where there are none, it returns
// none, so that a test can run on its own dumps alone, unless
// READINGROOM_REQUIRE_SEEDS is set (CI sets it): then a missing seed folder
// fails t.
func Seeds(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(SeedsDir(), "*"))
	if len(files) == 0 && os.Getenv("READINGROOM_REQUIRE_SEEDS") != "" {
		t.Fatalf("no seed dumps in %s; READINGROOM_REQUIRE_SEEDS is set, so this is a failure", SeedsDir())
	}
	return files
}

// RequireSeeds is Seeds for a test that means nothing without them: it
// skips t where there are none (and READINGROOM_REQUIRE_SEEDS is not set).
func RequireSeeds(t testing.TB) []string {
	t.Helper()
	files := Seeds(t)
	if len(files) == 0 {
		t.Skipf("no seed dumps in %s: skipping (set READINGROOM_REQUIRE_SEEDS=1 to make this a failure)", SeedsDir())
	}
	return files
}
