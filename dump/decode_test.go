package dump

import (
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// The hand-written Windows-1252 table must agree with x/text's.
func TestWindows1252Table(t *testing.T) {
	dec := charmap.Windows1252.NewDecoder()
	for b := 0x80; b <= 0xff; b++ {
		want, err := dec.String(string([]byte{byte(b)}))
		if err != nil {
			t.Fatal(err)
		}
		if want == "\ufffd" {
			// The five bytes the code page leaves undefined: x/text gives
			// U+FFFD, we keep them as C1 controls (as WHATWG does) so that
			// mojibake can be undone.
			want = string(rune(b))
		}
		if got := string(decode1252(byte(b))); got != want {
			t.Errorf("byte %#x: got %q, want %q", b, got, want)
		}
		r := []rune(want)[0]
		if c, ok := encode1252(r); !ok || c != byte(b) {
			t.Errorf("encode1252(%q) = %#x, %v; want %#x", r, c, ok, b)
		}
	}
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestDecodeText(t *testing.T) {
	const want = "Café “quoted” costs €5\nnext line\n"
	tests := []struct {
		name string
		in   []byte
	}{
		{"utf-8", []byte(want)},
		{"utf-8 with BOM", append([]byte("\xef\xbb\xbf"), want...)},
		{"CRLF", []byte(strings.ReplaceAll(want, "\n", "\r\n"))},
		{"CR only", []byte(strings.ReplaceAll(want, "\n", "\r"))},
		{"windows-1252", []byte("Caf\xe9 \x93quoted\x94 costs \x805\r\nnext line\r\n")},
		{"utf-8 with stray windows-1252", []byte("Café \x93quoted\x94 costs €5\nnext line\n")},
		{"utf-16le with BOM", utf16Bytes(want, false, true)},
		{"utf-16be with BOM", utf16Bytes(want, true, true)},
		{"utf-16le without BOM", utf16Bytes(want, false, false)},
		{"utf-16be without BOM", utf16Bytes(want, true, false)},
		{"decomposed (NFD)", []byte(norm.NFD.String(want))},
		{"decomposed utf-8 with stray windows-1252", []byte("Cafe\xcc\x81 \x93quoted\x94 costs \x805\r\nnext line\r\n")},
	}
	for _, tt := range tests {
		got, err := DecodeText(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", tt.name, got, want)
		}
	}
}
