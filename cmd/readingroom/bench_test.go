package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// testChildren are what this test binary does when run by a test as a
// child process, with testChildEnv naming one; each returns the exit code.
var testChildren = map[string]func() int{}

const testChildEnv = "READINGROOM_TEST_CHILD"

// TestMain lets the test binary stand in for readingroom when the bench
// runs it as a child (serve, import, the static server), or a test's
// child (testChildren).
func TestMain(m *testing.M) {
	if name := os.Getenv(testChildEnv); name != "" {
		os.Exit(testChildren[name]())
	}
	if os.Getenv(benchChildEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		var exit exitError
		switch {
		case errors.As(err, &exit):
			os.Exit(exit.code)
		case err != nil:
			fmt.Fprintln(os.Stderr, "readingroom:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	removeBinary()
	os.Exit(code)
}

// The bench runs end to end on a small library and prints every figure of
// the table with a verdict.
func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a library and runs servers")
	}
	dir := t.TempDir()
	out, code := runCmd(t, "bench", "--articles", "60", "--duration", "200ms", "--searches", "5", "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"| import |", "| database ÷ text |", "search p50, frequent", "search p99, rare (3", `search p99, "of the"`,
		"| article page, 8 connections |", "mix of pages and searches, 32 connections, no import", "mix of pages and searches, 32 connections, during an import",
		"| peak server RSS |", "60 articles"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| figure") && !strings.HasPrefix(line, "| ---") &&
			!strings.HasSuffix(line, "| pass |") && !strings.HasSuffix(line, "| miss |") && !strings.Contains(line, "no such words") &&
			!strings.Contains(line, "(for comparison)") {
			t.Errorf("row without a verdict: %s", line)
		}
	}
	// The same seed makes the same library, byte for byte.
	a, err := os.ReadFile(filepath.Join(dir, "library", "library-000000.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := generateLibrary(filepath.Join(t.TempDir(), "again"), 60, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(lib.files[0])
	if err != nil || string(a) != string(b) {
		t.Errorf("a second library differs (%v)", err)
	}
}

func TestPseudoWordsAreDistinct(t *testing.T) {
	seen := map[string]int{}
	for i := range 300_000 {
		w := pseudoWord(i)
		if j, ok := seen[w]; ok {
			t.Fatalf("pseudoWord(%d) = pseudoWord(%d) = %q", i, j, w)
		}
		seen[w] = i
	}
}
