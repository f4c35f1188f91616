package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database, as it was when the
// backup began, to a new file at dest, and returns its size. It runs on a
// reader: it waits for no writer, however long its transaction, and the
// room goes on serving and writing meanwhile. The copy is written under
// a temporary name beside dest, synced to disk, and only then linked to
// dest, so dest never holds half a backup; an existing dest is never
// replaced (the error then wraps fs.ErrExist).
func (db *DB) Backup(ctx context.Context, dest string) (int64, error) {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	if _, err := os.Lstat(dest); err == nil {
		return 0, fmt.Errorf("store: backup to %q: %w", dest, fs.ErrExist)
	}
	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpPath) // gone once linked; gone on failure

	// VACUUM INTO writes a consistent snapshot, compacted, into an empty
	// file, inside one read transaction.
	if _, err := db.r.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	size, err := syncFile(tmpPath)
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	// A hard link fails if dest has appeared meanwhile, where a rename
	// would replace it.
	if err := os.Link(tmpPath, dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, fmt.Errorf("store: backup to %q: %w", dest, fs.ErrExist)
		}
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Remove(tmpPath); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	return size, nil
}

// syncFile flushes the file at path to disk and returns its size.
func syncFile(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return 0, err
	}
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// syncDir flushes a folder's entries (a new name in it) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
