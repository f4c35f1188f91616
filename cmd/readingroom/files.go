package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/readingroom/readingroom"
)

// MaxDumpSize bounds the size of one dump file; article dumps are text of a
// few hundred kilobytes at most.
const MaxDumpSize = 32 << 20

// finder expands the paths given to import into the files to read. Only
// regular files are read; every other entry named or found (a named pipe,
// a device, a link to nothing, a link that loops) is a problem, with its
// reason. Links are followed, on the command line and inside folders; a
// file or folder reached twice is read once.
type finder struct {
	ctx      context.Context
	files    []string
	problems []problem
	hidden   int
	seen     map[fileKey]bool // files and folders already taken
	walking  map[fileKey]bool // the folders being read, to spot a loop
}

// collectFiles expands paths into the files to import, in order: folders
// are read recursively, by name, hidden entries left out. The error is
// ctx's, when it ended first.
func collectFiles(ctx context.Context, paths []string) (files []string, problems []problem, hidden int, err error) {
	f := &finder{ctx: ctx, seen: map[fileKey]bool{}, walking: map[fileKey]bool{}}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return f.files, f.problems, f.hidden, err
		}
		info, err := os.Stat(p) // follows a link
		if err != nil {
			f.problem(p, describeStatError(p, err))
			continue
		}
		if err := f.add(p, info); err != nil {
			return f.files, f.problems, f.hidden, err
		}
	}
	return f.files, f.problems, f.hidden, nil
}

func (f *finder) problem(path, reason string) {
	f.problems = append(f.problems, problem{path, reason})
}

// add takes path, whose (followed) info is given: a regular file is to
// be read, a folder is read, anything else is a problem.
func (f *finder) add(path string, info fs.FileInfo) error {
	switch {
	case info.IsDir():
		return f.walk(path, info)
	case info.Mode().IsRegular():
		if k, ok := keyOf(info); ok {
			if f.seen[k] {
				return nil // the same file under another name
			}
			f.seen[k] = true
		}
		f.files = append(f.files, path)
	default:
		f.problem(path, notRegular(info.Mode()))
	}
	return nil
}

func (f *finder) walk(dir string, info fs.FileInfo) error {
	k, ok := keyOf(info)
	if ok {
		if f.walking[k] {
			f.problem(dir, "a link back to a folder that contains it (a loop); not followed")
			return nil
		}
		if f.seen[k] {
			return nil // a folder already read under another name
		}
		f.seen[k], f.walking[k] = true, true
		defer delete(f.walking, k)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.problem(dir, describeFSError(err))
		// ReadDir returns what it read before the error.
	}
	for _, e := range entries {
		if err := f.ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), ".") {
			f.hidden++
			continue
		}
		p := filepath.Join(dir, e.Name())
		info, err := os.Stat(p) // follows a link
		if err != nil {
			f.problem(p, describeStatError(p, err))
			continue
		}
		if err := f.add(p, info); err != nil {
			return err
		}
	}
	return nil
}

// notRegular says what an entry that is not a regular file or folder is.
func notRegular(m fs.FileMode) string {
	var what string
	switch {
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "something other than a file or folder"
	}
	return what + ", not a regular file; only regular files are imported"
}

// describeStatError says why path, which could not be followed, was not
// read: a link to nothing or a loop of links are told apart from a name
// that is not there at all.
func describeStatError(path string, err error) string {
	if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(path)
		switch {
		case errors.Is(err, syscall.ELOOP):
			return fmt.Sprintf("a link (to %q) in a loop of links", target)
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Sprintf("a link to %q, which does not exist", target)
		}
		return fmt.Sprintf("a link to %q: %s", target, describeFSError(err))
	}
	return describeFSError(err)
}

// readChunk is how much readDump reads between looks at its context.
const readChunk = 1 << 20

// readDump reads the regular file at path, whole. It never blocks on what
// is not a regular file, even if path was swapped for one since it was
// found: the file is opened without blocking and checked again. A file
// that cannot be read is EINVALID with the reason; ctx's error when it
// ends during the read.
func readDump(ctx context.Context, path string) ([]byte, error) {
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, readingroom.Errorf(readingroom.EINVALID, "%s", describeFSError(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, readingroom.Errorf(readingroom.EINVALID, "%s", describeFSError(err))
	}
	if !info.Mode().IsRegular() {
		return nil, readingroom.Errorf(readingroom.EINVALID, "%s", notRegular(info.Mode()))
	}
	if info.Size() > MaxDumpSize {
		return nil, tooLarge()
	}
	// The size may have changed since Stat; read at most one byte more
	// than the limit to know.
	data := make([]byte, 0, info.Size()+1)
	r := io.LimitReader(f, MaxDumpSize+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):min(cap(data), len(data)+readChunk)])
		data = data[:len(data)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readingroom.Errorf(readingroom.EINVALID, "%s", describeFSError(err))
		}
	}
	if len(data) > MaxDumpSize {
		return nil, tooLarge()
	}
	return data, nil
}

func tooLarge() error {
	return readingroom.Errorf(readingroom.EINVALID, "the file is larger than %d MiB, too large for an article dump", MaxDumpSize>>20)
}

// describeFSError says in words what went wrong reading a path.
func describeFSError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
