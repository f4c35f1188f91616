package templates

import "strconv"

// ImportPage is the admin's upload form and, after an upload, its report.
type ImportPage struct {
	Page
	Report   *ImportReport // nil before an upload
	Problem  string        // why an upload could not be read at all
	MaxFiles int
	MaxMiB   int
}

// ImportReport is what an import did, as readingroom import reports it.
type ImportReport struct {
	Files, New, Updated, Unchanged, Duplicates, Rejected int
	Entries                                              []ImportFile
}

// Summary is the report's first line, the words readingroom import ends
// with.
func (r ImportReport) Summary() string {
	return "Read " + count(r.Files, "file", "files") + ": " +
		strconv.Itoa(r.New) + " new, " + strconv.Itoa(r.Updated) + " updated, " +
		strconv.Itoa(r.Unchanged) + " unchanged, " + count(r.Duplicates, "duplicate", "duplicates") + " skipped, " +
		count(r.Rejected, "file", "files") + " rejected."
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ImportFile is what became of one uploaded file.
type ImportFile struct {
	Name     string
	Rejected bool
	Reason   string   // why it was rejected
	Warnings []string // parts of it skipped
	Articles []ImportedArticle
}

// ImportedArticle is what became of one article of a file.
type ImportedArticle struct {
	Title   string
	URL     string // empty when it was refused
	Outcome string // "new", "updated", "unchanged", "duplicate", "other version"
	Problem string // why the store refused it
}

// OutcomeText says what happened to the article, in a few words.
func (a ImportedArticle) OutcomeText() string {
	switch a.Outcome {
	case "duplicate":
		return "a copy of one already in this upload, skipped"
	case "other version":
		return "another copy with different text, skipped; the first was kept"
	}
	return a.Outcome
}
