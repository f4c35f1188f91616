package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// Limits on one upload: the whole request, and the number of files.
const (
	maxImportBytes = 32 << 20
	maxImportFiles = 200
	// importDeadline is how long an upload may take to arrive and be
	// imported, beyond the server's usual request timeouts.
	importDeadline = 5 * time.Minute
)

const importPath = "/import"

// upload is one file of an upload, read whole.
type upload struct {
	name string
	data []byte
}

// readUploads reads the file parts of a multipart/form-data request, each
// named "file", within the limits. Going over a limit is ETOOLARGE, and
// then nothing has been imported: every file is read before any is saved.
func readUploads(w http.ResponseWriter, r *http.Request) ([]upload, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, readingroom.Errorf(readingroom.EINVALID, "Send the files as multipart/form-data, one part named file for each file")
	}
	body := r.Body
	r.Body = http.MaxBytesReader(w, body, maxImportBytes)
	files, err := readParts(r)
	if readingroom.ErrorCode(err) == readingroom.ETOOLARGE {
		// Take in the rest of what the browser is sending (within reason)
		// before answering, or it may show a broken connection instead of
		// the page that says what was wrong.
		_, _ = io.CopyN(io.Discard, body, 8*maxImportBytes)
	}
	return files, err
}

func readParts(r *http.Request) ([]upload, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, readingroom.Errorf(readingroom.EINVALID, "Send the files as multipart/form-data, one part named file for each file")
	}
	var files []upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, uploadError(err)
		}
		if part.FormName() != "file" {
			continue // the reader skips what is left of it
		}
		name := uploadName(part.FileName())
		if part.FileName() == "" {
			// A form sent with no file chosen has one empty part.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, uploadError(err)
			}
			continue
		}
		if len(files) == maxImportFiles {
			return nil, readingroom.Errorf(readingroom.ETOOLARGE, "That was more than %d files. Please send at most %d at once.", maxImportFiles, maxImportFiles)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, uploadError(err)
		}
		files = append(files, upload{name: name, data: data})
	}
	if len(files) == 0 {
		return nil, readingroom.Errorf(readingroom.EINVALID, "Choose one or more files to import")
	}
	return files, nil
}

func uploadError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return readingroom.Errorf(readingroom.ETOOLARGE, "That was more than %d MiB. Please send fewer or smaller files at once; nothing was imported.", maxImportBytes>>20)
	}
	return readingroom.Errorf(readingroom.EINVALID, "The upload could not be read: it may have been cut short")
}

// uploadName is the name to report a file by: the last element of what
// the browser sent (some send a path), without control characters.
func uploadName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.ToValidUTF8(name, "\uFFFD"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "unnamed file"
	}
	return name
}

// importFiles imports the uploads as one import, the way readingroom
// import does: every article's title is known to the run before any is
// saved, a file that cannot be read is rejected with its reason and the
// rest imported.
func (s *server) importFiles(r *http.Request, files []upload) (store.ImportSummary, []store.FileReport, error) {
	type parsed struct {
		arts     []readingroom.Article
		warnings []string
		err      error
	}
	run := s.db.NewImport()
	all := make([]parsed, len(files))
	for i, f := range files {
		p := &all[i]
		p.arts, p.warnings, p.err = dump.Parse(f.name, f.data)
		for j := range p.arts {
			run.Expect(&p.arts[j])
		}
	}
	reports := make([]store.FileReport, 0, len(files))
	for i, f := range files {
		rep, err := run.SaveFile(r.Context(), f.name, all[i].arts, all[i].warnings, all[i].err)
		if err != nil {
			return store.ImportSummary{}, nil, fmt.Errorf("web: import %q: %w", f.name, err)
		}
		reports = append(reports, rep)
	}
	if err := run.Finish(r.Context()); err != nil {
		return store.ImportSummary{}, nil, fmt.Errorf("web: import: %w", err)
	}
	return run.Summary(), reports, nil
}

// extendDeadlines gives an upload longer than the server's usual request
// timeouts to arrive and be imported.
func extendDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(importDeadline)
	_ = rc.SetReadDeadline(deadline) // not every writer can; the default timeouts then hold
	_ = rc.SetWriteDeadline(deadline)
}

// importForm shows the upload form.
func (s *server) importForm(w http.ResponseWriter, r *http.Request) {
	s.renderImport(w, r, http.StatusOK, nil, "")
}

func (s *server) renderImport(w http.ResponseWriter, r *http.Request, status int, report *templates.ImportReport, problem string) {
	p := templates.ImportPage{
		Page:     s.page(r, "Import", ""),
		Report:   report,
		Problem:  problem,
		MaxFiles: maxImportFiles,
		MaxMiB:   maxImportBytes >> 20,
	}
	p.NoIndex = true
	noStore(w)
	if err := s.render(w, r, status, templates.Import(p)); err != nil {
		s.fail(w, r, err)
	}
}

