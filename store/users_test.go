package store

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
)

// cheapArgon keeps the tests that make many hashes quick; the real
// parameters are tested on their own.
var cheapArgon = argonParams{memory: 64, time: 1, threads: 1, keyLen: 32, saltLen: 16}

func openAccounts(t *testing.T) *DB {
	t.Helper()
	db := openTest(t)
	db.argon = cheapArgon
	return db
}

func mustUser(t *testing.T, db *DB, name, pw string, role readingroom.Role) *readingroom.User {
	t.Helper()
	u, err := db.CreateUser(t.Context(), name, pw, role)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

func TestPasswordHash(t *testing.T) {
	enc, err := hashPassword("correct horse", currentArgon)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry the current parameters", enc)
	}
	for _, tc := range []struct {
		pw     string
		ok     bool
		params argonParams
		stale  bool
	}{
		{"correct horse", true, currentArgon, false},
		{"correct horsE", false, currentArgon, false},
		{"", false, currentArgon, false},
		{"correct horse", true, argonParams{memory: 64 * 1024, time: 3, threads: 1, keyLen: 32, saltLen: 16}, true},
	} {
		ok, stale, err := checkPassword(enc, tc.pw, tc.params)
		if err != nil || ok != tc.ok || stale != tc.stale {
			t.Errorf("checkPassword(%q) = %v, %v, %v; want %v, %v, nil", tc.pw, ok, stale, err, tc.ok, tc.stale)
		}
	}
	// Two hashes of one password differ by their salt.
	again, _ := hashPassword("correct horse", currentArgon)
	if again == enc {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{
		"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // 4 GiB
		"$argon2id$v=19$m=19456,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if _, _, err := checkPassword(bad, "x", currentArgon); err == nil {
			t.Errorf("checkPassword accepted the stored hash %q", bad)
		}
	}
}

func TestCreateUser(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	ann := mustUser(t, db, "  Ann ", "password one", readingroom.RoleAdmin)
	if ann.Name != "Ann" || ann.Role != readingroom.RoleAdmin || ann.ID == 0 || ann.Created.IsZero() {
		t.Errorf("CreateUser = %+v", ann)
	}
	for _, tc := range []struct {
		name, pw string
		role     readingroom.Role
		code     string
	}{
		{"ANN", "password two", readingroom.RoleReader, readingroom.ECONFLICT},
		{"", "password two", readingroom.RoleReader, readingroom.EINVALID},
		{"bob", "short", readingroom.RoleReader, readingroom.EINVALID},
		{"bob", "password two", "owner", readingroom.EINVALID},
		{"bob\x07", "password two", readingroom.RoleReader, readingroom.EINVALID},
	} {
		_, err := db.CreateUser(ctx, tc.name, tc.pw, tc.role)
		if got := readingroom.ErrorCode(err); got != tc.code {
			t.Errorf("CreateUser(%q, %q, %q): code %q, want %q (%v)", tc.name, tc.pw, tc.role, got, tc.code, err)
		}
	}
	got, err := db.UserByName(ctx, "aNN")
	if err != nil || got.ID != ann.ID || got.Name != "Ann" {
		t.Errorf("UserByName(aNN) = %+v, %v; want Ann", got, err)
	}
	if _, err := db.UserByName(ctx, "nobody"); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("UserByName(nobody): %v, want not found", err)
	}
	mustUser(t, db, "bob", "password two", readingroom.RoleReader)
	users, err := db.Users(ctx)
	if err != nil || len(users) != 2 || users[0].Name != "Ann" || users[1].Name != "bob" {
		t.Errorf("Users = %+v, %v", users, err)
	}
}

