// Package store keeps the reading room in SQLite: articles, their books and
// blocks, and a paragraph-level FTS5 index. One connection writes; a pool of
// read-only connections serves the pages. Build and test with
// -tags sqlite_fts5.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/readingroom/readingroom/migrations"
)

// DB is the reading room's database: a single writer connection, so writes
// never contend for the lock, and a separate pool of readers, which WAL lets
// run alongside the writer.
type DB struct {
	w *sql.DB
	r *sql.DB
	// look is a reader of its own for the look-up that a cached article
	// page needs (Stamp), so that pages never wait behind searches, which
	// may take every connection of r.
	look *sql.DB
	// now is the clock behind created_at and updated_at; tests replace it.
	now func() time.Time
	// searches holds a token for each search under way.
	searches chan struct{}
	// searchTimeout bounds one search: SearchTimeout.
	searchTimeout time.Duration
	// commonArticles is CommonArticles; tests lower it.
	commonArticles int
	log            *slog.Logger
	// argon is the cost of new password hashes; tests lower it.
	argon argonParams
	// hashing holds a token for each password hash under way, so that a
	// burst of sign-ins cannot take more memory than a few hashes need.
	hashing chan struct{}
	// path is the database file, whose WAL (path + "-wal") Checkpoint
	// watches.
	path string
	// asIs opens the database as it is (AsIs).
	asIs bool
	// walCheckpointSize is the WAL size past which an import checkpoints.
	walCheckpointSize int64
	// importHook, when set (by tests), is called by ImportItems at each
	// batch: once it is placed (importPlaced) and once it is committed
	// (importCommitted), with how many items are committed so far.
	importHook func(at importStep, done int)
}

// WithSearchTimeout bounds each search to d instead of SearchTimeout.
func WithSearchTimeout(d time.Duration) Option {
	return func(db *DB) { db.searchTimeout = d }
}

// Option sets up an optional part of the store when it is opened.
type Option func(*DB)

// WithLogger sends what the store has to tell the operator (migrations
// that found something worth knowing) to log. By default it goes nowhere.
func WithLogger(log *slog.Logger) Option {
	return func(db *DB) {
		if log != nil {
			db.log = log
		}
	}
}

// AsIs opens an existing database as it is, for commands that inspect or
// copy it (check, backup): no file is made, no migration applied, and a
// database from a newer version is not refused.
func AsIs() Option {
	return func(db *DB) { db.asIs = true }
}

// Settings every connection must have. They go in the DSN so that a
// connection the pool opens later gets them too.
const (
	writerParams = "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_txlock=immediate&_synchronous=NORMAL"
	// mode=ro makes a stray write on a reader fail instead of taking the
	// write lock. The journal mode is a property of the file, set by the
	// writer, so readers need not (and, read-only, could not) set it.
	readerParams = "mode=ro&_foreign_keys=on&_busy_timeout=5000&_stmt_cache_size=64"
	// lookParams are look's: it reads an article's row by its slug, and
	// needs few pages and statements.
	lookParams = "mode=ro&_foreign_keys=on&_busy_timeout=5000&_stmt_cache_size=4&_cache_size=-256"
	// journalSizeLimit is the size SQLite truncates the WAL file to when
	// it starts it over after a checkpoint; without it, the file keeps
	// the largest size it ever reached.
	journalSizeLimit = 16 << 20
)

// connector opens connections with dsn and, on each, sets what the DSN
// has no parameter for. (go-sqlite3 offers a connect hook only on a
// driver value, not by a registered name.)
type connector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
}

func newConnector(dsn string) connector {
	return connector{dsn: dsn, driver: &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec(fmt.Sprintf("PRAGMA journal_size_limit = %d", journalSizeLimit), nil)
			return err
		},
	}}
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.driver }

// dsn makes a go-sqlite3 file: URI for path. The path is made absolute and
// escaped so that characters such as '?', '#' and '%' in a file name are
// taken literally rather than as URI syntax.
func dsn(path, params string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Path: filepath.ToSlash(abs)}
	return "file:" + u.EscapedPath() + "?" + params, nil
}

