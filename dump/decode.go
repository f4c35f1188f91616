package dump

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/readingroom/readingroom"
)

// windows1252 maps bytes 0x80-0x9F of Windows-1252 to Unicode; the other
// bytes above 0x7F are the same as Latin-1 (U+0080-U+00FF). The five bytes
// the code page leaves undefined map to the C1 controls, as the WHATWG
// encoding standard does, where golang.org/x/text/encoding/charmap gives
// U+FFFD and so loses them: kept, they let repairMojibake undo the round
// trip. A test checks the table against charmap.
var windows1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

func decode1252(b byte) rune {
	if b >= 0x80 && b <= 0x9F {
		return windows1252[b-0x80]
	}
	return rune(b)
}

// binarySignatures names common non-text files by their first bytes, so a
// rejected file gets a reason a person recognises.
var binarySignatures = []struct {
	magic string
	what  string
}{
	{"%PDF-", "a PDF document"},
	{"PK\x03\x04", "a ZIP archive (or a Word, EPUB or other zipped document)"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"\x1f\x8b", "a gzip-compressed file"},
	{"\x7fELF", "a program (ELF executable)"},
	{"SQLite format 3\x00", "an SQLite database"},
	{"{\\rtf", "an RTF document"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"},
}

// DecodeText turns the bytes of a dump into text. It accepts UTF-8 with or
// without a byte-order mark, UTF-16 with a byte-order mark, and
// Windows-1252 (bytes that are not valid UTF-8 are read as Windows-1252, so
// a file that mixes the two still comes out right). Line endings become
// "\n", and the text comes out in Unicode normal form C, so a file saved
// with composed letters ("é" as one code point) and one saved decomposed
// ("e" and a combining accent) read as the same text. Empty files, binary files and files that are not text are refused
// with a *readingroom.Error (EINVALID) whose message says why.
func DecodeText(data []byte) (string, error) {
	if len(data) == 0 {
		return "", readingroom.Errorf(readingroom.EINVALID, "the file is empty")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", readingroom.Errorf(readingroom.EINVALID, "the file holds nothing but white space")
	}
	for _, sig := range binarySignatures {
		if bytes.HasPrefix(data, []byte(sig.magic)) {
			return "", readingroom.Errorf(readingroom.EINVALID, "the file is %s, not a text dump", sig.what)
		}
	}
	var text string
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		text = decodeUTF8Or1252(data[3:])
	case bytes.HasPrefix(data, []byte("\xff\xfe")):
		text = decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte("\xfe\xff")):
		text = decodeUTF16(data[2:], true)
	default:
		if bytes.IndexByte(data, 0) >= 0 {
			if be, ok := looksUTF16(data); ok {
				text = decodeUTF16(data, be)
				break
			}
			return "", readingroom.Errorf(readingroom.EINVALID, "the file is binary (it contains NUL bytes), not a text dump")
		}
		text = decodeUTF8Or1252(data)
	}
	text = norm.NFC.String(normalizeNewlines(text))
	if err := checkText(text); err != nil {
		return "", err
	}
	return text, nil
}

func decodeUTF8Or1252(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	var sb strings.Builder
	sb.Grow(len(data) + len(data)/8)
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			r, size = decode1252(data[0]), 1
		}
		sb.WriteRune(r)
		data = data[size:]
	}
	return sb.String()
}

// looksUTF16 recognises UTF-16 without a byte-order mark: mostly-ASCII text
// in which every other byte is zero.
func looksUTF16(data []byte) (bigEndian, ok bool) {
	n := min(len(data), 4096) &^ 1
	if n < 4 {
		return false, false
	}
	var evenZero, oddZero int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			evenZero++
		}
		if data[i+1] == 0 {
			oddZero++
		}
	}
	pairs := n / 2
	switch {
	case oddZero*10 >= pairs*9 && evenZero*10 < pairs:
		return false, true
	case evenZero*10 >= pairs*9 && oddZero*10 < pairs:
		return true, true
	}
	return false, false
}

func decodeUTF16(data []byte, bigEndian bool) string {
	units := make([]uint16, len(data)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(units))
}

var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n\n", "\f", "\n", "\v", "\n", "\u0085", "\n")

func normalizeNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\u2028\u2029\f\v\u0085") {
		return s // the replacer would copy it all the same
	}
	return newlines.Replace(s)
}

// checkText refuses decoded text that is not prose: control characters
// where there should be letters, or no letters at all.
func checkText(s string) error {
	var runes, controls, letters int
	for _, r := range s {
		runes++
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			// C0 controls mean binary data; C1 controls (0x80-0x9f) are
			// what undefined Windows-1252 bytes and mojibake leave, and
			// are dropped later as white space.
			controls++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if controls > 0 && controls*100 > runes {
		return readingroom.Errorf(readingroom.EINVALID, "the file is binary (%d control characters in %d), not a text dump", controls, runes)
	}
	if letters == 0 {
		return readingroom.Errorf(readingroom.EINVALID, "the file has no readable text")
	}
	return nil
}

// repairMojibake undoes the commonest encoding accident: UTF-8 text that
// was read as Windows-1252 and saved again as UTF-8 ("cafÃ©", "itâ€™s").
// It changes the text only when every character fits the round trip and
// the result is valid UTF-8 with fewer such sequences.
func repairMojibake(s string) string {
	// Every match starts with one of these: a quick test that spares
	// clean text the regular expression.
	if !strings.ContainsAny(s, "âÃÂ") || !reMojibake.MatchString(s) {
		return s
	}
	var b []byte
	for _, r := range s {
		c, ok := encode1252(r)
		if !ok {
			return s
		}
		b = append(b, c)
	}
	if !utf8.Valid(b) {
		return s
	}
	fixed := string(b)
	if len(reMojibake.FindAllStringIndex(fixed, -1)) >= len(reMojibake.FindAllStringIndex(s, -1)) {
		return s
	}
	// The bytes undone may spell a decomposed letter.
	return norm.NFC.String(fixed)
}

// reMojibake matches what UTF-8 punctuation and accents look like when
// read as Windows-1252: "â€™", "â€œ", "Ã©", "Â£".
var reMojibake = regexp.MustCompile(`â€[™œ\x{9d}˜“”¦¢¡]|Ã[\x{80}-\x{bf}©¨¼½¶¤§ª«®¯±²³´µ·¸¹º»¾¿ ¡¢£¥¦]|Â[£ ©®°±·«»]`)

func encode1252(r rune) (byte, bool) {
	if r < 0x80 || r >= 0xA0 && r <= 0xFF {
		return byte(r), true
	}
	for i, c := range windows1252 {
		if c == r {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}
