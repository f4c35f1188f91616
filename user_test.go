package readingroom

import (
	"strings"
	"testing"
)

func TestCleanUserName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"ann", "ann", true},
		{"  Ann Smith \t", "Ann Smith", true},
		{"Pa\u0301l", "Pál", true}, // decomposed accent composed
		{strings.Repeat("é", 64), strings.Repeat("é", 64), true},
		{strings.Repeat("é", 65), "", false},
		{"", "", false},
		{"   ", "", false},
		{"ann\nbob", "", false},
		{"ann\x00", "", false},
		{"ann\u2028bob", "", false},
		{"evil\u202egnp.exe", "", false},
		{"bad\xffutf8", "", false},
	} {
		got, err := CleanUserName(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("CleanUserName(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("CleanUserName(%q): code %q, want %q", tc.in, ErrorCode(err), EINVALID)
		}
	}
}

func TestUserNameKey(t *testing.T) {
	for _, pair := range [][2]string{
		{"Ann", "ANN"},
		{"Straße", "STRASSE"},
		{"Pál", "PÁL"},
	} {
		if a, b := UserNameKey(pair[0]), UserNameKey(pair[1]); a != b {
			t.Errorf("UserNameKey(%q) = %q, UserNameKey(%q) = %q; want equal", pair[0], a, pair[1], b)
		}
	}
	if UserNameKey("ann") == UserNameKey("anne") {
		t.Error("ann and anne share a key")
	}
}

func TestCleanPassword(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"1234567", false},
		{"12345678", true},
		{"ééééééé", false}, // 7 characters, 14 bytes
		{"éééééééé", true},
		{strings.Repeat("x", MaxPasswordLen), true},
		{strings.Repeat("x", MaxPasswordLen+1), false},
		{"bad\xffpassword", false},
	} {
		if _, err := CleanPassword(tc.in); (err == nil) != tc.ok {
			t.Errorf("CleanPassword(%q): err %v, want ok %v", tc.in, err, tc.ok)
		}
	}
	// One password typed composed or decomposed is one password.
	a, _ := CleanPassword("caf\u00e9 au lait")
	b, _ := CleanPassword("cafe\u0301 au lait")
	if a != b || PasswordForCheck("cafe\u0301 au lait") != a {
		t.Errorf("composed and decomposed passwords differ: %q, %q", a, b)
	}
}

func TestIsAdmin(t *testing.T) {
	var nobody *User
	if nobody.IsAdmin() || (&User{Role: RoleReader}).IsAdmin() || !(&User{Role: RoleAdmin}).IsAdmin() {
		t.Error("IsAdmin is wrong for nil, reader or admin")
	}
}
