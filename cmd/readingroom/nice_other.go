//go:build unix && !linux

package main

import "syscall"

// lowerPriority gives the process the nice value n, so that the system
// runs others first when the CPU is short: an import is a batch job, and a
// room being read beside it should stay quick.
func lowerPriority(n int) error {
	return syscall.Setpriority(syscall.PRIO_PROCESS, 0, n)
}
