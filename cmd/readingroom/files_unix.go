//go:build unix

package main

import (
	"io/fs"
	"os"
	"syscall"
)

// fileKey names a file or folder however it is reached: its device and
// inode.
type fileKey struct{ dev, ino uint64 }

func keyOf(info fs.FileInfo) (fileKey, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{uint64(st.Dev), uint64(st.Ino)}, true // not uint64 on every Unix
}

// openNonBlocking opens path for reading without waiting for a writer,
// should it be a named pipe after all; for a regular file O_NONBLOCK
// changes nothing.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
