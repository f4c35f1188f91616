package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
)

// runIn runs the program with stdin and returns stdout, stderr and the
// exit status.
func runIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, noenv, strings.NewReader(stdin), &out, &errOut)
	code := 0
	var exit exitError
	switch {
	case errors.As(err, &exit):
		code = exit.code
	case err != nil:
		t.Fatalf("run %v: %v\nstderr: %s", args, err, errOut.String())
	}
	return out.String(), errOut.String(), code
}

func TestUserCommands(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "room.db")
	ctx := context.Background()

	out, _, code := runIn(t, "", "user", "list", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "No accounts yet") {
		t.Errorf("user list on a new room: %d %q", code, out)
	}
	// Flags before or after the name; the password's line end is not part of it.
	out, errOut, code := runIn(t, "first password\r\n", "user", "add", "Ada", "--admin", "--password-stdin", "--db", dbPath)
	if code != 0 || out != "Added Ada, an administrator.\n" {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	if _, _, code = runIn(t, "reader password\n", "user", "add", "--db", dbPath, "--password-stdin", "Rob Roy"); code != 0 {
		t.Fatalf("user add Rob Roy: %d", code)
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		stderr      string
	}{
		{"name taken in another case", "a password", []string{"user", "add", "ADA", "--password-stdin"}, 1, `The name "ADA" is taken`},
		{"short password", "short", []string{"user", "add", "Cy", "--password-stdin"}, 1, "at least 8 characters"},
		{"no password", "", []string{"user", "add", "Cy", "--password-stdin"}, 1, "no password on standard input"},
		{"no terminal", "", []string{"user", "add", "Cy"}, 1, "--password-stdin"},
		{"no name", "", []string{"user", "add", "--password-stdin"}, 2, "needs one NAME"},
		{"two names", "", []string{"user", "remove", "a", "b"}, 2, "needs one NAME"},
		{"unknown user passwd", "new password", []string{"user", "passwd", "nobody", "--password-stdin"}, 1, `no account named "nobody"`},
		{"unknown user remove", "", []string{"user", "remove", "nobody"}, 1, `no account named "nobody"`},
		{"unknown subcommand", "", []string{"user", "rename"}, 2, "unknown command"},
		{"token for nobody", "", []string{"token", "add", "nobody"}, 1, `no account named "nobody"`},
		{"token without a name", "", []string{"token", "add"}, 2, "needs one NAME"},
	} {
		_, errOut, code := runIn(t, tc.stdin, append(tc.args, "--db", dbPath)...)
		if code != tc.code || !strings.Contains(errOut, tc.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, errOut, tc.code, tc.stderr)
		}
	}

	out, _, _ = runIn(t, "", "user", "list", "--db", dbPath)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "Ada") || !strings.Contains(lines[1], "admin") ||
		!strings.HasPrefix(lines[2], "Rob Roy") || !strings.Contains(lines[2], "reader") {
		t.Errorf("user list:\n%s", out)
	}

	// A token, alone on stdout, that works.
	out, errOut, code = runIn(t, "", "token", "add", "rob roy", "--label", "backup", "--db", dbPath)
	token := strings.TrimSuffix(out, "\n")
	if code != 0 || errOut != "" || !strings.HasPrefix(token, "rr_") || strings.ContainsAny(token, " \n") {
		t.Fatalf("token add: %d %q %q", code, out, errOut)
	}
	db := openDB(t, dbPath)
	u, _, err := db.TokenUser(ctx, token)
	if err != nil || u.Name != "Rob Roy" {
		t.Fatalf("the printed token: %+v, %v", u, err)
	}
	sess, _ := db.CreateSession(ctx, u.ID, "", "")

	// passwd changes the password and ends the sessions.
	if out, _, code = runIn(t, "second password\n", "user", "passwd", "ROB ROY", "--password-stdin", "--db", dbPath); code != 0 || !strings.Contains(out, "signed them out") {
		t.Fatalf("user passwd: %d %q", code, out)
	}
	if _, err := db.Authenticate(ctx, "rob roy", "second password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, _, err := db.SessionUser(ctx, sess); err == nil {
		t.Error("a session survived user passwd")
	}

	// remove takes the tokens with it.
	if out, _, code = runIn(t, "", "user", "remove", "rob roy", "--db", dbPath); code != 0 || out != "Removed Rob Roy, with their sessions, tokens and reading list.\n" {
		t.Fatalf("user remove: %d %q", code, out)
	}
	if _, _, err := db.TokenUser(ctx, token); readingroom.ErrorCode(err) != readingroom.EUNAUTHORIZED {
		t.Errorf("a removed user's token: %v", err)
	}
	if users, _ := db.Users(ctx); len(users) != 1 {
		t.Errorf("%d users after remove, want 1", len(users))
	}
}

func TestParsePrefixes(t *testing.T) {
	got, err := parsePrefixes(" 10.0.0.0/8, 127.0.0.1 ,::1,192.168.1.7/24,")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "127.0.0.1/32", "::1/128", "192.168.1.0/24"}
	if len(got) != len(want) {
		t.Fatalf("parsePrefixes = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := parsePrefixes("10.0.0.0/8, proxy.local"); err == nil {
		t.Error("a host name was taken for a proxy address")
	}
	_, errOut, code := runIn(t, "", "serve", "--trusted-proxies", "nonsense", "--db", filepath.Join(t.TempDir(), "x.db"))
	if code != 2 || !strings.Contains(errOut, "--trusted-proxies") {
		t.Errorf("serve with a bad --trusted-proxies: %d %q", code, errOut)
	}
}
