package render

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape makes text that came from the network safe to print on a
// terminal as one line: every control character (C0, DEL and C1, tab and
// newline included), bidirectional override or isolate, and invalid UTF-8
// byte is written as a Go escape (\x1b, \n, \u202e, \xff), so a client cannot
// set the window title, clear the screen, plant an OSC 8 link or reorder
// what is shown. Text with none of those is returned as it is, without
// allocating.
func Escape(s string) string { return escape(s, false) }

// EscapeKeepTabs is Escape for a line of a multi-line text shown indented:
// tabs are kept.
func EscapeKeepTabs(s string) string { return escape(s, true) }

func escape(s string, keepTabs bool) string {
	i := unsafeAt(s, keepTabs)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(s[i])&0xf, 16))
		case unsafeRune(r, keepTabs):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\n', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeAt is the index of the first byte Escape changes, or -1.
func unsafeAt(s string, keepTabs bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || unsafeRune(r, keepTabs) {
			return i
		}
		i += n
	}
	return -1
}

func unsafeRune(r rune, keepTabs bool) bool {
	switch {
	case r == '\t':
		return !keepTabs
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	}
	return bidiControl(r)
}

// bidiControl reports whether r reorders text around it: the embeddings
// and overrides (U+202A to U+202E), the isolates (U+2066 to U+2069) and the
// marks (U+200E, U+200F, U+061C). A file name or id holding U+202E shows
// "exe.txt" as "txt.exe".
func bidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
