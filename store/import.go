package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
)

// ImportRun saves the articles of one import (the files of one command,
// or of one upload) and remembers what it saved, so that:
//
//   - an article met twice in the import is saved once: the first copy
//     wins, and later ones come back as Duplicate or OtherVersion;
//   - two different articles that share a title and a date (two letters
//     pages of one issue) are both saved;
//   - an article whose title is another article's of the same import is
//     never taken for that article under a corrected title.
//
// It saves many articles to a transaction (a batch): a commit costs far
// more than an article. Readers see each batch once it is committed;
// Finish commits the last one, and must be called. A failure of the
// database loses the open batch with it, and ends the import.
//
// An ImportRun is used by one goroutine at a time.
type ImportRun struct {
	db *DB
	// keys are the keys of every article in the import (Expect);
	// unexpected says the run was told, by NeedsExpect, that it would not
	// be given them.
	keys       map[string]bool
	unexpected bool
	// claimed are the stored articles this import has saved.
	claimed map[int64]bool
	// noneBefore is set when the room held no article before this import's
	// first new title (see identifyRetitled); known says it was asked.
	noneBefore, known bool
	summary           ImportSummary
	// filesDone counts the files all of whose articles have been saved;
	// committed and committedFiles are summary and filesDone as of the
	// last commit, what a failure of the database leaves (FilesSaved).
	filesDone      int
	committed      ImportSummary
	committedFiles int

	// The open batch, if any: its transaction, the articles saved in it,
	// and when it began.
	tx         *stmtTx
	batched    int
	batchStart time.Time
	// started says the first batch has begun; large that the run
	// expects at least bulkArticles articles (its batches get a larger
	// page cache); bulk that it is also large beside the library, so the
	// full-text index's merging waits for its end (see bulkArticles).
	started, large, bulk bool
	// written counts the articles the run created or updated.
	written int
}

// Import batching.
const (
	// A batch is committed after batchArticles articles or batchTime,
	// whichever comes first, so that readers see an import's progress and
	// other writers wait at most about batchTime. Each commit leaves a
	// segment of the full-text index that every search reads until the
	// segments are merged: at 20,000 articles, a room read by 32
	// connections during an import of 2,000 had a p99 of 46-55 ms with a
	// quarter of a second and 256 articles to a batch, 43-48 ms with a
	// second and 1,024 (docs/benchmarks.md).
	batchArticles = 1024
	batchTime     = time.Second
	// bulkArticles: a run expecting at least this many articles, and at
	// least half as many as the library holds, turns off FTS5's automatic
	// merging while it writes (each batch's segment is left as it is,
	// beyond the crisis merges that bound a level) and optimizes the index
	// once at the end, which costs less in all. Optimizing rewrites the
	// whole index, so a run small beside the library merges as it goes.
	bulkArticles = 1000
	// ftsAutomerge is FTS5's default, restored after a bulk import and
	// whenever the store opens (should a bulk import have died).
	ftsAutomerge = 4
	// bulkCacheKiB is the writer's page cache during a bulk import;
	// SQLite's default (2 MiB) is restored at its end.
	bulkCacheKiB = 32 << 10
)

// ftsTables are the full-text indexes an import writes.
var ftsTables = []string{"article_fts"}

// ImportSummary counts what an import did.
type ImportSummary struct {
	Files, RejectedFiles                int // files read, and files of those that were refused
	New, Updated, Unchanged, Duplicates int // articles
	ArticlesRejected                    int // articles the store refused (no title, ...)
}

// FileReport is what became of one file of an import.
type FileReport struct {
	Name string
	// Err says why the file was not imported (an *readingroom.Error whose
	// message is for the reader); nil when it was read.
	Err error
	// Warnings are the parser's notes on parts of the file it skipped.
	Warnings []string
	Articles []SavedArticle
}

// SavedArticle is what became of one article of a file.
type SavedArticle struct {
	Title   string
	Slug    string // empty when Err is set
	Outcome Outcome
	// Err is set when the store refused the article (EINVALID).
	Err error
}

// NewImport starts an import. Call Finish at its end.
func (db *DB) NewImport() *ImportRun {
	return &ImportRun{db: db, keys: map[string]bool{}, claimed: map[int64]bool{}}
}

