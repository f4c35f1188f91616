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
	"strings"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/store"
)

// MaxDumpSize bounds the size of one dump file; article dumps are text of a
// few hundred kilobytes at most.
const MaxDumpSize = 32 << 20

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
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()

	imp := newImporter(db)
	if !*quiet && isTerminal(stderr) {
		imp.progress = func(done, total int, path string) {
			fmt.Fprintf(stderr, "\r\033[KImporting %d/%d %s", done, total, filepath.Base(path))
			if done == total {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}
	}
	sum, err := imp.importPaths(ctx, fs.Args())
	sum.print(stdout, *quiet)
	if err != nil {
		return err
	}
	if len(sum.Rejected) > 0 {
		return exitError{1}
	}
	return nil
}

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
	Rejected []problem // files not imported
	Warnings []problem // parts of files skipped
}

type problem struct{ Path, Reason string }

func (s summary) print(w io.Writer, quiet bool) {
	fmt.Fprintf(w, "Read %d %s: %d new, %d updated, %d unchanged, %d %s skipped, %d %s rejected.\n",
		s.Files, plural(s.Files, "file", "files"), s.New, s.Updated, s.Unchanged,
		s.Duplicates, plural(s.Duplicates, "duplicate", "duplicates"),
		len(s.Rejected), plural(len(s.Rejected), "file", "files"))
	for _, p := range s.Rejected {
		fmt.Fprintf(w, "  rejected %s: %s\n", p.Path, p.Reason)
	}
	for _, p := range s.Warnings {
		fmt.Fprintf(w, "  skipped part of %s: %s\n", p.Path, p.Reason)
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
// A file that cannot be read is reported and the rest imported; only a
// failure of the database itself stops the import.
func (imp *importer) importPaths(ctx context.Context, paths []string) (summary, error) {
	var sum summary
	files, problems := collectFiles(paths)
	sum.Rejected = problems
	run := imp.db.NewImport()
	// First, the titles of every article in the run, so that an article
	// is never mistaken for another one of the same import retitled.
	for _, path := range files {
		if data, err := readDump(path); err == nil {
			arts, _, _ := dump.Parse(path, data)
			for i := range arts {
				run.Expect(&arts[i])
			}
		}
	}
	for i, path := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		data, err := readDump(path)
		if err := imp.importData(ctx, run, path, data, err, &sum); err != nil {
			return sum, fmt.Errorf("import %s: %w", path, err)
		}
		if imp.progress != nil {
			imp.progress(i+1, len(files), path)
		}
	}
	return sum, nil
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

// collectFiles expands the paths given into the files to import, in order:
// folders are walked recursively, hidden files and folders skipped.
func collectFiles(paths []string) ([]string, []problem) {
	var (
		files    []string
		problems []problem
	)
	seen := map[string]bool{}
	add := func(p string) {
		if abs, err := filepath.Abs(p); err == nil && !seen[abs] {
			seen[abs] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			problems = append(problems, problem{root, describeFSError(err)})
			continue
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				problems = append(problems, problem{p, describeFSError(err)})
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				add(p)
			}
			return nil
		})
		if err != nil {
			problems = append(problems, problem{root, describeFSError(err)})
		}
	}
	return files, problems
}

func readDump(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, readingroom.Errorf(readingroom.EINVALID, "%s", describeFSError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDumpSize+1))
	if err != nil {
		return nil, readingroom.Errorf(readingroom.EINVALID, "%s", describeFSError(err))
	}
	if len(data) > MaxDumpSize {
		return nil, readingroom.Errorf(readingroom.EINVALID, "the file is larger than %d MiB, too large for an article dump", MaxDumpSize>>20)
	}
	return data, nil
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
