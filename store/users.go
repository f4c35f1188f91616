package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/readingroom/readingroom"
)

// timeFormat is how account times are stored: UTC, to the second, so that
// stored times compare as strings in time order.
const timeFormat = "2006-01-02T15:04:05Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

// isUniqueViolation reports whether err is SQLite refusing a duplicate in a
// UNIQUE column.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

// hashPassword hashes pw with the database's current parameters, waiting
// for a free hashing slot.
func (db *DB) hashPassword(ctx context.Context, pw string) (string, error) {
	if err := db.acquireHashing(ctx); err != nil {
		return "", err
	}
	defer func() { <-db.hashing }()
	return hashPassword(pw, db.argon)
}

// checkPassword is checkPassword, waiting for a free hashing slot.
func (db *DB) checkPassword(ctx context.Context, encoded, pw string) (ok, stale bool, err error) {
	if err := db.acquireHashing(ctx); err != nil {
		return false, false, err
	}
	defer func() { <-db.hashing }()
	return checkPassword(encoded, pw, db.argon)
}

func (db *DB) acquireHashing(ctx context.Context) error {
	select {
	case db.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CreateUser adds an account. The name and password are checked
// (readingroom.CleanUserName, readingroom.CleanPassword); a name already
// taken, ignoring case, is ECONFLICT.
func (db *DB) CreateUser(ctx context.Context, name, password string, role readingroom.Role) (*readingroom.User, error) {
	return db.createUser(ctx, name, password, role, false)
}

// CreateFirstAdmin adds the first account, an admin, only while the room
// has none: once any account exists it is ECONFLICT, however many try at
// once.
func (db *DB) CreateFirstAdmin(ctx context.Context, name, password string) (*readingroom.User, error) {
	return db.createUser(ctx, name, password, readingroom.RoleAdmin, true)
}

func (db *DB) createUser(ctx context.Context, name, password string, role readingroom.Role, first bool) (*readingroom.User, error) {
	name, err := readingroom.CleanUserName(name)
	if err != nil {
		return nil, err
	}
	password, err = readingroom.CleanPassword(password)
	if err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, readingroom.Errorf(readingroom.EINVALID, "There is no role %q.", role)
	}
	// Hash before taking the write lock: it is the slow part.
	hash, err := db.hashPassword(ctx, password)
	if err != nil {
		return nil, fmt.Errorf("store: create user: %w", err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: create user: %w", err)
	}
	defer tx.Rollback()
	if first {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&exists); err != nil {
			return nil, fmt.Errorf("store: create user: %w", err)
		}
		if exists {
			return nil, readingroom.Errorf(readingroom.ECONFLICT, "The room already has an account.")
		}
	}
	now := db.now()
	res, err := tx.ExecContext(ctx, `
		INSERT INTO users (name, name_key, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		name, readingroom.UserNameKey(name), string(role), hash, formatTime(now), formatTime(now))
	if isUniqueViolation(err) {
		return nil, readingroom.Errorf(readingroom.ECONFLICT, "The name %q is taken.", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create user: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("store: create user: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: create user: %w", err)
	}
	created, _ := parseTime(formatTime(now))
	return &readingroom.User{ID: id, Name: name, Role: role, Created: created}, nil
}

// HasUsers reports whether the room has any account.
func (db *DB) HasUsers(ctx context.Context) (bool, error) {
	var exists bool
	if err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&exists); err != nil {
		return false, fmt.Errorf("store: has users: %w", err)
	}
	return exists, nil
}

const userColumns = `u.id, u.name, u.role, u.created_at`

// scanUser reads the userColumns of one row.
func scanUser(row interface{ Scan(...any) error }, extra ...any) (*readingroom.User, error) {
	var (
		u       readingroom.User
		role    string
		created string
	)
	if err := row.Scan(append([]any{&u.ID, &u.Name, &role, &created}, extra...)...); err != nil {
		return nil, err
	}
	u.Role = readingroom.Role(role)
	var err error
	if u.Created, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("user %d: created_at: %w", u.ID, err)
	}
	return &u, nil
}

// Users lists every account, by name.
func (db *DB) Users(ctx context.Context) ([]readingroom.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.name_key, u.id`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var users []readingroom.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		users = append(users, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return users, nil
}

// UserByName finds an account by name, ignoring case. None is ENOTFOUND.
func (db *DB) UserByName(ctx context.Context, name string) (*readingroom.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users u WHERE u.name_key = ?`, readingroom.UserNameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, readingroom.Errorf(readingroom.ENOTFOUND, "There is no account named %q.", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: user %q: %w", name, err)
	}
	return u, nil
}

// errBadCredentials is the one answer to a wrong name or a wrong password,
// so that neither tells which it was.
func errBadCredentials() error {
	return readingroom.Errorf(readingroom.EUNAUTHORIZED, "That name and password do not match an account.")
}

// Authenticate returns the account named name (ignoring case) if password
// is its password. A wrong name and a wrong password are the same
// EUNAUTHORIZED error and take the same time: an unknown name is checked
// against a dummy hash. A hash made with parameters below the current ones
// is made again with them.
func (db *DB) Authenticate(ctx context.Context, name, password string) (*readingroom.User, error) {
	password = readingroom.PasswordForCheck(password)
	var hash string
	u, err := scanUser(db.r.QueryRowContext(ctx,
		`SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.name_key = ?`,
		readingroom.UserNameKey(name)), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		dummy, err := dummyHash()
		if err != nil {
			return nil, fmt.Errorf("store: authenticate: %w", err)
		}
		if _, _, err := db.checkPassword(ctx, dummy, password); err != nil {
			return nil, fmt.Errorf("store: authenticate: %w", err)
		}
		return nil, errBadCredentials()
	}
	if err != nil {
		return nil, fmt.Errorf("store: authenticate: %w", err)
	}
	if err := db.verify(ctx, u.ID, hash, password); err != nil {
		return nil, err
	}
	return u, nil
}

// VerifyPassword checks the password of the account with id, as
// Authenticate does: EUNAUTHORIZED when it is wrong.
func (db *DB) VerifyPassword(ctx context.Context, userID int64, password string) error {
	var hash string
	err := db.r.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return errBadCredentials()
	}
	if err != nil {
		return fmt.Errorf("store: verify password: %w", err)
	}
	return db.verify(ctx, userID, hash, readingroom.PasswordForCheck(password))
}

// verify checks password against the user's stored hash and rehashes it
// when its parameters are out of date.
func (db *DB) verify(ctx context.Context, userID int64, hash, password string) error {
	ok, stale, err := db.checkPassword(ctx, hash, password)
	if err != nil {
		return fmt.Errorf("store: check password of user %d: %w", userID, err)
	}
	if !ok {
		return errBadCredentials()
	}
	if stale {
		fresh, err := db.hashPassword(ctx, password)
		if err != nil {
			return fmt.Errorf("store: rehash password of user %d: %w", userID, err)
		}
		// Only if the hash is still the one checked: a password changed
		// meanwhile is not undone.
		if _, err := db.w.ExecContext(ctx,
			`UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, fresh, userID, hash,
		); err != nil {
			return fmt.Errorf("store: rehash password of user %d: %w", userID, err)
		}
	}
	return nil
}

// SetPassword gives the account with id a new password (checked with
// readingroom.CleanPassword) and ends every one of its sessions except
// keepSession (0 for none), in one transaction.
func (db *DB) SetPassword(ctx context.Context, userID int64, password string, keepSession int64) error {
	password, err := readingroom.CleanPassword(password)
	if err != nil {
		return err
	}
	hash, err := db.hashPassword(ctx, password)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, formatTime(db.now()), userID)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		return readingroom.Errorf(readingroom.ENOTFOUND, "There is no such account.")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, userID, keepSession); err != nil {
		return fmt.Errorf("store: set password: end sessions: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	return nil
}

// DeleteUser removes the account named name (ignoring case) and, by
// cascade in the same transaction, everything that is theirs: sessions,
// tokens and anything added later. An unknown name is ENOTFOUND.
func (db *DB) DeleteUser(ctx context.Context, name string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM users WHERE name_key = ?`, readingroom.UserNameKey(name))
	if err != nil {
		return fmt.Errorf("store: delete user %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: delete user %q: %w", name, err)
	}
	if n == 0 {
		return readingroom.Errorf(readingroom.ENOTFOUND, "There is no account named %q.", name)
	}
	return nil
}
