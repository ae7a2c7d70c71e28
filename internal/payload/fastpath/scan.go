package fastpath

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// The reader's scanners: whitespace, strings, numbers and literals, each
// from an offset in the text to the offset past it.

// literal returns the kind and length of the true, false or null that b
// starts with, or a length of 0.
func literal(b []byte) (kind uint8, n int) {
	switch {
	case len(b) >= 4 && string(b[:4]) == "true":
		return kTrue, 4
	case len(b) >= 5 && string(b[:5]) == "false":
		return kFalse, 5
	case len(b) >= 4 && string(b[:4]) == "null":
		return kNull, 4
	}
	return 0, 0
}

// plainEnd returns the offset of the first quote, backslash or control
// byte from i, reading 8 bytes a step, or of the last few bytes of raw if
// none comes before them. It inlines.
func plainEnd(raw []byte, i int) int {
	for i+8 <= len(raw) {
		if m := stringStops(binary.LittleEndian.Uint64(raw[i : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	return i
}

// scanString returns the offset just past the string starting at the quote
// at pos. Like encoding/json it rejects control characters and unknown
// escapes, and it rejects invalid UTF-8, which encoding/json would take
// as U+FFFD. Runs of plain ASCII are skipped 8 bytes at a time.
func scanString(raw []byte, pos int) (end int, flags uint8, ok bool) {
	i := pos + 1
	for i < len(raw) {
		if i+8 <= len(raw) {
			m := stringStops(binary.LittleEndian.Uint64(raw[i:]))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		c := raw[i]
		switch {
		case c == '"':
			return i + 1, flags, true
		case c < 0x20:
			return 0, 0, false
		case c == '\\':
			flags |= fEscaped
			if i = escapeEnd(raw, i); i < 0 {
				return 0, 0, false
			}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, 0, false
			}
			i += size
		default:
			i++
		}
	}
	return 0, 0, false
}

// escapeEnd returns the offset just past the escape at raw[i], a
// backslash, or -1 when it is not one encoding/json accepts.
func escapeEnd(raw []byte, i int) int {
	i++
	if i >= len(raw) {
		return -1
	}
	switch raw[i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 1
	case 'u':
		if i+4 >= len(raw) {
			return -1
		}
		for _, h := range raw[i+1 : i+5] {
			if !isHex(h) {
				return -1
			}
		}
		return i + 5
	}
	return -1
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// stringStops returns a mask with the high bit set in the first byte of
// the 8 in x (little-endian: the lowest) that ends a run of plain ASCII
// string bytes: a quote, a backslash, a control character or a byte from
// 0x80 up, which starts a UTF-8 sequence to check. Bytes after it may be
// flagged falsely, bytes before it never are; zero means none of the 8
// stops the run.
//
// x^0x02 maps a quote (0x22) to 0x20 and keeps every control character
// below 0x20, while no other byte goes below 0x21: one subtraction of
// 0x21 finds both. x^0x5c maps a backslash, and only it, to 0. Each
// subtraction borrows out of a byte only at a byte it is looking for, so
// below the first such byte each works bytewise; it also sets the high
// bit of bytes from 0x80 up, which stop the run anyway.
func stringStops(x uint64) uint64 {
	return (((x ^ ones*0x02) - ones*0x21) | ((x ^ ones*'\\') - ones) | x) & highs
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber checks the JSON number grammar from pos and reports whether
// the literal has neither fraction nor exponent.
func scanNumber(raw []byte, pos int) (end int, integer, ok bool) {
	i := pos
	if raw[i] == '-' {
		i++
	}
	switch {
	case i < len(raw) && raw[i] == '0':
		i++
	case i < len(raw) && raw[i] >= '1' && raw[i] <= '9':
		for i < len(raw) && isDigit(raw[i]) {
			i++
		}
	default:
		return 0, false, false
	}
	integer = true
	if i < len(raw) && raw[i] == '.' {
		integer = false
		i++
		if i >= len(raw) || !isDigit(raw[i]) {
			return 0, false, false
		}
		for i < len(raw) && isDigit(raw[i]) {
			i++
		}
	}
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		integer = false
		i++
		if i < len(raw) && (raw[i] == '+' || raw[i] == '-') {
			i++
		}
		if i >= len(raw) || !isDigit(raw[i]) {
			return 0, false, false
		}
		for i < len(raw) && isDigit(raw[i]) {
			i++
		}
	}
	return i, integer, true
}

// skipNewline returns the offset past the newline at pos, if there is one:
// pretty-printed JSON breaks the line after a comma or an opening bracket,
// and skipWS takes a newline on its slowest path.
func skipNewline(raw []byte, pos int) int {
	if pos < len(raw) && raw[pos] == '\n' {
		return pos + 1
	}
	return pos
}

// skipWS returns the offset of the first byte at or after pos that is not
// JSON whitespace. Pretty-printed payloads indent every line with a run of
// spaces, so a run is skipped up to 8 bytes at a time.
func skipWS(raw []byte, pos int) int {
	for uint(pos) < uint(len(raw)) {
		c := raw[pos]
		if c > ' ' {
			return pos
		}
		if c == ' ' && pos+8 <= len(raw) {
			// Past the spaces among the next 8 bytes; raw[pos] is one,
			// and an all-space word has 64 trailing zeros.
			x := binary.LittleEndian.Uint64(raw[pos:pos+8]) ^ (ones * ' ')
			pos += bits.TrailingZeros64(x) >> 3
			continue
		}
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return pos
		}
		pos++
	}
	return pos
}