func TestCreateFirstAdmin(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	if has, err := db.HasUsers(ctx); err != nil || has {
		t.Fatalf("HasUsers on a new room = %v, %v", has, err)
	}
	// However many try at once, one account is made.
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		made    int
		refused int
	)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.CreateFirstAdmin(ctx, "admin"+string(rune('a'+i)), "password one")
			mu.Lock()
			defer mu.Unlock()
			switch readingroom.ErrorCode(err) {
			case "":
				made++
			case readingroom.ECONFLICT:
				refused++
			default:
				t.Errorf("CreateFirstAdmin: %v", err)
			}
		}()
	}
	wg.Wait()
	if made != 1 || refused != 7 {
		t.Errorf("first admins made %d, refused %d; want 1, 7", made, refused)
	}
	users, _ := db.Users(ctx)
	if len(users) != 1 || users[0].Role != readingroom.RoleAdmin {
		t.Errorf("users after setup = %+v", users)
	}
	if has, _ := db.HasUsers(ctx); !has {
		t.Error("HasUsers after setup = false")
	}
}

func TestAuthenticate(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	ann := mustUser(t, db, "Ann", "caf\u00e9 au lait", readingroom.RoleReader)
	for _, tc := range []struct {
		name, pw string
		ok       bool
	}{
		{"Ann", "caf\u00e9 au lait", true},
		{"ANN", "cafe\u0301 au lait", true}, // another case, decomposed accent
		{"Ann", "café au lai", false},
		{"Ann", "", false},
		{"Anne", "café au lait", false},
		{"", "café au lait", false},
	} {
		u, err := db.Authenticate(ctx, tc.name, tc.pw)
		if tc.ok {
			if err != nil || u.ID != ann.ID {
				t.Errorf("Authenticate(%q, %q) = %+v, %v; want Ann", tc.name, tc.pw, u, err)
			}
			continue
		}
		// A wrong name and a wrong password say the same thing.
		if readingroom.ErrorCode(err) != readingroom.EUNAUTHORIZED ||
			readingroom.ErrorMessage(err) != "That name and password do not match an account." {
			t.Errorf("Authenticate(%q, %q): %v; want the one unauthorized answer", tc.name, tc.pw, err)
		}
	}
}