// Open opens (creating if need be) the database file at path, checks that
// SQLite has FTS5 and applies any migrations not yet applied. The path must
// name a file in an existing directory; ":memory:" will not do, because the
// readers open the same file separately from the writer.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if err := registerFunctions(); err != nil {
		return nil, err
	}
	db := &DB{now: time.Now, searchTimeout: SearchTimeout, commonArticles: CommonArticles, log: slog.New(slog.DiscardHandler),
		argon: currentArgon, hashing: make(chan struct{}, runtime.NumCPU()),
		path: path, walCheckpointSize: WALCheckpointSize}
	for _, opt := range opts {
		opt(db)
	}
	if path == "" {
		return nil, errors.New("store: open: empty database path")
	}
	params := writerParams
	if db.asIs {
		params += "&mode=rw" // never create the file
	}
	wdsn, err := dsn(path, params)
	if err != nil {
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	rdsn, err := dsn(path, readerParams)
	if err != nil {
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}

	w := sql.OpenDB(newConnector(wdsn))
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	if err := checkFTS5(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	migrated := 0
	if !db.asIs {
		if err := incrementalVacuum(ctx, w); err != nil {
			w.Close()
			return nil, fmt.Errorf("store: open %q: %w", path, err)
		}
		if migrated, err = migrate(ctx, w, migrations.FS, goMigrations, db.log); err != nil {
			w.Close()
			return nil, fmt.Errorf("store: open %q: %w", path, err)
		}
	}
	if !db.asIs {
		if err := restoreAutomerge(ctx, w); err != nil {
			w.Close()
			return nil, err
		}
	}

	// The readers open after the writer has created the file and put it in
	// WAL mode: a read-only connection can do neither.
	r := sql.OpenDB(newConnector(rdsn))
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("store: open %q for reading: %w", path, err)
	}
	// Searches may take every reader; the look-up of a cached page has
	// its own (look), so pages never wait for them.
	ldsn, err := dsn(path, lookParams)
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	look := sql.OpenDB(newConnector(ldsn))
	look.SetMaxOpenConns(1)
	look.SetMaxIdleConns(1)
	db.w, db.r, db.look, db.searches = w, r, look, make(chan struct{}, n)
	// A migration that rebuilds a table (0080 rebuilds paragraphs) frees
	// the old one's pages: give them back, as a bulk import does, rather
	// than leave the file that much larger.
	if migrated > 0 {
		if err := db.reclaim(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open %q: %w", path, err)
		}
	}
	return db, nil
}

// incrementalVacuum makes a new file, one without tables yet, keep what
// SQLite needs to give free pages back by steps (auto_vacuum =
// incremental), as a bulk import does (reclaim). It must be set before
// the first table; on a file that has tables it would be a write, and a
// database that is to be refused as newer must be left untouched.
func incrementalVacuum(ctx context.Context, w *sql.DB) error {
	var tables int
	if err := w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&tables); err != nil || tables > 0 {
		return err
	}
	// The file exists already (WAL mode is written in its header), so
	// the setting needs a VACUUM, which on an empty file has nothing to do.
	if _, err := w.ExecContext(ctx, `PRAGMA auto_vacuum = INCREMENTAL`); err != nil {
		return err
	}
	_, err := w.ExecContext(ctx, `VACUUM`)
	return err
}

// Close closes the readers and then the writer; closing the last connection
// checkpoints the WAL into the database file.
func (db *DB) Close() error {
	return errors.Join(db.look.Close(), db.r.Close(), db.w.Close())
}

// errNoFTS5 is the error Open gives when go-sqlite3 was compiled without
// FTS5, which happens whenever the build tag is forgotten. It names the fix.
func errNoFTS5() error {
	return errors.New("store: SQLite was built without FTS5: build and test with -tags sqlite_fts5")
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// compileOption reports whether SQLite was compiled with option.
func compileOption(ctx context.Context, q queryer, option string) (bool, error) {
	var used bool
	if err := q.QueryRowContext(ctx, `SELECT sqlite_compileoption_used(?)`, option).Scan(&used); err != nil {
		return false, fmt.Errorf("store: check compile option %s: %w", option, err)
	}
	return used, nil
}

// checkFTS5 fails, naming the missing build tag, unless FTS5 is compiled in.
func checkFTS5(ctx context.Context, q queryer) error {
	ok, err := compileOption(ctx, q, "ENABLE_FTS5")
	if err != nil {
		return err
	}
	if !ok {
		return errNoFTS5()
	}
	return nil
}

// Stats counts the articles and the paragraphs (blocks of kind paragraph,
// as ArticleSummary.ParagraphCount does) in the library.
func (db *DB) Stats(ctx context.Context) (articles, paragraphs int, err error) {
	err = db.r.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM articles),
		       (SELECT count(*) FROM paragraphs WHERE kind = 'paragraph')`,
	).Scan(&articles, &paragraphs)
	if err != nil {
		return 0, 0, fmt.Errorf("store: stats: %w", err)
	}
	return articles, paragraphs, nil
}

// restoreAutomerge turns FTS5's automatic merging on again where a bulk
// import that did not finish left it off (see ImportRun).
func restoreAutomerge(ctx context.Context, w *sql.DB) error {
	for _, t := range ftsTables {
		var off bool
		err := w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t+`_config WHERE k = 'automerge' AND v = 0)`).Scan(&off)
		if err != nil {
			return fmt.Errorf("store: open: %w", err)
		}
		if off {
			if _, err := w.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('automerge', ?)`, ftsAutomerge); err != nil {
				return fmt.Errorf("store: open: %w", err)
			}
		}
	}
	return nil
}
