package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary, as a person would: what a signal does,
// or a named pipe, cannot be seen from inside the process.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds readingroom once for the whole test run and returns its
// path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "readingroom-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "readingroom")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// removeBinary removes the binary built for the tests (see TestMain).
func removeBinary() {
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
}

// binTimeout is how long a command may take before a test calls it hung.
// It is no measure of speed: each of these commands takes well under a
// second when it works, and for ever when it hangs.
const binTimeout = 60 * time.Second

// runBinary runs the binary with args and returns its output (stdout then
// stderr) and exit status; a command that does not end within binTimeout
// fails the test.
func runBinary(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), binTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = append(os.Environ(), "READINGROOM_DB=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("readingroom %s did not end within %v (it hangs)\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), binTimeout, stdout.String(), stderr.String())
	}
	code := 0
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String() + stderr.String(), code
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// A named pipe, named on the command line or found in a folder, is
// refused with its reason at once; opening one used to wait for a writer
// for ever, deaf to Ctrl+C.
func TestImportNamedPipe(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "dumps", "a.txt"), "An article\n\nIts only paragraph.\n")
	mkfifo(t, filepath.Join(dir, "dumps", "inside.txt"))
	pipe := filepath.Join(dir, "pipe.txt")
	mkfifo(t, pipe)

	out, code := runBinary(t, "import", "--db", filepath.Join(dir, "room.db"), pipe, filepath.Join(dir, "dumps"))
	if code != 1 {
		t.Errorf("exit %d, want 1 (entries were not imported)", code)
	}
	wantLines(t, out,
		"Read 1 file: 1 new, 0 updated, 0 unchanged, 0 duplicates skipped, 2 files rejected.",
		fmt.Sprintf("rejected %q: a named pipe (FIFO), not a regular file", pipe),
		fmt.Sprintf("rejected %q: a named pipe (FIFO), not a regular file", filepath.Join(dir, "dumps", "inside.txt")),
	)
}

// Links are followed, to files and to folders, on the command line and
// inside folders; a link to nothing and a loop are reported, and the exit
// status says so.
func TestImportFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "elsewhere", "b.txt"), "Bee keeping\n\nA paragraph about bees.\n")
	writeFile(t, filepath.Join(dir, "folder", "c.txt"), "Cider making\n\nA paragraph about apples.\n")
	links := filepath.Join(dir, "links")
	writeFile(t, filepath.Join(links, "a.txt"), "An article\n\nIts only paragraph.\n")
	symlink(t, filepath.Join(dir, "elsewhere", "b.txt"), filepath.Join(links, "b.txt"))
	symlink(t, filepath.Join(dir, "nowhere.txt"), filepath.Join(links, "dangling.txt"))
	symlink(t, ".", filepath.Join(links, "again"))                              // back to links itself
	symlink(t, "loop2", filepath.Join(links, "loop1"))                          // a loop of links
	symlink(t, "loop1", filepath.Join(links, "loop2"))                          //
	symlink(t, filepath.Join(dir, "folder"), filepath.Join(dir, "folder-link")) // a folder, named by a link
	symlink(t, filepath.Join(links, "a.txt"), filepath.Join(dir, "a-link.txt")) // a file already found

	out, code := runBinary(t, "import", "--db", filepath.Join(dir, "room.db"), links, filepath.Join(dir, "folder-link"), filepath.Join(dir, "a-link.txt"))
	if code != 1 {
		t.Errorf("exit %d, want 1 (entries were not imported)", code)
	}
	wantLines(t, out,
		"Read 3 files: 3 new, 0 updated, 0 unchanged, 0 duplicates skipped, 4 files rejected.",
		fmt.Sprintf("rejected %q: a link to %q, which does not exist", filepath.Join(links, "dangling.txt"), filepath.Join(dir, "nowhere.txt")),
		fmt.Sprintf("rejected %q: a link back to a folder that contains it (a loop); not followed", filepath.Join(links, "again")),
		fmt.Sprintf("rejected %q: a link (to %q) in a loop of links", filepath.Join(links, "loop1"), "loop2"),
		fmt.Sprintf("rejected %q: a link (to %q) in a loop of links", filepath.Join(links, "loop2"), "loop1"),
	)
	// A folder named by a link, given alone, is read, and is no error.
	out, code = runBinary(t, "import", "--db", filepath.Join(dir, "room2.db"), filepath.Join(dir, "folder-link"))
	if code != 0 {
		t.Errorf("a link to a folder: exit %d, want 0", code)
	}
	wantLines(t, out, "Read 1 file: 1 new, 0 updated, 0 unchanged, 0 duplicates skipped, 0 files rejected.")
}

