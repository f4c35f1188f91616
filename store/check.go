package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/readingroom/readingroom/migrations"
)

// CheckError lists what IntegrityCheck found wrong, one plain sentence
// for the operator each.
type CheckError struct {
	Problems []string
}

func (e *CheckError) Error() string {
	return "store: integrity check: " + strings.Join(e.Problems, "; ")
}

// checkLimit bounds the problems of one kind listed; the rest are
// counted.
const checkLimit = 20

// IntegrityCheck checks the whole database and returns a *CheckError
// listing every problem found, or nil when there is none:
//
//   - SQLite's own integrity check of every table and index;
//   - every foreign key;
//   - every FTS5 index against the rows it indexes;
//   - that every migration this version knows has been applied, and none
//     it does not know;
//   - the paragraph ids: every id aliased or deleted is in the registry
//     of retired ids, no live id is retired, aliased or deleted, none is
//     both aliased and deleted, every alias leads to an id the article
//     had, and no live article has the slug of a deleted one.
//
// It reads one snapshot on a reader, so it may run while the room serves
// and writes; the FTS5 checks go through the writer (to SQLite they are
// writes) and hold it while they run. Any other error means the check
// itself could not run.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var problems []string
	add := func(ps []string, err error) error {
		problems = append(problems, ps...)
		return err
	}
	if err := add(db.sqliteChecks(ctx)); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if err := add(db.ftsChecks(ctx)); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return &CheckError{Problems: problems}
	}
	return nil
}

// sqliteChecks runs every check but FTS5's own, in one read transaction
// on a connection of its own: SQLite's integrity check also checks the
// FTS5 index's structure, and on a connection that has read the index
// before, FTS5 checks the structure it cached then, not the one on disk,
// and reports corruption that is not there.
func (db *DB) sqliteChecks(ctx context.Context) ([]string, error) {
	rdsn, err := dsn(db.path, readerParams)
	if err != nil {
		return nil, err
	}
	conn := sql.OpenDB(newConnector(rdsn))
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var problems []string

	// integrity_check answers "ok" alone, or its findings.
	found, err := scanRows(ctx, tx, scanString, `PRAGMA integrity_check(`+fmt.Sprint(checkLimit)+`)`)
	if err != nil {
		return nil, err
	}
	if len(found) != 1 || found[0] != "ok" {
		for _, f := range found {
			problems = append(problems, "SQLite integrity check: "+f)
		}
	}

	type fk struct {
		table, parent string
		rowid         sql.NullInt64
	}
	fks, err := scanRows(ctx, tx, func(rows *sql.Rows) (fk, error) {
		var (
			f    fk
			fkid int
		)
		err := rows.Scan(&f.table, &f.rowid, &f.parent, &fkid)
		return f, err
	}, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, err
	}
	for i, f := range fks {
		if i == checkLimit {
			problems = append(problems, fmt.Sprintf("and %d more rows with a missing parent", len(fks)-checkLimit))
			break
		}
		problems = append(problems, fmt.Sprintf("a row of %s (rowid %d) refers to a row of %s that does not exist", f.table, f.rowid.Int64, f.parent))
	}

	ps, err := migrationProblems(ctx, tx)
	if err != nil {
		return nil, err
	}
	problems = append(problems, ps...)

	for _, c := range registryChecks {
		found, err := scanRows(ctx, tx, scanString, c.query+` LIMIT `+fmt.Sprint(checkLimit+1))
		if err != nil {
			return nil, err
		}
		for i, f := range found {
			if i == checkLimit {
				problems = append(problems, "and more like it")
				break
			}
			problems = append(problems, fmt.Sprintf(c.says, f))
		}
	}
	return problems, nil
}

func scanString(rows *sql.Rows) (string, error) {
	var s string
	err := rows.Scan(&s)
	return s, err
}

