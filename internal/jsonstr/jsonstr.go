// Package jsonstr writes JSON strings fast and exactly as encoding/json
// does with HTML escaping off, for the hot paths that build JSON by hand
// (listen's record lines, rendered fixtures).
package jsonstr

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Word-at-a-time constants: a byte needs escaping when it is below 0x20, is
// '"' or '\\', or starts a multi-byte sequence (0x80 and up), which must be
// checked for invalid UTF-8 and U+2028/U+2029.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specialBytes returns a mask with the high bit set in the first byte of
// the 8 in x (little-endian: the lowest) that needs escaping or is not
// ASCII; bytes after it may be flagged falsely, bytes before it never are.
// Zero means all 8 bytes are copied as they are.
func specialBytes(x uint64) uint64 {
	ctl := (x - ones*0x20) &^ x // a byte < 0x20
	quo := x ^ (ones * '"')
	quo = (quo - ones) &^ quo // a '"'
	bsl := x ^ (ones * '\\')
	bsl = (bsl - ones) &^ bsl // a '\\'
	return (ctl | quo | bsl | x) & highs
}

// Append writes s as a JSON string the way encoding/json does with
// HTML escaping off: '"', '\\' and control characters escaped (\b \f \n \r
// \t short, the rest \u00XX), invalid UTF-8 replaced by \ufffd, and U+2028
// and U+2029 escaped. Runs of plain ASCII are skipped 8 bytes at a time.
func Append[S []byte | string](dst []byte, s S) []byte {
	dst = append(dst, '"')
	start, i := 0, 0
	for i < len(s) {
		if i+8 <= len(s) {
			// For a string the conversion does not allocate: it only
			// feeds the load.
			m := specialBytes(binary.LittleEndian.Uint64([]byte(s[i : i+8])))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := decodeRune(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func decodeRune[S []byte | string](s S) (rune, int) {
	n := min(len(s), utf8.UTFMax)
	var buf [utf8.UTFMax]byte
	copy(buf[:], s[:n])
	return utf8.DecodeRune(buf[:n])
}
