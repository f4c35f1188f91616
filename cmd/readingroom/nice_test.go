package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// niceAsked is the nice value the last import in this process asked for
// (TestMain puts a recorder in setNice's place).
var niceAsked atomic.Int64

func TestImportRunsAtALowerPriority(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	writeFiles(t, dir, map[string]string{"dec.txt": diaryDec})
	for _, c := range []struct {
		args []string
		want int64
	}{
		{nil, defaultNice},
		{[]string{"--nice", "15"}, 15},
		{[]string{"--nice", "0"}, -1}, // not asked
	} {
		niceAsked.Store(-1)
		args := append(append([]string{"import", "--db", dbPath}, c.args...), filepath.Join(dir, "dec.txt"))
		if out, code := runCmd(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, out)
		}
		if got := niceAsked.Load(); got != c.want {
			t.Errorf("%v: asked for nice %d, want %d", c.args, got, c.want)
		}
	}
	for _, bad := range []string{"-1", "20"} {
		niceAsked.Store(-1)
		out, code := runCmd(t, "import", "--db", dbPath, "--nice", bad, filepath.Join(dir, "dec.txt"))
		if code != 2 || !strings.Contains(out, "want 0 to 19") {
			t.Errorf("--nice %s: exit %d, %q; want 2 and the range", bad, code, out)
		}
		if niceAsked.Load() != -1 {
			t.Errorf("--nice %s: the priority was changed", bad)
		}
	}
}

const niceChildEnv = "READINGROOM_TEST_NICE_CHILD"

// niceChild runs in a child test process: it lowers its priority, makes
// more threads, and reports any thread whose nice value is not 7.
func niceChild() int {
	if err := lowerPriority(7); err != nil {
		fmt.Fprintln(os.Stderr, "lowerPriority:", err)
		return 1
	}
	// Threads made after: each goroutine locked to a thread of its own.
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			runtime.LockOSThread()
			wg.Done()
			<-release
		}()
	}
	wg.Wait()
	defer close(release)
	wrong, err := threadNices(7)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if len(wrong) > 0 {
		fmt.Fprintln(os.Stderr, "threads at another nice value:", wrong)
		return 1
	}
	return 0
}

// threadNices lists this process's threads whose nice value is not want.
func threadNices(want int) ([]string, error) {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	var wrong []string
	for _, task := range tasks {
		stat, err := os.ReadFile(filepath.Join("/proc/self/task", task.Name(), "stat"))
		if err != nil {
			continue // ended
		}
		// Fields after the command's closing parenthesis start at the
		// third; the nice value is the nineteenth.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) < 17 {
			return nil, fmt.Errorf("thread %s: stat %q", task.Name(), stat)
		}
		if n, err := strconv.Atoi(fields[16]); err != nil || n != want {
			wrong = append(wrong, task.Name()+"="+fields[16])
		}
	}
	return wrong, nil
}

// Every thread of the process, those there before and those made after,
// runs at the nice value asked.
func TestLowerPriorityReachesEveryThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/task")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), niceChildEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
