package render

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Duration rounds a duration for people: 412ms, 3.21ms, 1.25s.
func Duration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// lineRunes caps one excerpt line, so a minified body cannot flood a terminal.
const lineRunes = 200

// Excerpt is the start of a body that someone else sent (a response, a
// callback), safe to print on a terminal: at most maxLines lines of at most
// 200 characters from the first maxBytes bytes; control characters (a
// hostile server's escape sequences, C1 included) and bidirectional controls
// become spaces; invalid UTF-8 is
// replaced; CRLF becomes LF; a cut is marked with "…". A body that is mostly
// not text is summarised as "(N bytes of binary data)".
func Excerpt(body []byte, maxLines, maxBytes int) string {
	if len(body) == 0 {
		return ""
	}
	head := body
	cut := false
	if len(head) > maxBytes {
		head, cut = head[:maxBytes], true
		for len(head) > 0 && !utf8.Valid(head[max(0, len(head)-utf8.UTFMax):]) {
			head = head[:len(head)-1] // do not split the last character
		}
	}
	if binary(head) {
		return "(" + strconv.Itoa(len(body)) + " bytes of binary data)"
	}
	text := strings.ReplaceAll(strings.ToValidUTF8(string(head), "\uFFFD"), "\r\n", "\n")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > maxLines {
		lines, cut = lines[:maxLines], true
	}
	for i, l := range lines {
		l = strings.TrimRight(strings.Map(func(r rune) rune {
			if (unicode.IsControl(r) && r != '\t') || bidiControl(r) {
				return ' '
			}
			return r
		}, l), " \t")
		if utf8.RuneCountInString(l) > lineRunes {
			l = string([]rune(l)[:lineRunes]) + "…"
		}
		lines[i] = l
	}
	out := strings.Join(lines, "\n")
	if out == "" {
		return ""
	}
	if cut {
		out += "\n…"
	}
	return out
}

// binary reports whether most of b is not text: NUL bytes, or more than a
// tenth control characters and invalid UTF-8.
func binary(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	bad := 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == 0:
			return true
		case r == utf8.RuneError && n == 1:
			bad++
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != 0x1b:
			bad++
		}
		i += n
	}
	return bad*10 > len(b)
}