// countArticles reads the number of articles in the database at path
// without migrating it; -1 while it has no articles table yet.
func countArticles(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM articles`).Scan(&n); err != nil {
		return -1
	}
	return n
}

// manyDumps writes n one-article dumps into dir.
func manyDumps(t *testing.T, dir string, n int) {
	t.Helper()
	for i := range n {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("%05d.txt", i)),
			fmt.Sprintf("Article number %d\n\nThe first paragraph of article %d, with a few words in it.\n\nA second paragraph, %d.\n", i, i, i))
	}
}

// SIGTERM (or Ctrl+C) during an import stops it at the next file: the
// summary says where, the exit status is 1, and running the same command
// again imports the rest.
func TestImportStopsOnSignal(t *testing.T) {
	dir := t.TempDir()
	dumps := filepath.Join(dir, "dumps")
	const n = 3000
	manyDumps(t, dumps, n)
	db := filepath.Join(dir, "room.db")

	ctx, cancel := context.WithTimeout(t.Context(), binTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), "import", "--db", db, dumps)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Wait until it has saved something, then ask it to stop.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for countArticles(t, db) < 1 {
		select {
		case err := <-done:
			t.Fatalf("the import ended (%v) before it saved anything:\n%s", err, out.String())
		case <-ctx.Done():
			t.Fatalf("no article saved within %v", binTimeout)
		case <-tick.C:
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		t.Fatalf("SIGTERM did not stop the import within %v", binTimeout)
	}
	exit, ok := errors.AsType[*exec.ExitError](err)
	if !ok || exit.ExitCode() != 1 {
		t.Fatalf("after SIGTERM: %v, want exit status 1\n%s", err, out.String())
	}
	saved := countArticles(t, db)
	if saved >= n {
		t.Fatalf("all %d articles were saved before the signal took effect; the test needs more files", saved)
	}
	var read, total, imported int
	if i := strings.Index(out.String(), "Read "); i < 0 {
		t.Fatalf("no summary:\n%s", out.String())
	} else if _, err := fmt.Sscanf(out.String()[i:], "Read %d of %d files: %d new", &read, &total, &imported); err != nil || imported != saved || read != saved {
		t.Errorf("the summary says %d files read and %d articles new (%v); %d were stored\n%s", read, imported, err, saved, out.String())
	}
	wantLines(t, out.String(), "The import stopped at file ", fmt.Sprintf(" of %d, %s", n, quotedPrefix(dumps+string(filepath.Separator))),
		": it was interrupted (Ctrl+C or a signal).", "Run the same command again to import the rest")

	again, code := runBinary(t, "import", "--db", db, dumps)
	if code != 0 {
		t.Fatalf("re-run: exit %d\n%s", code, again)
	}
	wantLines(t, again, fmt.Sprintf("Read %d files: %d new, 0 updated, %d unchanged", n, n-saved, saved))
	if got := countArticles(t, db); got != n {
		t.Errorf("%d articles after the re-run, want %d", got, n)
	}
}

// An import that fills the disk says it stopped, where, and why, exits 1,
// and the same command, with room to write, completes it.
func TestImportDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", mnt, err, out)
		}
	})
	dir := t.TempDir()
	dumps := filepath.Join(dir, "dumps")
	const n = 400
	manyDumps(t, dumps, n)
	db := filepath.Join(mnt, "room.db")
	// A room made, then a disk with little room left in it.
	writeFile(t, filepath.Join(dir, "first.txt"), "The first article\n\nIts text.\n")
	if out, code := runBinary(t, "import", "--db", db, filepath.Join(dir, "first.txt")); code != 0 {
		t.Fatalf("first import: exit %d\n%s", code, out)
	}
	fillDisk(t, mnt, 256<<10)

	out, code := runBinary(t, "import", "--db", db, dumps)
	if code != 1 {
		t.Fatalf("exit %d on a full disk, want 1:\n%s", code, out)
	}
	wantLines(t, out, "The import stopped at file ", fmt.Sprintf(" of %d, %s", n, quotedPrefix(dumps+string(filepath.Separator))), ": the disk is full; free some space.",
		"Run the same command again to import the rest")
	if strings.Contains(out, fmt.Sprintf("Read %d files", n)) {
		t.Errorf("the summary claims every file was read:\n%s", out)
	}
	saved := countArticles(t, db)
	// The counts are of what is stored: a batch the full disk lost is
	// not counted as imported.
	var read, total, imported int
	if _, err := fmt.Sscanf(out[strings.Index(out, "Read "):], "Read %d of %d files: %d new", &read, &total, &imported); err != nil {
		t.Fatalf("no summary line: %v\n%s", err, out)
	}
	if imported != saved-1 || read > imported {
		t.Errorf("the summary says %d files read and %d articles new; %d were stored (and one before)\n%s", read, imported, saved-1, out)
	}

	// Room to write: the database moved to a roomier disk.
	roomy := filepath.Join(dir, "room.db")
	copyDB(t, db, roomy)
	out, code = runBinary(t, "import", "--db", roomy, dumps)
	if code != 0 {
		t.Fatalf("re-run: exit %d:\n%s", code, out)
	}
	if got := countArticles(t, roomy); got != n+1 {
		t.Errorf("%d articles after the re-run (%d before), want %d:\n%s", got, saved, n, out)
	}
}

// fillDisk writes a file into dir that leaves only free bytes free on its
// file system.
func fillDisk(t *testing.T, dir string, free int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	size := int64(st.Bavail)*int64(st.Bsize) - free
	if size <= 0 {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "filler"), make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
}

// quotedPrefix is how a name that starts with s starts when quoted.
func quotedPrefix(s string) string {
	return strings.TrimSuffix(strconv.Quote(s), `"`)
}

// copyDB copies the database at from, with its WAL, to to.
func copyDB(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(from + suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
