package main

import (
	"errors"
	"os"
	"strconv"
	"syscall"
)

// lowerPriority gives the process the nice value n, so that the system
// runs others first when the CPU is short: an import is a batch job, and a
// room being read beside it should stay quick. Linux keeps a nice value per
// thread, and a new thread takes its creator's, so every thread there is
// now is changed (twice over, in case one was being made meanwhile); those
// made later inherit it.
func lowerPriority(n int) error {
	for range 2 {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return err
		}
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			err = syscall.Setpriority(syscall.PRIO_PROCESS, tid, n)
			if err != nil && !errors.Is(err, syscall.ESRCH) { // ESRCH: the thread has ended
				return err
			}
		}
	}
	return nil
}
