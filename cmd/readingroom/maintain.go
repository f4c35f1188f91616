package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/readingroom/readingroom/store"
)

// openExisting opens the database at path as it is, for the commands that
// inspect or copy it: it must exist, and it is not migrated.
func openExisting(ctx context.Context, path string) (*store.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database at %q: %s", path, describeFSError(err))
	}
	return store.Open(ctx, path, store.AsIs())
}

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dbPath := dbFlag(flags, getenv)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: readingroom backup [--db FILE] PATH\n\nWrites a consistent copy of the database to PATH, a new file, while the room runs.")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return exitError{2}
	}
	dest := flags.Arg(0)
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	size, err := db.Backup(ctx, dest)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(stderr, "readingroom backup: %q already exists; a backup never replaces a file, so give a new name\n", dest)
		return exitError{1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %q to %q (%.1f MB), as it was at %s.\n", *dbPath, dest, float64(size)/1e6, start.Format(time.DateTime))
	return nil
}

func runCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dbPath := dbFlag(flags, getenv)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: readingroom check [--db FILE]\n\nChecks the database: SQLite's integrity, foreign keys, the full-text index,\nmigrations, and the paragraph-id registry. Exits 1 if anything is wrong.")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 0 {
		flags.Usage()
		return exitError{2}
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	err = db.IntegrityCheck(ctx)
	if ce, ok := errors.AsType[*store.CheckError](err); ok {
		fmt.Fprintf(stdout, "The database %q has %d %s:\n", *dbPath, len(ce.Problems), plural(len(ce.Problems), "problem", "problems"))
		for _, p := range ce.Problems {
			fmt.Fprintf(stdout, "  - %s\n", p)
		}
		return exitError{1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The database %q is sound: SQLite's integrity check, foreign keys, the full-text index, migrations and paragraph ids all pass.\n", *dbPath)
	return nil
}
