//go:build !unix

package main

// lowerPriority does nothing off Unix, where there is no nice value.
func lowerPriority(int) error { return nil }
