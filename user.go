package readingroom

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Role says what a user may do beyond reading.
type Role string

// The roles. A reader reads, searches and (later) keeps a reading list; an
// admin also imports, uploads and deletes articles.
const (
	RoleReader Role = "reader"
	RoleAdmin  Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RoleReader || r == RoleAdmin }

// User is a person with an account in the room.
type User struct {
	ID      int64
	Name    string // as given, in NFC; unique ignoring case
	Role    Role
	Created time.Time
}

// IsAdmin reports whether u may import and delete articles. A nil user (no
// one signed in) is not.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// Limits on names and passwords.
const (
	MaxUserNameLen = 64 // characters
	MinPasswordLen = 8  // characters
	// MaxPasswordLen bounds what is hashed; long passphrases fit easily.
	MaxPasswordLen = 1000 // characters
)

// CleanUserName returns name as it is stored: surrounding space trimmed and
// in Unicode normal form C, so that one name typed on two systems is one
// name. It must be 1 to MaxUserNameLen characters with no control
// characters, line breaks or bidirectional overrides (which could make one
// name look like another).
func CleanUserName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", Errorf(EINVALID, "The name is not valid text.")
	}
	name = norm.NFC.String(strings.TrimSpace(name))
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "", Errorf(EINVALID, "Please give a name.")
	case n > MaxUserNameLen:
		return "", Errorf(EINVALID, "A name can be at most %d characters long.", MaxUserNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || isBidiControl(r) {
			return "", Errorf(EINVALID, "A name cannot contain control characters or line breaks.")
		}
	}
	return name, nil
}

// isBidiControl reports whether r is one of the characters that reorder
// text around it (embeddings, overrides and isolates).
func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069')
}

// UserNameKey is the form of a name that decides whether two names are the
// same: case folded the Unicode way ("Straße" and "STRASSE" are one name).
// name should have been through CleanUserName.
func UserNameKey(name string) string {
	return norm.NFC.String(cases.Fold().String(name))
}

// CleanPassword returns the password to hash for a new password: in
// Unicode normal form C (so that it matches however a keyboard composes
// accents), at least MinPasswordLen and at most MaxPasswordLen characters.
// Nothing else is asked of it: length is what makes a password strong.
func CleanPassword(pw string) (string, error) {
	if !utf8.ValidString(pw) {
		return "", Errorf(EINVALID, "The password is not valid text.")
	}
	pw = norm.NFC.String(pw)
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return "", Errorf(EINVALID, "A password needs at least %d characters.", MinPasswordLen)
	case n > MaxPasswordLen:
		return "", Errorf(EINVALID, "A password can be at most %d characters long.", MaxPasswordLen)
	}
	return pw, nil
}

// PasswordForCheck is the form of a password given at sign-in that is
// compared with the stored hash: the same normal form as CleanPassword,
// without its length rules (a wrong password is simply wrong).
func PasswordForCheck(pw string) string {
	return norm.NFC.String(strings.ToValidUTF8(pw, "\uFFFD"))
}