// importUpload imports the files of the form and shows the report: 200
// when every file was read, 422 when any was rejected (the others are
// imported either way).
func (s *server) importUpload(w http.ResponseWriter, r *http.Request) {
	extendDeadlines(w)
	files, err := readUploads(w, r)
	if readingroom.ErrorCode(err) == readingroom.EINVALID {
		s.renderImport(w, r, http.StatusUnprocessableEntity, nil, readingroom.ErrorMessage(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum, reports, err := s.importFiles(r, files)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.logImport(r, sum)
	status := http.StatusOK
	if sum.RejectedFiles > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderImport(w, r, status, importReportView(sum, reports), "")
}

func (s *server) logImport(r *http.Request, sum store.ImportSummary) {
	s.log.InfoContext(r.Context(), "import from the web", "by", userFrom(r.Context()).Name,
		"files", sum.Files, "new", sum.New, "updated", sum.Updated, "unchanged", sum.Unchanged,
		"duplicates", sum.Duplicates, "rejected", sum.RejectedFiles)
}

// importReportView is the report as the page shows it.
func importReportView(sum store.ImportSummary, reports []store.FileReport) *templates.ImportReport {
	v := &templates.ImportReport{
		Files: sum.Files, New: sum.New, Updated: sum.Updated, Unchanged: sum.Unchanged,
		Duplicates: sum.Duplicates, Rejected: sum.RejectedFiles,
	}
	for _, rep := range reports {
		f := templates.ImportFile{Name: rep.Name, Warnings: rep.Warnings}
		if rep.Err != nil {
			f.Rejected, f.Reason = true, readingroom.ErrorMessage(rep.Err)
		}
		for _, a := range rep.Articles {
			ia := templates.ImportedArticle{Title: a.Title, Outcome: a.Outcome.String()}
			if a.Err != nil {
				ia.Problem = readingroom.ErrorMessage(a.Err)
			} else {
				ia.URL = articlePath(a.Slug)
			}
			f.Articles = append(f.Articles, ia)
		}
		v.Entries = append(v.Entries, f)
	}
	return v
}

// apiImportFile is one file of the JSON report.
type apiImportFile struct {
	Name     string   `json:"name"`
	Status   string   `json:"status"` // "imported" or "rejected"
	Reason   string   `json:"reason,omitempty"`
	Articles []string `json:"articles"`           // slugs
	Warnings []string `json:"warnings,omitempty"` // parts of the file skipped
}

type apiImportReport struct {
	New        int             `json:"new"`
	Updated    int             `json:"updated"`
	Unchanged  int             `json:"unchanged"`
	Duplicates int             `json:"duplicates"`
	Rejected   int             `json:"rejected"`
	Files      []apiImportFile `json:"files"`
}

// apiImport is POST /api/import: the files of a multipart/form-data body,
// one part named "file" each, imported as the form does; the report as
// JSON, 200 when every file was read and 422 when any was rejected.
func (s *server) apiImport(w http.ResponseWriter, r *http.Request) {
	extendDeadlines(w)
	files, err := readUploads(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum, reports, err := s.importFiles(r, files)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.logImport(r, sum)
	out := apiImportReport{
		New: sum.New, Updated: sum.Updated, Unchanged: sum.Unchanged,
		Duplicates: sum.Duplicates, Rejected: sum.RejectedFiles,
		Files: make([]apiImportFile, 0, len(reports)),
	}
	for _, rep := range reports {
		f := apiImportFile{Name: rep.Name, Status: "imported", Articles: []string{}, Warnings: rep.Warnings}
		if rep.Err != nil {
			f.Status, f.Reason = "rejected", readingroom.ErrorMessage(rep.Err)
		}
		seen := map[string]bool{}
		for _, a := range rep.Articles {
			if a.Err != nil {
				f.Warnings = append(f.Warnings, fmt.Sprintf("article %q: %s", a.Title, readingroom.ErrorMessage(a.Err)))
				continue
			}
			if a.Outcome == store.OtherVersion {
				f.Warnings = append(f.Warnings, fmt.Sprintf("another copy of %q with different text was skipped; the first copy was kept", a.Title))
			}
			if !seen[a.Slug] {
				seen[a.Slug] = true
				f.Articles = append(f.Articles, a.Slug)
			}
		}
		out.Files = append(out.Files, f)
	}
	status := http.StatusOK
	if sum.RejectedFiles > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.writeJSON(w, r, status, out)
}
