package templates

import (
	"strconv"
	"time"
)

// Moment is a point in time ready to show: Text for people, ISO for the
// datetime attribute.
type Moment struct {
	ISO  string
	Text string
}

// NewMoment formats t, in UTC; the zero time gives the zero Moment.
func NewMoment(t time.Time) Moment {
	if t.IsZero() {
		return Moment{}
	}
	t = t.UTC()
	return Moment{ISO: t.Format(time.RFC3339), Text: t.Format("2 January 2006, 15:04") + " UTC"}
}

// Known reports whether the moment is set.
func (m Moment) Known() bool { return m.ISO != "" }

// SigninPage is the sign-in form.
type SigninPage struct {
	Page
	Next    string // where to go after; a local path
	Name    string // as typed, kept after a failure
	Problem string // why the last try failed; empty at first
	// NoUsers is set while the room has no account: the page points to
	// the setup instead.
	NoUsers bool
}

// SetupPage is the form that makes a new room's first account, an admin.
type SetupPage struct {
	Page
	Name    string
	Problem string
	MinLen  int
}

// AccountPage is a signed-in reader's own page.
type AccountPage struct {
	Page
	Name  string
	Admin bool
	Since Date
	// Done names what the last action did (password, session, token,
	// feed); empty, or anything else, for none.
	Done            string
	PasswordProblem string
	TokenProblem    string
	// NewToken is a token just made, shown this once; NewTokenLabel its
	// label.
	NewToken      string
	NewTokenLabel string
	MinLen        int
	// FeedURL is the secret address of the reader's list as a feed; empty
	// until they make one.
	FeedURL  string
	Sessions []SessionRow
	Tokens   []TokenRow
}

// SessionRow is one signed-in browser.
type SessionRow struct {
	ID        int64
	Current   bool // the browser looking at the page
	Created   Moment
	LastSeen  Moment
	UserAgent string
	IP        string
}

// EndURL is where the form that ends the session posts.
func (s SessionRow) EndURL() string {
	return "/account/sessions/" + strconv.FormatInt(s.ID, 10) + "/end"
}

// TokenRow is one API token, without its secret.
type TokenRow struct {
	ID       int64
	Label    string
	Created  Moment
	LastUsed Moment // zero when never used
}

// RevokeURL is where the form that revokes the token posts.
func (t TokenRow) RevokeURL() string {
	return "/account/tokens/" + strconv.FormatInt(t.ID, 10) + "/revoke"
}

// Who says what the account is and since when: "administrator, since 3
// March 2026".
func (p AccountPage) Who() string {
	s := "reader"
	if p.Admin {
		s = "administrator"
	}
	if p.Since.Known() {
		s += ", since " + p.Since.Text
	}
	return s
}

// Notice says what the last action did, or "".
func (p AccountPage) Notice() string {
	switch p.Done {
	case "password":
		return "Your password was changed. Every other session was ended."
	case "session":
		return "The session was ended."
	case "token":
		return "The token was revoked."
	case "feed":
		return "Your list's feed has a new address. The old one no longer works."
	}
	return ""
}
