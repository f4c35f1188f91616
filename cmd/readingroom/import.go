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
	"runtime"
	"strings"
	"sync"

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

// parsedFile is one file read and split into articles, or why it could not
// be.
type parsedFile struct {
	path     string
	arts     []readingroom.Article
	warnings []string
	err      error
	size     int
}

func parseFile(path string) *parsedFile {
	data, err := readDump(path)
	p := &parsedFile{path: path, err: err, size: len(data)}
	if err == nil {
		p.arts, p.warnings, p.err = dump.Parse(path, data)
	}
	return p
}

// keepParsed bounds the text of the files read in the first pass that are
// kept for the second, rather than read again.
const keepParsed = 64 << 20

// importPaths imports every file named or found below the folders named.
// A file that cannot be read is reported and the rest imported; only a
// failure of the database itself stops the import.
//
// Files are read twice over. First, on every core, for the titles of every
// article in the import, so that an article is never mistaken for another
// one of the same import retitled (the files read are kept for the second
// pass while they fit in keepParsed). Then in order, one file ahead of the
// database on another core, so reading and writing overlap.
func (imp *importer) importPaths(ctx context.Context, paths []string) (summary, error) {
	var sum summary
	files, problems := collectFiles(paths)
	sum.Rejected = problems
	run := imp.db.NewImport()
	kept := expectAll(ctx, run, files)

	parsed := make(chan *parsedFile, 8)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(parsed)
		for i, path := range files {
			p := kept[i]
			kept[i] = nil
			if p == nil {
				p = parseFile(path)
			}
			select {
			case parsed <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	done := 0
	for p := range parsed {
		if err := imp.save(ctx, run, p, &sum); err != nil {
			return sum, fmt.Errorf("import %s: %w", p.path, err)
		}
		done++
		if imp.progress != nil {
			imp.progress(done, len(files), p.path)
		}
	}
	if err := ctx.Err(); err != nil {
		// Interrupted: keep what was saved, so the summary says what is
		// stored.
		if cerr := run.Commit(context.WithoutCancel(ctx)); cerr != nil {
			return sum, errors.Join(err, cerr)
		}
		return sum, err
	}
	if err := run.Finish(ctx); err != nil {
		return sum, err
	}
	sum.ImportSummary = run.Summary()
	return sum, nil
}

// expectAll reads every file on every core and tells run of each article.
// It returns the files read, by index, as many as fit in keepParsed (nil
// for the others).
func expectAll(ctx context.Context, run *store.ImportRun, files []string) []*parsedFile {
	kept := make([]*parsedFile, len(files))
	var (
		mu      sync.Mutex
		next    int
		keptLen int
		wg      sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(files) {
					return
				}
				p := parseFile(files[i])
				mu.Lock()
				for k := range p.arts {
					run.Expect(&p.arts[k])
				}
				if keptLen+p.size <= keepParsed {
					keptLen += p.size
					kept[i] = p
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return kept
}

// importFS imports every file in fsys (the built-in library).
func (imp *importer) importFS(ctx context.Context, fsys fs.FS) (summary, error) {
	var sum summary
	run := imp.db.NewImport()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		p := &parsedFile{path: path}
		var data []byte
		if data, p.err = fs.ReadFile(fsys, path); p.err == nil {
			p.arts, p.warnings, p.err = dump.Parse(path, data)
		}
		return imp.save(ctx, run, p, &sum)
	})
	if err != nil {
		return sum, err
	}
	if err := run.Finish(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

// save saves the articles of one file read (or records why it could not be
// read) in run, adding to sum what it did. The error is for failures of
// the database, which end the import.
func (imp *importer) save(ctx context.Context, run *store.ImportRun, p *parsedFile, sum *summary) error {
	path := p.path
	rep, err := run.SaveFile(ctx, path, p.arts, p.warnings, p.err)
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
