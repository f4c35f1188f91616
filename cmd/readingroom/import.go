package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/store"
)

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := dbFlag(fs, getenv)
	quiet := fs.Bool("quiet", false, "print only the summary and problems")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: readingroom import [--db FILE] PATH...\n\nLoads article dumps (files, or folders read recursively) into the database.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError{2}
	}
	if getenv("GOMEMLIMIT") == "" {
		// The Go heap's garbage is collected sooner rather than let it
		// grow to twice what a large file needs; the limit is soft.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	db, err := store.Open(ctx, *dbPath, store.WithLogger(newLogger(stderr, getenv)))
	if err != nil {
		return err
	}
	defer db.Close()

	imp := newImporter(db)
	if !*quiet && isTerminal(stderr) {
		imp.progress = func(done, total int, path string) {
			fmt.Fprintf(stderr, "\r\033[KImporting %d/%d %q", done, total, filepath.Base(path))
			if done == total {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}
	}
	sum := imp.importPaths(ctx, fs.Args())
	sum.print(stdout, *quiet)
	if sum.Stopped != nil && sum.Stopped.Err != nil {
		fmt.Fprintf(stderr, "readingroom import: %v\n", sum.Stopped.Err)
	}
	if len(sum.Rejected) > 0 || sum.Stopped != nil {
		return exitError{1}
	}
	return nil
}

// importMemoryLimit is the soft limit on the Go heap during an import
// (GOMEMLIMIT overrides it): reading the largest file, 32 MiB, needs
// about three times that.
const importMemoryLimit = 96 << 20

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// summary is what an import did, for the report at its end.
type summary struct {
	store.ImportSummary
	Slugs    []string  // of the articles saved
	Rejected []problem // files and other entries not imported
	Warnings []problem // parts of files skipped
	Hidden   int       // hidden files and folders skipped, as documented
	// Stopped is set when the import ended before its last file.
	Stopped *stop
}

type problem struct{ Path, Reason string }

// stop says where and why an import ended early.
type stop struct {
	Path   string // the file being imported, or "" when none had started
	Index  int    // its number, from 1, among Total files
	Total  int
	Reason string // in words, for the operator
	// Err is the failure in full, when the reason does not say it all.
	Err error
}

func (s summary) print(w io.Writer, quiet bool) {
	read := fmt.Sprintf("%d %s", s.Files, plural(s.Files, "file", "files"))
	if st := s.Stopped; st != nil {
		// The file it stopped at was not read to the end.
		read = fmt.Sprintf("%d of %d files", max(st.Index-1, 0), st.Total)
	}
	fmt.Fprintf(w, "Read %s: %d new, %d updated, %d unchanged, %d %s skipped, %d %s rejected.\n",
		read, s.New, s.Updated, s.Unchanged,
		s.Duplicates, plural(s.Duplicates, "duplicate", "duplicates"),
		len(s.Rejected), plural(len(s.Rejected), "file", "files"))
	if st := s.Stopped; st != nil {
		if st.Path == "" {
			fmt.Fprintf(w, "The import stopped before its first file: %s.\n", st.Reason)
		} else {
			fmt.Fprintf(w, "The import stopped at file %d of %d, %q: %s.\n", st.Index, st.Total, st.Path, st.Reason)
		}
		fmt.Fprintln(w, "What was imported before it is kept. Run the same command again to import the rest: files already imported are left as they are.")
	}
	for _, p := range s.Rejected {
		fmt.Fprintf(w, "  rejected %q: %s\n", p.Path, p.Reason)
	}
	for _, p := range s.Warnings {
		fmt.Fprintf(w, "  skipped part of %q: %s\n", p.Path, p.Reason)
	}
	if s.Hidden > 0 && !quiet {
		fmt.Fprintf(w, "  %d hidden %s (names starting with a dot) left out, as always.\n", s.Hidden, plural(s.Hidden, "entry", "entries"))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// importer reads dump files and saves their articles in one store.ImportRun,
// which saves an article met twice once.
type importer struct {
	db       *store.DB
	progress func(done, total int, path string)
}

func newImporter(db *store.DB) *importer {
	return &importer{db: db}
}

// importPaths imports every file named or found below the folders named.
// A file that cannot be read is reported and the rest imported; a failure
// of the database itself, or ctx ending (a signal), stops the import, and
// the summary says where.
func (imp *importer) importPaths(ctx context.Context, paths []string) summary {
	var sum summary
	files, problems, hidden, err := collectFiles(ctx, paths)
	sum.Rejected, sum.Hidden = problems, hidden
	if err != nil {
		sum.Stopped = &stop{Total: len(files), Reason: stopReason(err), Err: detail(err)}
		return sum
	}
	run := imp.db.NewImport()
	// First, the titles of every article in the run, so that an article
	// is never mistaken for another one of the same import retitled.
	for _, path := range files {
		data, err := readDump(ctx, path)
		if ctx.Err() != nil {
			sum.Stopped = &stop{Total: len(files), Reason: stopReason(ctx.Err())}
			return sum
		}
		if err == nil {
			arts, _, _ := dump.Parse(path, data)
			for i := range arts {
				run.Expect(&arts[i])
			}
		}
	}
	for i, path := range files {
		err := ctx.Err()
		if err == nil {
			var data []byte
			data, err = readDump(ctx, path)
			if err == nil || readingroom.ErrorCode(err) != readingroom.EINTERNAL {
				err = imp.importData(ctx, run, path, data, err, &sum)
			}
		}
		if err != nil {
			sum.Stopped = &stop{Path: path, Index: i + 1, Total: len(files), Reason: stopReason(err), Err: detail(err)}
			return sum
		}
		if imp.progress != nil {
			imp.progress(i+1, len(files), path)
		}
	}
	return sum
}

// stopReason says in words why an import stopped.
func stopReason(err error) string {
	if errors.Is(err, context.Canceled) {
		return "it was interrupted (Ctrl+C or a signal)"
	}
	switch store.Failure(err) {
	case store.FailureDiskFull:
		return "the disk is full; free some space"
	case store.FailureBusy:
		return "another program kept the database locked"
	case store.FailureReadOnly:
		return "the database cannot be written (check the permissions of the file and its folder)"
	case store.FailureIO:
		return "a read or write of the disk failed"
	case store.FailureCorrupt:
		return "the database file is damaged; run readingroom check"
	}
	return "the database failed"
}

// detail is err when stopReason does not say all there is to know.
func detail(err error) error {
	if errors.Is(err, context.Canceled) || store.Failure(err) == store.FailureDiskFull {
		return nil
	}
	return err
}

// importFS imports every file in fsys (the built-in library).
func (imp *importer) importFS(ctx context.Context, fsys fs.FS) (summary, error) {
	var sum summary
	run := imp.db.NewImport()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		return imp.importData(ctx, run, path, data, err, &sum)
	})
	return sum, err
}

// importData parses one file (or records readErr, why it could not be
// read) and saves its articles in run, adding to sum what it did. The
// error is for failures of the database, which end the import.
func (imp *importer) importData(ctx context.Context, run *store.ImportRun, path string, data []byte, readErr error, sum *summary) error {
	var (
		arts     []readingroom.Article
		warnings []string
		err      = readErr
	)
	if err == nil {
		arts, warnings, err = dump.Parse(path, data)
	}
	rep, err := run.SaveFile(ctx, path, arts, warnings, err)
	sum.ImportSummary = run.Summary()
	if err != nil {
		return err
	}
	if rep.Err != nil {
		sum.Rejected = append(sum.Rejected, problem{path, readingroom.ErrorMessage(rep.Err)})
	}
	for _, w := range rep.Warnings {
		sum.Warnings = append(sum.Warnings, problem{path, w})
	}
	for _, a := range rep.Articles {
		if a.Slug != "" {
			sum.Slugs = append(sum.Slugs, a.Slug)
		}
		switch {
		case a.Err != nil:
			sum.Warnings = append(sum.Warnings, problem{path, fmt.Sprintf("article %q: %s", a.Title, readingroom.ErrorMessage(a.Err))})
		case a.Outcome == store.OtherVersion:
			sum.Warnings = append(sum.Warnings, problem{path, fmt.Sprintf("another copy of %q with different text was skipped; the first copy was kept", a.Title)})
		}
	}
	return nil
}
