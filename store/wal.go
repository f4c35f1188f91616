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
	return checkpoint(ctx, db.w)
}

// checkpoint runs a TRUNCATE checkpoint on q, a writer.
func checkpoint(ctx context.Context, q queryer) (busy bool, err error) {
	var logFrames, done int
	err = q.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
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
	return db.checkpointIfLargeOn(ctx, db.w)
}

// checkpointIfLargeOn is checkpointIfLarge on q, the writer or its one
// connection.
func (db *DB) checkpointIfLargeOn(ctx context.Context, q queryer) error {
	size, err := db.walSize()
	if err != nil || size < db.walCheckpointSize {
		return err
	}
	busy, err := checkpoint(ctx, q)
	if busy {
		db.log.InfoContext(ctx, "the write-ahead log could not be checkpointed: readers kept it busy; trying again after the next batch", "wal_bytes", size)
	}
	return err
}

// mergePages is how many pages of a full-text index one step of
// mergeIndex writes: about 8 MB of write-ahead log.
const mergePages = 2000

// mergeIndex merges the FTS5 index t into one segment, as its 'optimize'
// command does, but mergePages pages a step, each step a transaction of
// its own with a checkpoint after it when the log has grown: 'optimize'
// rewrites the whole index in one transaction, and so writes as much
// log, and holds the write lock, as the index is large. A step that does
// no work (total_changes() moves by less than two) is the last; the first
// step's negative count starts the merge of every segment, the following
// ones carry it on (FTS5's documented way to optimize by steps).
func (db *DB) mergeIndex(ctx context.Context, t string) error {
	return db.mergeSteps(ctx, t, -mergePages)
}

// tidyIndex merges the segments of the FTS5 index t that share a level,
// until no level holds two, by steps as mergeIndex does. A run of an
// import too small beside the library to optimize it (bulkArticles) leaves
// a segment for each batch beside the library's own, FTS5 merging them
// only four to a level as they come; a search reads each word's list in
// every segment. Measured after the bench's import of 2,000 articles into
// 20,000, in process: a middle word's search took 1.56 ms before, 0.98 ms
// after (0.88 ms with the whole index optimized), and tidying took about
// half a second. The segments a run made are small and merge among
// themselves; the library's large one is rewritten only when the new ones
// reach its size, as in any merge by levels.
// Each step merges the segments of a level that holds usermerge of them,
// which migration 0081 sets to 2.
func (db *DB) tidyIndex(ctx context.Context, t string) error {
	return db.mergeSteps(ctx, t, mergePages)
}

// mergeSteps runs FTS5's 'merge' command on t, first with pages, then
// with mergePages, until a step does no work.
func (db *DB) mergeSteps(ctx context.Context, t string, pages int) error {
	conn, err := db.w.Conn(ctx) // total_changes() is the connection's
	if err != nil {
		return err
	}
	defer conn.Close()
	for {
		var before, after int64
		if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('merge', ?)`, pages); err != nil {
			return err
		}
		if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
			return err
		}
		if after-before < 2 {
			return nil
		}
		pages = mergePages
		if err := db.checkpointIfLargeOn(ctx, conn); err != nil {
			return err
		}
	}
}

// reclaimPages is how many free pages one step of reclaim gives back:
// about 8 MB, as a step of mergeIndex writes.
const reclaimPages = 2000

// reclaim gives the file's free pages back to the disk, reclaimPages a
// step, each step a transaction of its own with a checkpoint after it when
// the log has grown. A bulk import leaves many: mergeIndex writes the
// merged index beside the old segments and frees them after (a fifth of
// the file on a fresh library). It needs auto_vacuum=incremental, which a
// file has only if it was made so (writerParams); in older files the free
// pages stay, for SQLite to reuse, and a backup compacts them.
func (db *DB) reclaim(ctx context.Context) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode int
	if err := conn.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil || mode != 2 {
		return err // 2 is incremental
	}
	last := int64(-1)
	for {
		var free int64
		if err := conn.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
			return err
		}
		if free == 0 || free == last {
			return nil // done, or SQLite can give back no more
		}
		last = free
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA incremental_vacuum(%d)`, reclaimPages)); err != nil {
			return fmt.Errorf("reclaim free pages: %w", err)
		}
		if err := db.checkpointIfLargeOn(ctx, conn); err != nil {
			return err
		}
	}
}
