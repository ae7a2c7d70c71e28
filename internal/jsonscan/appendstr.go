package jsonscan

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/jsonstr"
)

// AppendStr reads a string and appends it to dst unescaped, as Str reads
// it, returning the extended buffer (dst as it was at an error): for a
// caller that keeps the bytes in a buffer of its own, such as a record
// line's body. It reads 8 bytes at a time, and writes a two-byte escape
// (\n, \") without leaving that loop, so that a pretty-printed document
// held in a string, an escape every few bytes, costs one quick pass.
func (s *Scanner) AppendStr(dst []byte) []byte {
	if s.Peek() != String {
		s.fail("expected a string")
		return dst
	}
	d := s.data
	i := s.pos + 1
	// Unescaped, a string is never longer than its text: with room for
	// all of the text left, every write below is in place.
	j := len(dst)
	out := slices.Grow(dst, len(d)-i)
	out = out[:cap(out)]
	for {
		i, j = unescapeWords(out, d, i, j)
		if i >= len(d) {
			s.pos = i
			s.fail("unexpected end of JSON input in string")
			return dst
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return out[:j]
		case c == '\\':
			var ok bool
			if i, j, ok = s.escape(out, i, j); !ok {
				return dst
			}
		case c < 0x20:
			s.pos = i
			s.fail("invalid control character in string")
			return dst
		case c < utf8.RuneSelf:
			out[j] = c
			i, j = i+1, j+1
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n == 1 {
				s.pos = i
				s.fail("invalid UTF-8 in string")
				return dst
			}
			copy(out[j:], d[i:i+n])
			i, j = i+n, j+n
		}
	}
}

// escape writes the escape at d[i] to out[j:], which has room for it, and
// returns the indexes past it; ok is false at an error.
func (s *Scanner) escape(out []byte, i, j int) (int, int, bool) {
	d := s.data
	if i+1 >= len(d) {
		s.pos = i
		s.fail("unexpected end of JSON input in string")
		return i, j, false
	}
	if e := unescapeShort[d[i+1]]; e != 0 {
		out[j] = e
		return i + 2, j + 1, true
	}
	if d[i+1] != 'u' {
		s.pos = i + 1
		s.fail("invalid escape in string")
		return i, j, false
	}
	s.pos = i + 2
	r, ok := s.hex4()
	if !ok {
		return i, j, false
	}
	if utf16.IsSurrogate(r) {
		r = s.lowSurrogate(r)
		if s.err != nil {
			return i, j, false
		}
	}
	return s.pos, j + utf8.EncodeRune(out[j:], r), true
}

// unescapeWords unescapes d from i to out at j a word (8 bytes) at a time
// while a word and the 10 bytes after it are in d, and returns where it
// stopped in both: at the end of those words, or at a byte that is not a
// two-byte escape and needs a look ('"', \u, a control character, a byte
// that is not ASCII).
//
// Each word is stored whole. For each escape in it, in order, the byte it
// stands for is stored where the escape goes and the 8 bytes after the
// escape are stored again after that: a word costs one load and one
// store, an escape one more of each. No write goes past the text left in
// d from where out's writes began, since unescaping only shortens.
func unescapeWords(out, d []byte, i, j int) (int, int) {
	for i+18 <= len(d) {
		// Fixed-size views spare the loop its bounds checks: a word's
		// escapes read at most w's 18 bytes, and write at most o's 16
		// (out has room for all of d from i).
		w := (*[18]byte)(d[i : i+18])
		o := (*[16]byte)(out[j : j+16])
		x := binary.LittleEndian.Uint64(w[:8])
		binary.LittleEndian.PutUint64(o[:8], x)
		m := jsonstr.SpecialBytes(x)
		if m == 0 {
			i, j = i+8, j+8
			continue
		}
		esc, next := 0, 8 // escapes written; where the next word starts
		for ; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m) >> 3 & 7
			t := (k - esc) & 7 // where w[k] goes in o
			var e byte
			if w[k] == '\\' {
				e = unescapeShort[w[k+1]]
			}
			if e == 0 {
				return i + k, j + t
			}
			o[t] = e
			binary.LittleEndian.PutUint64(o[t+1:t+9], binary.LittleEndian.Uint64(w[k+2:k+10]))
			esc++
			m &^= uint64(0x80) << (8 * (k + 1)) // the escape's letter
			next = max(next, k+2)
		}
		i, j = i+next, j+next-esc
	}
	return i, j
}

// unescapeShort is, for the letter after a backslash, the byte its
// two-byte escape stands for; 0 for 'u' and for what is no escape.
var unescapeShort = [256]byte{
	'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t',
}