func TestRehashOnSignIn(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	mustUser(t, db, "ann", "password one", readingroom.RoleReader)
	stored := func() string {
		var h string
		if err := db.r.QueryRowContext(ctx, `SELECT password_hash FROM users`).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	before := stored()
	// The room's parameters are raised: the next sign-in rehashes.
	db.argon = argonParams{memory: 128, time: 2, threads: 1, keyLen: 32, saltLen: 16}
	if _, err := db.Authenticate(ctx, "ann", "wrong password"); err == nil {
		t.Fatal("a wrong password signed in")
	}
	if stored() != before {
		t.Error("a failed sign-in rehashed the password")
	}
	if _, err := db.Authenticate(ctx, "ann", "password one"); err != nil {
		t.Fatal(err)
	}
	after := stored()
	if after == before || !strings.Contains(after, "$m=128,t=2,p=1$") {
		t.Errorf("hash after sign-in = %q, want one with m=128,t=2", after)
	}
	if _, err := db.Authenticate(ctx, "ann", "password one"); err != nil {
		t.Errorf("sign-in after the rehash: %v", err)
	}
}

func TestSessions(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return now }
	ann := mustUser(t, db, "ann", "password one", readingroom.RoleReader)
	bob := mustUser(t, db, "bob", "password two", readingroom.RoleReader)

	tok, err := db.CreateSession(ctx, ann.ID, "Firefox", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 {
		t.Errorf("session token %q is %d characters, want 43 (32 bytes, base64url)", tok, len(tok))
	}
	var n int
	db.r.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE token_hash = ?`, tok).Scan(&n)
	if n != 0 {
		t.Error("the session token is stored as it is, not hashed")
	}
	u, s, err := db.SessionUser(ctx, tok)
	if err != nil || u.ID != ann.ID || s.UserAgent != "Firefox" || s.IP != "192.0.2.1" {
		t.Fatalf("SessionUser = %+v, %+v, %v", u, s, err)
	}
	if _, _, err := db.SessionUser(ctx, tok+"x"); readingroom.ErrorCode(err) != readingroom.EUNAUTHORIZED {
		t.Errorf("SessionUser(wrong token): %v, want unauthorized", err)
	}

	// Used within the minute: no write. After it: last seen moves.
	now = now.Add(30 * time.Second)
	if _, s, _ = db.SessionUser(ctx, tok); !s.LastSeen.Equal(now.Add(-30*time.Second)) || s.Touched {
		t.Errorf("last seen moved within a minute: %v, touched %v", s.LastSeen, s.Touched)
	}
	now = now.Add(time.Minute)
	if _, s, _ = db.SessionUser(ctx, tok); !s.LastSeen.Equal(now) || !s.Touched {
		t.Errorf("last seen = %v, touched %v; want %v, true", s.LastSeen, s.Touched, now)
	}

	// Idle for just under 30 days: alive. Over: gone for good.
	now = now.Add(SessionIdle - time.Second)
	if _, _, err := db.SessionUser(ctx, tok); err != nil {
		t.Errorf("session idle 30 days less a second: %v", err)
	}
	now = now.Add(SessionIdle + time.Second)
	if _, _, err := db.SessionUser(ctx, tok); readingroom.ErrorCode(err) != readingroom.EUNAUTHORIZED {
		t.Errorf("session idle over 30 days: %v, want unauthorized", err)
	}
	if list, _ := db.Sessions(ctx, ann.ID); len(list) != 0 {
		t.Errorf("expired session still listed: %+v", list)
	}

	// Bob cannot end Ann's session; Ann can.
	tok, _ = db.CreateSession(ctx, ann.ID, "Firefox", "192.0.2.1")
	_, s, _ = db.SessionUser(ctx, tok)
	if err := db.EndSession(ctx, bob.ID, s.ID); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("bob ending ann's session: %v, want not found", err)
	}
	if _, _, err := db.SessionUser(ctx, tok); err != nil {
		t.Errorf("ann's session after bob's try: %v", err)
	}
	if err := db.EndSession(ctx, ann.ID, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SessionUser(ctx, tok); err == nil {
		t.Error("an ended session still signs in")
	}

	// Signing out ends exactly that session.
	t1, _ := db.CreateSession(ctx, ann.ID, "", "")
	t2, _ := db.CreateSession(ctx, ann.ID, "", "")
	if err := db.EndSessionToken(ctx, t1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SessionUser(ctx, t1); err == nil {
		t.Error("signed-out session still signs in")
	}
	if _, _, err := db.SessionUser(ctx, t2); err != nil {
		t.Errorf("other session ended by signing out: %v", err)
	}
}

func TestSetPasswordEndsOtherSessions(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	ann := mustUser(t, db, "ann", "password one", readingroom.RoleReader)
	bob := mustUser(t, db, "bob", "password two", readingroom.RoleReader)
	here, _ := db.CreateSession(ctx, ann.ID, "here", "")
	there, _ := db.CreateSession(ctx, ann.ID, "there", "")
	bobs, _ := db.CreateSession(ctx, bob.ID, "", "")
	_, cur, _ := db.SessionUser(ctx, here)

	if err := db.SetPassword(ctx, ann.ID, "short", cur.ID); readingroom.ErrorCode(err) != readingroom.EINVALID {
		t.Errorf("SetPassword(short): %v, want invalid", err)
	}
	if _, _, err := db.SessionUser(ctx, there); err != nil {
		t.Fatal("a refused password change ended a session")
	}
	if err := db.SetPassword(ctx, ann.ID, "password three", cur.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SessionUser(ctx, here); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, _, err := db.SessionUser(ctx, there); err == nil {
		t.Error("another session survived the password change")
	}
	if _, _, err := db.SessionUser(ctx, bobs); err != nil {
		t.Errorf("bob's session ended by ann's password change: %v", err)
	}
	if _, err := db.Authenticate(ctx, "ann", "password one"); err == nil {
		t.Error("the old password still signs in")
	}
	if _, err := db.Authenticate(ctx, "ann", "password three"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if err := db.VerifyPassword(ctx, ann.ID, "password three"); err != nil {
		t.Errorf("VerifyPassword(new): %v", err)
	}
	if err := db.VerifyPassword(ctx, ann.ID, "password one"); readingroom.ErrorCode(err) != readingroom.EUNAUTHORIZED {
		t.Errorf("VerifyPassword(old): %v, want unauthorized", err)
	}
}

func TestTokens(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return now }
	ann := mustUser(t, db, "ann", "password one", readingroom.RoleReader)
	bob := mustUser(t, db, "bob", "password two", readingroom.RoleReader)

	secret, tok, err := db.CreateToken(ctx, ann.ID, "  backup   script ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "rr_") || len(secret) != 46 || tok.Label != "backup script" {
		t.Errorf("CreateToken = %q, %+v", secret, tok)
	}
	if _, _, err := db.CreateToken(ctx, ann.ID, strings.Repeat("x", MaxTokenLabelLen+1)); readingroom.ErrorCode(err) != readingroom.EINVALID {
		t.Errorf("over-long label: %v, want invalid", err)
	}
	list, _ := db.Tokens(ctx, ann.ID)
	if len(list) != 1 || !list[0].LastUsed.IsZero() {
		t.Fatalf("Tokens before use = %+v", list)
	}
	now = now.Add(time.Hour)
	u, _, err := db.TokenUser(ctx, secret)
	if err != nil || u.ID != ann.ID {
		t.Fatalf("TokenUser = %+v, %v", u, err)
	}
	list, _ = db.Tokens(ctx, ann.ID)
	if !list[0].LastUsed.Equal(now) {
		t.Errorf("last used = %v, want %v", list[0].LastUsed, now)
	}
	for _, bad := range []string{"", "rr_", secret[3:], secret + "x", "Bearer " + secret} {
		if _, _, err := db.TokenUser(ctx, bad); readingroom.ErrorCode(err) != readingroom.EUNAUTHORIZED {
			t.Errorf("TokenUser(%q): %v, want unauthorized", bad, err)
		}
	}
	if err := db.RevokeToken(ctx, bob.ID, tok.ID); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("bob revoking ann's token: %v, want not found", err)
	}
	if err := db.RevokeToken(ctx, ann.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.TokenUser(ctx, secret); readingroom.ErrorCode(err) != readingroom.EUNAUTHORIZED {
		t.Errorf("revoked token: %v, want unauthorized", err)
	}
}

func TestDeleteUserTakesEverything(t *testing.T) {
	db := openAccounts(t)
	ctx := t.Context()
	ann := mustUser(t, db, "Ann", "password one", readingroom.RoleReader)
	bob := mustUser(t, db, "bob", "password two", readingroom.RoleReader)
	sess, _ := db.CreateSession(ctx, ann.ID, "", "")
	secret, _, _ := db.CreateToken(ctx, ann.ID, "")
	bobSess, _ := db.CreateSession(ctx, bob.ID, "", "")

	if err := db.DeleteUser(ctx, "ANN"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SessionUser(ctx, sess); err == nil {
		t.Error("a removed user's session signs in")
	}
	if _, _, err := db.TokenUser(ctx, secret); err == nil {
		t.Error("a removed user's token works")
	}
	for _, table := range []string{"sessions", "api_tokens"} {
		var n int
		db.r.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE user_id = ?`, ann.ID).Scan(&n)
		if n != 0 {
			t.Errorf("%d rows of the removed user left in %s", n, table)
		}
	}
	if _, _, err := db.SessionUser(ctx, bobSess); err != nil {
		t.Errorf("bob's session after removing ann: %v", err)
	}
	if err := db.DeleteUser(ctx, "ann"); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("removing ann twice: %v, want not found", err)
	}
	// The name is free again.
	mustUser(t, db, "ann", "password three", readingroom.RoleReader)
}
