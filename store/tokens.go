package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
)

// TokenPrefix starts every API token, so that one pasted somewhere it
// should not be is recognisable (and found by secret scanners).
const TokenPrefix = "rr_"

// MaxTokenLabelLen bounds a token's label, in characters.
const MaxTokenLabelLen = 100

// Token is an API token as its owner sees it later: never the secret,
// which is shown once, at creation, and stored only as a hash.
type Token struct {
	ID       int64
	UserID   int64
	Label    string
	Created  time.Time
	LastUsed time.Time // zero when never used
}

// CreateToken makes an API token for the account with userID and returns
// the token itself (the only time it is known) with its record.
func (db *DB) CreateToken(ctx context.Context, userID int64, label string) (string, Token, error) {
	label = readingroom.CleanSpace(label)
	if utf8.RuneCountInString(label) > MaxTokenLabelLen {
		return "", Token{}, readingroom.Errorf(readingroom.EINVALID, "A token's name can be at most %d characters long.", MaxTokenLabelLen)
	}
	secret, err := newSecret()
	if err != nil {
		return "", Token{}, fmt.Errorf("store: create token: %w", err)
	}
	secret = TokenPrefix + secret
	now := db.now()
	res, err := db.w.ExecContext(ctx, `
		INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)`,
		userID, secretHash(secret), label, formatTime(now))
	if err != nil {
		return "", Token{}, fmt.Errorf("store: create token: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", Token{}, fmt.Errorf("store: create token: %w", err)
	}
	created, _ := parseTime(formatTime(now))
	return secret, Token{ID: id, UserID: userID, Label: label, Created: created}, nil
}

// TokenUser returns the account an API token belongs to, and the token. A
// token that is unknown or revoked is EUNAUTHORIZED. Using a token records
// when, at most once a minute.
func (db *DB) TokenUser(ctx context.Context, secret string) (*readingroom.User, Token, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, Token{}, errBadToken()
	}
	var (
		t        Token
		created  string
		lastUsed sql.NullString
	)
	u, err := scanUser(db.r.QueryRowContext(ctx, `
		SELECT `+userColumns+`, t.id, t.label, t.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ?`, secretHash(secret)),
		&t.ID, &t.Label, &created, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Token{}, errBadToken()
	}
	if err != nil {
		return nil, Token{}, fmt.Errorf("store: token: %w", err)
	}
	t.UserID = u.ID
	if err := scanTokenTimes(&t, created, lastUsed); err != nil {
		return nil, Token{}, err
	}
	now := db.now()
	if now.Sub(t.LastUsed) >= sessionTouch {
		if _, err := db.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`,
			formatTime(now), t.ID); err != nil {
			return nil, Token{}, fmt.Errorf("store: touch token: %w", err)
		}
		t.LastUsed, _ = parseTime(formatTime(now))
	}
	return u, t, nil
}

func errBadToken() error {
	return readingroom.Errorf(readingroom.EUNAUTHORIZED, "The API token is not valid: it may have been revoked.")
}

func scanTokenTimes(t *Token, created string, lastUsed sql.NullString) error {
	var err error
	if t.Created, err = parseTime(created); err != nil {
		return fmt.Errorf("store: token %d: %w", t.ID, err)
	}
	if lastUsed.Valid {
		if t.LastUsed, err = parseTime(lastUsed.String); err != nil {
			return fmt.Errorf("store: token %d: %w", t.ID, err)
		}
	}
	return nil
}

// Tokens lists the API tokens of the account with userID, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := db.r.QueryContext(ctx, `
		SELECT id, label, created_at, last_used_at FROM api_tokens
		WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	var list []Token
	for rows.Next() {
		t := Token{UserID: userID}
		var (
			created  string
			lastUsed sql.NullString
		)
		if err := rows.Scan(&t.ID, &t.Label, &created, &lastUsed); err != nil {
			return nil, fmt.Errorf("store: tokens: %w", err)
		}
		if err := scanTokenTimes(&t, created, lastUsed); err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	return list, nil
}

// RevokeToken deletes the token with id, if it is one of userID's
// (ENOTFOUND otherwise, as for one that does not exist).
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
	if err != nil {
		return fmt.Errorf("store: revoke token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: revoke token: %w", err)
	} else if n == 0 {
		return readingroom.Errorf(readingroom.ENOTFOUND, "There is no such token.")
	}
	return nil
}
