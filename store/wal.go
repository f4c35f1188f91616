package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// WALCheckpointSize is the size of the write-ahead log past which an
// import stops, between two batches, to checkpoint it (DB.Checkpoint).
//
// SQLite checkpoints by itself after each commit, but that checkpoint
// never waits: while readers keep coming, there is always one reading an
// older part of the log, the log can never be started over, and it grows
// for as long as the import runs (2.4 GB beside a 315 MB database was
// seen). A checkpoint that waits for the readers of the moment to finish
// (new ones read the database file, not the log) lets the log start over.
const WALCheckpointSize = 16 << 20

// Checkpoint copies the write-ahead log into the database and truncates
// it, waiting (up to the busy timeout) for readers still reading the log;
// writers wait meanwhile. When readers keep it busy that long, the log is
// left for the next checkpoint and busy is true: that is no error.
func (db *DB) Checkpoint(ctx context.Context) (busy bool, err error) {
	var logFrames, done int
	err = db.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
	if Failure(err) == FailureBusy {
		return true, nil // another process's writer held on past the timeout
	}
	if err != nil {
		return false, fmt.Errorf("store: checkpoint: %w", err)
	}
	return busy, nil
}

// WithWALCheckpointSize makes imports checkpoint once the log is n bytes
// instead of WALCheckpointSize.
func WithWALCheckpointSize(n int64) Option {
	return func(db *DB) { db.walCheckpointSize = n }
}

// walSize is the size of the write-ahead log file; 0 when there is none.
func (db *DB) walSize() (int64, error) {
	info, err := os.Stat(db.path + "-wal")
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// checkpointIfLarge checkpoints when the log has grown past
// db.walCheckpointSize. Imports call it between batches, where they hold
// no transaction.
func (db *DB) checkpointIfLarge(ctx context.Context) error {
	size, err := db.walSize()
	if err != nil || size < db.walCheckpointSize {
		return err
	}
	busy, err := db.Checkpoint(ctx)
	if busy {
		db.log.InfoContext(ctx, "the write-ahead log could not be checkpointed: readers kept it busy; trying again after the next batch", "wal_bytes", size)
	}
	return err
}