// Expect tells the run about an article it will save, before any is
// saved, so that no stored article whose title is in the import is taken
// for another article of the import retitled.
func (r *ImportRun) Expect(a *readingroom.Article) {
	r.keys[a.Key()] = true
}

// NeedsExpect reports whether the run should be told of every article of
// the import (Expect) before its first Save: only when the room holds
// articles, one of which an article of the import could be taken for
// under an edited title. Into an empty room, the usual first and largest
// import, nothing can be, and the files need not be read twice. Once it
// has answered false, the run is told nothing: should an article be
// stored by then all the same (another import got there first), no
// stored article is taken for a retitled one, rather than risk taking
// one whose own title comes later in the import.
func (r *ImportRun) NeedsExpect(ctx context.Context) (bool, error) {
	var some bool
	if err := r.db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles)`).Scan(&some); err != nil {
		return false, fmt.Errorf("store: import: %w", err)
	}
	r.unexpected = !some
	return some, nil
}

// Summary returns the counts so far.
func (r *ImportRun) Summary() ImportSummary { return r.summary }

// FilesSaved is how many files, from the first, have had all their
// articles saved and committed, or were refused: after a failure of the
// database (whose open batch is lost), the file to start again from is
// the next one. Summary then counts what was committed.
func (r *ImportRun) FilesSaved() int { return r.filesDone }

// SaveFile saves the articles parsed from one file, or records the file
// as rejected when parseErr is set. It returns what became of each
// article; the error is for failures of the database itself, which
// should stop the import.
func (r *ImportRun) SaveFile(ctx context.Context, name string, arts []readingroom.Article, warnings []string, parseErr error) (FileReport, error) {
	rep := FileReport{Name: name, Err: parseErr, Warnings: warnings}
	r.summary.Files++
	if parseErr != nil {
		r.summary.RejectedFiles++
		r.filesDone = r.summary.Files
		return rep, nil
	}
	for i := range arts {
		a := &arts[i]
		out, slug, err := r.Save(ctx, a, name)
		if readingroom.ErrorCode(err) == readingroom.EINTERNAL {
			return rep, err
		}
		if err != nil {
			r.summary.ArticlesRejected++
		}
		rep.Articles = append(rep.Articles, SavedArticle{Title: a.Title, Slug: slug, Outcome: out, Err: err})
	}
	r.filesDone = r.summary.Files
	if r.tx == nil { // its last article closed a batch: the file is committed
		r.committed, r.committedFiles = r.summary, r.filesDone
	}
	return rep, nil
}

// Save stores one article of the import; see SaveArticle. It returns
// Duplicate or OtherVersion, writing nothing, for an article this import
// has already saved. The article is committed with its batch (at the
// latest by Finish).
func (r *ImportRun) Save(ctx context.Context, a *readingroom.Article, source string) (Outcome, string, error) {
	if err := validateArticle(a); err != nil {
		return 0, "", fmt.Errorf("store: save article: %w", err)
	}
	out, slug, err := r.save(ctx, a, source)
	if err != nil {
		r.rollback()
		return 0, "", fmt.Errorf("store: save article %q: %w", a.Title, err)
	}
	r.count(out)
	if r.batched++; r.batched >= batchArticles || time.Since(r.batchStart) >= batchTime {
		if err := r.commitBatch(ctx); err != nil {
			return 0, "", fmt.Errorf("store: save article %q: %w", a.Title, err)
		}
	}
	return out, slug, nil
}

func (r *ImportRun) save(ctx context.Context, a *readingroom.Article, source string) (Outcome, string, error) {
	tx, err := r.begin(ctx)
	if err != nil {
		return 0, "", err
	}
	now := r.db.now().UTC().Format(time.RFC3339)
	var (
		out  Outcome
		ids  []string
		fp   = a.Fingerprint()
		slug string
	)
	id, stored, err := r.identify(ctx, tx, a)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		out = Created
		if id, slug, ids, err = insertArticle(ctx, tx, a, fp, source, now); err == nil {
			err = attachWaitingItems(ctx, tx, id, slug, a, ids)
		}
	case err != nil:
		// returned below
	case r.claimed[id]:
		out, slug = OtherVersion, stored.slug
		if stored.fingerprint == fp {
			out = Duplicate
		}
		return out, slug, nil
	case stored.fingerprint == fp:
		out, slug = Unchanged, stored.slug
		ids, err = storedIDs(ctx, tx, id, len(a.Blocks))
	default:
		out, slug = Updated, stored.slug
		ids, err = updateArticle(ctx, tx, id, a, fp, source, now)
	}
	if err != nil {
		return 0, "", err
	}
	r.claimed[id] = true
	if out == Created || out == Updated {
		r.written++
	}
	a.Slug = slug
	for i := range a.Blocks {
		a.Blocks[i].ID = ids[i]
	}
	return out, slug, nil
}

// begin returns the open batch's transaction, beginning one if need be.
func (r *ImportRun) begin(ctx context.Context) (*stmtTx, error) {
	if r.tx != nil {
		return r.tx, nil
	}
	tx, err := r.db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	r.tx, r.batched, r.batchStart = newStmtTx(tx), 0, time.Now()
	if !r.started {
		r.started = true
		if err := r.sizeUp(ctx); err != nil {
			r.rollback()
			return nil, err
		}
	}
	return r.tx, nil
}

// sizeUp decides, at the first batch, what kind of run this is: large,
// bulk, or neither (see bulkArticles). An import into an empty room is
// the library itself, however many articles it brings (they may not have
// been counted, see NeedsExpect): it is bulk.
func (r *ImportRun) sizeUp(ctx context.Context) error {
	stored := 0
	if len(r.keys) >= bulkArticles {
		if err := r.tx.QueryRowContext(ctx, `SELECT count(*) FROM articles`).Scan(&stored); err != nil {
			return err
		}
	} else {
		var some bool
		if err := r.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles)`).Scan(&some); err != nil || some {
			return err
		}
	}
	// The indexes on paragraph ids take inserts in no order; a larger
	// cache keeps their pages at hand.
	if _, err := r.tx.tx.ExecContext(ctx, `PRAGMA cache_size = -`+strconv.Itoa(bulkCacheKiB)); err != nil {
		return err
	}
	r.large = true
	if len(r.keys) < stored/2 {
		return nil
	}
	if err := setAutomerge(ctx, r.tx, 0); err != nil {
		return err
	}
	r.bulk = true
	return nil
}

