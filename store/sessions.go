package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/readingroom/readingroom"
)

// Session lifetimes.
const (
	// SessionIdle is how long a session lasts unused.
	SessionIdle = 30 * 24 * time.Hour
	// sessionTouch is how stale last_seen_at may grow before a request
	// moves it forward: a write a minute, not one per request.
	sessionTouch = time.Minute
)

// Session is a browser signed in to an account.
type Session struct {
	ID        int64
	UserID    int64
	Created   time.Time
	LastSeen  time.Time
	UserAgent string
	IP        string
	// Touched is set by SessionUser when it moved LastSeen forward: the
	// moment to extend the cookie's life too.
	Touched bool
}

// Bounds on what a session records of the browser.
const (
	maxUserAgentLen = 256
	maxIPLen        = 64
)

// newSecret returns 32 random bytes (256 bits) as base64url text.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// secretHash is what the database keeps of a secret.
func secretHash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// CreateSession signs the account with userID in: it returns a new session
// token (the cookie's value) and stores only its hash. Sessions idle for
// longer than SessionIdle, anyone's, are cleared on the way.
func (db *DB) CreateSession(ctx context.Context, userID int64, userAgent, ip string) (string, error) {
	token, err := newSecret()
	if err != nil {
		return "", fmt.Errorf("store: create session: %w", err)
	}
	now := db.now()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("store: create session: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < ?`,
		formatTime(now.Add(-SessionIdle))); err != nil {
		return "", fmt.Errorf("store: create session: clear expired: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO sessions (user_id, token_hash, created_at, last_seen_at, user_agent, ip)
		VALUES (?, ?, ?, ?, ?, ?)`,
		userID, secretHash(token), formatTime(now), formatTime(now),
		truncate(userAgent, maxUserAgentLen), truncate(ip, maxIPLen)); err != nil {
		return "", fmt.Errorf("store: create session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("store: create session: %w", err)
	}
	return token, nil
}

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// SessionUser returns the account signed in with token, and the session.
// An unknown token, or one idle for longer than SessionIdle, is
// EUNAUTHORIZED (and an expired one is deleted). Using a session moves its
// last-seen time forward, at most once a minute.
func (db *DB) SessionUser(ctx context.Context, token string) (*readingroom.User, Session, error) {
	var (
		s        Session
		created  string
		lastSeen string
	)
	hash := secretHash(token)
	u, err := scanUser(db.r.QueryRowContext(ctx, `
		SELECT `+userColumns+`, s.id, s.created_at, s.last_seen_at, s.user_agent, s.ip
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ?`, hash),
		&s.ID, &created, &lastSeen, &s.UserAgent, &s.IP)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Session{}, errNoSession()
	}
	if err != nil {
		return nil, Session{}, fmt.Errorf("store: session: %w", err)
	}
	s.UserID = u.ID
	if s.Created, err = parseTime(created); err != nil {
		return nil, Session{}, fmt.Errorf("store: session %d: %w", s.ID, err)
	}
	if s.LastSeen, err = parseTime(lastSeen); err != nil {
		return nil, Session{}, fmt.Errorf("store: session %d: %w", s.ID, err)
	}
	now := db.now()
	if now.Sub(s.LastSeen) > SessionIdle {
		if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, s.ID); err != nil {
			return nil, Session{}, fmt.Errorf("store: end expired session: %w", err)
		}
		return nil, Session{}, errNoSession()
	}
	if now.Sub(s.LastSeen) >= sessionTouch {
		if _, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`,
			formatTime(now), s.ID); err != nil {
			return nil, Session{}, fmt.Errorf("store: touch session: %w", err)
		}
		s.LastSeen, _ = parseTime(formatTime(now))
		s.Touched = true
	}
	return u, s, nil
}

func errNoSession() error {
	return readingroom.Errorf(readingroom.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
}

// Sessions lists the sessions of the account with userID, most recently
// used first.
func (db *DB) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := db.r.QueryContext(ctx, `
		SELECT id, created_at, last_seen_at, user_agent, ip FROM sessions
		WHERE user_id = ? AND last_seen_at >= ?
		ORDER BY last_seen_at DESC, id DESC`, userID, formatTime(db.now().Add(-SessionIdle)))
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	defer rows.Close()
	var list []Session
	for rows.Next() {
		s := Session{UserID: userID}
		var created, lastSeen string
		if err := rows.Scan(&s.ID, &created, &lastSeen, &s.UserAgent, &s.IP); err != nil {
			return nil, fmt.Errorf("store: sessions: %w", err)
		}
		if s.Created, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("store: session %d: %w", s.ID, err)
		}
		if s.LastSeen, err = parseTime(lastSeen); err != nil {
			return nil, fmt.Errorf("store: session %d: %w", s.ID, err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	return list, nil
}

// EndSession deletes the session with id, if it is one of userID's: one
// reader cannot end another's session, and learns nothing from trying
// (ENOTFOUND either way).
func (db *DB) EndSession(ctx context.Context, userID, sessionID int64) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, sessionID, userID)
	if err != nil {
		return fmt.Errorf("store: end session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: end session: %w", err)
	} else if n == 0 {
		return readingroom.Errorf(readingroom.ENOTFOUND, "There is no such session.")
	}
	return nil
}

// EndSessionToken deletes the session with token: signing out. An unknown
// token is not an error; there is nothing left to end.
func (db *DB) EndSessionToken(ctx context.Context, token string) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, secretHash(token)); err != nil {
		return fmt.Errorf("store: sign out: %w", err)
	}
	return nil
}
