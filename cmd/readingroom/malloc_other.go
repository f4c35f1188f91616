//go:build !linux || !cgo

package main

// Only glibc's malloc is tuned (malloc_glibc.go).
func mallocArenaLimit() int { return 0 }

func mallocArenasInUse() int { return -1 }