// commitBatch commits the open batch, if any. This is the boundary
// between batches: what should happen between them (a WAL checkpoint)
// belongs here.
func (r *ImportRun) commitBatch(ctx context.Context) error {
	if r.tx == nil {
		r.committed, r.committedFiles = r.summary, r.filesDone
		return nil
	}
	r.tx.close()
	err := r.tx.tx.Commit()
	r.tx = nil
	if err != nil {
		r.forget()
		return fmt.Errorf("commit: %w", err)
	}
	r.committed, r.committedFiles = r.summary, r.filesDone
	// No transaction is open: the place to keep the write-ahead log from
	// growing without end while readers read.
	if err := r.db.checkpointIfLarge(ctx); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// Commit commits the open batch, if any, without finishing the run: for
// an import that is stopped and should keep what it saved. Finish does
// this too.
func (r *ImportRun) Commit(ctx context.Context) error {
	if err := r.commitBatch(ctx); err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	return nil
}

// rollback drops the open batch.
func (r *ImportRun) rollback() {
	if r.tx != nil {
		r.tx.close()
		_ = r.tx.tx.Rollback()
		r.tx = nil
	}
	r.forget()
}

// forget takes back the counts of a batch that was lost, so that the
// summary says what is stored.
func (r *ImportRun) forget() {
	r.summary, r.filesDone = r.committed, r.committedFiles
}

// Finish commits the last batch and, after a bulk import, merges the
// full-text index into one segment and turns automatic merging on again;
// after any other run that wrote, it merges the segments the run left
// (tidyIndex).
func (r *ImportRun) Finish(ctx context.Context) error {
	if err := r.commitBatch(ctx); err != nil {
		return fmt.Errorf("store: finish import: %w", err)
	}
	if !r.bulk && r.written > 0 {
		for _, t := range ftsTables {
			if err := r.db.tidyIndex(ctx, t); err != nil {
				return fmt.Errorf("store: finish import: merge %s: %w", t, err)
			}
		}
	}
	if !r.large {
		return nil
	}
	r.large = false
	if r.bulk && r.written > 0 {
		for _, t := range ftsTables {
			if err := r.db.mergeIndex(ctx, t); err != nil {
				return fmt.Errorf("store: finish import: merge %s: %w", t, err)
			}
		}
		if err := r.db.reclaim(ctx); err != nil {
			return fmt.Errorf("store: finish import: %w", err)
		}
	}
	tx, err := r.db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: finish import: %w", err)
	}
	defer tx.Rollback()
	if r.bulk {
		r.bulk = false
		if err := setAutomerge(ctx, tx, ftsAutomerge); err != nil {
			return fmt.Errorf("store: finish import: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -2000`); err != nil {
		return fmt.Errorf("store: finish import: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: finish import: %w", err)
	}
	return nil
}

// setAutomerge sets FTS5's automerge on every full-text index.
func setAutomerge(ctx context.Context, tx dbtx, n int) error {
	for _, t := range ftsTables {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('automerge', ?)`, n); err != nil {
			return fmt.Errorf("automerge %s: %w", t, err)
		}
	}
	return nil
}

func (r *ImportRun) count(o Outcome) {
	switch o {
	case Created:
		r.summary.New++
	case Updated:
		r.summary.Updated++
	case Unchanged:
		r.summary.Unchanged++
	case Duplicate, OtherVersion:
		r.summary.Duplicates++
	}
}

// storedArticle is what saving needs to know of the stored article an
// incoming one is.
type storedArticle struct {
	slug        string
	fingerprint string
}

// articleCandidate is a stored article that may be the incoming one.
type articleCandidate struct {
	id int64
	storedArticle
	published time.Time
	key       string
}

// identify finds the stored article that a is (readingroom.Match): one
// with its title, or, failing that, one whose title was corrected.
// sql.ErrNoRows when a is new.
func (r *ImportRun) identify(ctx context.Context, tx dbtx, a *readingroom.Article) (int64, storedArticle, error) {
	cands, err := candidatesByKey(ctx, tx, a.Key())
	if err != nil {
		return 0, storedArticle{}, err
	}
	if i, err := r.match(ctx, tx, a, cands); err != nil || i >= 0 {
		if err != nil {
			return 0, storedArticle{}, err
		}
		return cands[i].id, cands[i].storedArticle, nil
	}
	// A new title may be an edited one: the same article, found by its
	// paragraphs.
	return r.identifyRetitled(ctx, tx, a)
}

// match loads what readingroom.Match needs of cands and asks it.
func (r *ImportRun) match(ctx context.Context, tx dbtx, a *readingroom.Article, cands []articleCandidate) (int, error) {
	if len(cands) == 0 {
		return -1, nil
	}
	stored := make([]readingroom.Stored, len(cands))
	compatible := 0
	for i, c := range cands {
		stored[i] = readingroom.Stored{Published: c.published, Fingerprint: c.fingerprint, Claimed: r.claimed[c.id]}
		if readingroom.CompatibleDates(a.Published, c.published) {
			compatible++
		}
	}
	// The common case, one stored article of that date not yet claimed,
	// is decided without reading any text; otherwise texts decide.
	if compatible > 1 || compatible == 1 && !onlySameDateUnclaimed(a, stored) {
		for i, c := range cands {
			if !readingroom.CompatibleDates(a.Published, c.published) || stored[i].Fingerprint == a.Fingerprint() {
				continue
			}
			blocks, err := loadBlocks(ctx, tx, c.id)
			if err != nil {
				return -1, err
			}
			stored[i].Blocks = blocks
		}
	}
	return readingroom.Match(a, stored), nil
}

// onlySameDateUnclaimed reports whether the one stored article with a
// compatible date has a's date and is not claimed: Match takes it whatever
// the texts say.
func onlySameDateUnclaimed(a *readingroom.Article, stored []readingroom.Stored) bool {
	for _, s := range stored {
		if readingroom.CompatibleDates(a.Published, s.Published) {
			return !a.Published.IsZero() && a.Published.Equal(s.Published) && !s.Claimed
		}
	}
	return false
}

func candidatesByKey(ctx context.Context, tx dbtx, key string) ([]articleCandidate, error) {
	return scanRows(ctx, tx, scanArticleCandidate, `
		SELECT id, slug, fingerprint, published, key FROM articles WHERE key = ? ORDER BY id`, key)
}

func scanArticleCandidate(rows *sql.Rows) (articleCandidate, error) {
	var (
		c         articleCandidate
		published sql.NullString
	)
	if err := rows.Scan(&c.id, &c.slug, &c.fingerprint, &published, &c.key); err != nil {
		return c, err
	}
	var err error
	c.published, err = parseDate(published)
	return c, err
}

// Thresholds for finding an article whose title was edited.
const (
	retitleMinWords      = 8  // paragraphs shorter than this are too common to look up
	retitleMaxParagraphs = 64 // paragraphs looked up
	retitleMinShared     = 3  // unchanged paragraphs a articleCandidate needs
	retitleCandidates    = 8  // candidates whose texts are compared
)

// identifyRetitled finds the stored article that a is under an edited
// title: one that shares at least retitleMinShared unchanged paragraphs
// with a, whose date is compatible and whose text readingroom.SameText
// takes for a's. Articles whose title is in the import, or which the
// import has saved, are passed over. sql.ErrNoRows when there is none.
func (r *ImportRun) identifyRetitled(ctx context.Context, tx dbtx, a *readingroom.Article) (int64, storedArticle, error) {
	// Only an article that was in the room before this import can be
	// found: one this import saved has a key in r.keys, and is passed
	// over below. So in a room that held none when the first new title
	// came (no new article saved yet; those saved so far were already
	// there), there is nothing to find, now or later in the run.
	if !r.known {
		var some bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles)`).Scan(&some); err != nil {
			return 0, storedArticle{}, err
		}
		r.noneBefore, r.known = !some, true
	}
	if r.noneBefore || r.unexpected {
		return 0, storedArticle{}, sql.ErrNoRows
	}
	var pids []any
	seen := map[string]bool{}
	for _, b := range a.Blocks {
		if b.Kind != readingroom.KindParagraph || len(strings.Fields(b.Text)) < retitleMinWords {
			continue
		}
		if pid := readingroom.ParagraphID(b.Text, 0); !seen[pid] {
			seen[pid] = true
			pids = append(pids, pid)
		}
		if len(pids) == retitleMaxParagraphs {
			break
		}
	}
	if len(pids) < retitleMinShared {
		return 0, storedArticle{}, sql.ErrNoRows
	}
	// The list is padded with ids no paragraph has to 8, 16, 32 or 64, so
	// that a batch prepares four statements, not one for every length.
	size := 8
	for size < len(pids) {
		size *= 2
	}
	for len(pids) < size {
		pids = append(pids, "")
	}
	args := append(pids, retitleMinShared, retitleCandidates)
	cands, err := scanRows(ctx, tx, scanArticleCandidate, `
		SELECT a.id, a.slug, a.fingerprint, a.published, a.key
		FROM paragraphs p JOIN articles a ON a.id = p.article_id
		WHERE p.pid IN (?`+strings.Repeat(", ?", len(pids)-1)+`)
		GROUP BY a.id HAVING count(*) >= ?
		ORDER BY count(*) DESC, a.id LIMIT ?`, args...)
	if err != nil {
		return 0, storedArticle{}, err
	}
	for _, c := range cands {
		if r.keys[c.key] || r.claimed[c.id] || !readingroom.CompatibleDates(a.Published, c.published) {
			continue
		}
		blocks, err := loadBlocks(ctx, tx, c.id)
		if err != nil {
			return 0, storedArticle{}, err
		}
		if readingroom.SameText(a.Blocks, blocks) {
			return c.id, c.storedArticle, nil
		}
	}
	return 0, storedArticle{}, sql.ErrNoRows
}

// loadBlocks reads an article's stored blocks as domain blocks.
func loadBlocks(ctx context.Context, tx dbtx, articleID int64) ([]readingroom.Block, error) {
	stored, err := loadStoredBlocks(ctx, tx, articleID)
	if err != nil {
		return nil, err
	}
	blocks := make([]readingroom.Block, len(stored))
	for i, s := range stored {
		blocks[i] = s.block()
	}
	return blocks, nil
}