// migrationProblems compares the recorded migrations with those this
// version knows.
func migrationProblems(ctx context.Context, tx *sql.Tx) ([]string, error) {
	all, err := steps(migrations.FS, goMigrations)
	if err != nil {
		return nil, err
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, v := range unknownVersions(all, applied) {
		problems = append(problems, fmt.Sprintf("migration %s is from a newer version of Reading Room", v))
	}
	done := make(map[string]bool, len(applied))
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range all {
		if !done[m.version] {
			problems = append(problems, fmt.Sprintf("migration %s has not been applied (readingroom serve or import applies it)", m.version))
		}
	}
	return problems, nil
}

// registryChecks are queries for breaches of the paragraph-id rules, each
// giving one text per breach, and the sentence that says it.
var registryChecks = []struct{ query, says string }{
	{`SELECT 'article ' || p.article_id || ', id ' || p.pid FROM paragraph_ids i
		JOIN paragraphs p ON p.pid = i.pid AND p.article_id = i.article_id`,
		"paragraph id registry: %s is both live and retired"},
	{`SELECT 'article ' || a.article_id || ', id ' || a.pid FROM paragraph_aliases a
		WHERE NOT EXISTS (SELECT 1 FROM paragraph_ids i WHERE i.article_id = a.article_id AND i.pid = a.pid)`,
		"paragraph id registry: the alias (%s) is not registered"},
	{`SELECT 'article ' || t.article_id || ', id ' || t.pid FROM paragraph_tombstones t
		WHERE NOT EXISTS (SELECT 1 FROM paragraph_ids i WHERE i.article_id = t.article_id AND i.pid = t.pid)`,
		"paragraph id registry: the deleted paragraph (%s) is not registered"},
	{`SELECT 'article ' || p.article_id || ', id ' || p.pid FROM paragraphs p
		JOIN paragraph_aliases a ON a.article_id = p.article_id AND a.pid = p.pid`,
		"paragraph id registry: %s is both live and an alias"},
	{`SELECT 'article ' || p.article_id || ', id ' || p.pid FROM paragraphs p
		JOIN paragraph_tombstones t ON t.article_id = p.article_id AND t.pid = p.pid`,
		"paragraph id registry: %s is both live and deleted"},
	{`SELECT 'article ' || a.article_id || ', id ' || a.pid FROM paragraph_aliases a
		JOIN paragraph_tombstones t ON t.article_id = a.article_id AND t.pid = a.pid`,
		"paragraph id registry: %s is both an alias and deleted"},
	{`SELECT 'article ' || a.article_id || ', id ' || a.pid || ' to ' || a.target FROM paragraph_aliases a
		WHERE NOT EXISTS (SELECT 1 FROM paragraph_ids i WHERE i.article_id = a.article_id AND i.pid = a.target)
		AND NOT EXISTS (SELECT 1 FROM paragraphs p WHERE p.pid = a.target AND p.article_id = a.article_id)`,
		"paragraph id registry: an alias (%s) leads to an id the article never had"},
	{`SELECT a.slug FROM articles a JOIN deleted_articles d ON d.slug = a.slug`,
		"the slug %q of a deleted article was given to another article"},
	{`SELECT a.slug FROM articles a JOIN article_docs d ON d.id = a.id WHERE a.breaks IS NOT rr_breaks(d.body)`,
		"where the blocks of the article %q break is not kept as its text says (its search results would mark the wrong words)"},
}

// ftsChecks asks FTS5 to check every full-text index against the rows it
// indexes (rank = 1 compares them with an external content table too).
func (db *DB) ftsChecks(ctx context.Context) ([]string, error) {
	tables, err := scanRows(ctx, db.r, scanString, `
		SELECT name FROM sqlite_schema
		WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, name := range tables {
		q := fmt.Sprintf(`INSERT INTO %[1]q (%[1]q, rank) VALUES ('integrity-check', 1)`, name)
		_, err := db.w.ExecContext(ctx, q)
		switch Failure(err) {
		case FailureOther:
			if err != nil {
				return nil, err
			}
		case FailureCorrupt:
			problems = append(problems, fmt.Sprintf("the full-text index %s does not match the rows it indexes: %v", name, err))
		default:
			return nil, err
		}
	}
	return problems, nil
}
