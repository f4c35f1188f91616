package templates

import (
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
)

func TestHeaderShowsWhoIsSignedIn(t *testing.T) {
	for _, tc := range []struct {
		name     string
		user     *readingroom.User
		signIn   string
		want     []string
		wantNone []string
	}{
		{"no one", nil, "/signin?next=%2Fsearch", []string{`href="/signin?next=%2Fsearch">Sign in</a>`}, []string{"Sign out", `href="/import"`}},
		{"a reader", &readingroom.User{Name: "Rob <b>", Role: readingroom.RoleReader}, "/signin",
			[]string{`href="/account" title="Your account">Rob &lt;b&gt;</a>`, `<form class="signout-form" action="/signout" method="post">`},
			[]string{">Sign in<", `href="/import"`}},
		{"an admin", &readingroom.User{Name: "Ada", Role: readingroom.RoleAdmin}, "/signin",
			[]string{`<a href="/import">Import</a>`, ">Ada</a>", "Sign out"}, []string{">Sign in<"}},
	} {
		p := ErrorPage{Page: Page{Title: "x", User: tc.user, SignInURL: tc.signIn}, Status: 404, Heading: "Not found"}
		body, _ := render(t, Error(p))
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: header lacks %s", tc.name, w)
			}
		}
		for _, w := range tc.wantNone {
			if strings.Contains(body, w) {
				t.Errorf("%s: header has %s", tc.name, w)
			}
		}
	}
}

func TestAccountPage(t *testing.T) {
	p := AccountPage{
		Page:  Page{Title: "Your account"},
		Name:  "Ada",
		Admin: true,
		Since: NewDate(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)),
		Sessions: []SessionRow{
			{ID: 7, Current: true, UserAgent: "Firefox"},
			{ID: 9, UserAgent: ""},
		},
		Tokens:   []TokenRow{{ID: 3, Label: "backup"}},
		NewToken: "rr_secret",
	}
	body, doc := render(t, Account(p))
	if got := text(one(t, doc, "who", byClass("account-who"))); got != "Signed in as Ada, administrator, since 1 March 2026." {
		t.Errorf("who %q", got)
	}
	for _, want := range []string{
		`action="/account/sessions/7/end"`, "Sign out here", `action="/account/sessions/9/end"`, "End session",
		"An unnamed browser", `action="/account/tokens/3/revoke"`, `value="rr_secret"`, "never used",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("account page lacks %s", want)
		}
	}
}

func TestImportSummary(t *testing.T) {
	for _, tc := range []struct {
		r    ImportReport
		want string
	}{
		{ImportReport{Files: 1, New: 2}, "Read 1 file: 2 new, 0 updated, 0 unchanged, 0 duplicates skipped, 0 files rejected."},
		{ImportReport{Files: 3, Updated: 1, Unchanged: 4, Duplicates: 1, Rejected: 1}, "Read 3 files: 0 new, 1 updated, 4 unchanged, 1 duplicate skipped, 1 file rejected."},
	} {
		if got := tc.r.Summary(); got != tc.want {
			t.Errorf("Summary = %q, want %q", got, tc.want)
		}
	}
}
