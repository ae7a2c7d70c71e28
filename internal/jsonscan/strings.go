package jsonscan

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Str reads a string and returns it unescaped. The bytes are the input's
// own when the string has no escapes, else valid until the next Str.
func (s *Scanner) Str() []byte {
	if s.Peek() != String {
		s.fail("expected a string")
		return nil
	}
	b, _ := s.str(&s.sbuf)
	return b
}

// str reads a string into *buf when it has escapes.
func (s *Scanner) str(buf *[]byte) ([]byte, bool) {
	s.pos++ // the opening quote
	start := s.pos
	d := s.data
	for s.pos < len(d) {
		c := d[s.pos]
		switch {
		case c == '"':
			s.pos++
			return d[start : s.pos-1], true
		case c == '\\':
			return s.escaped(start, buf)
		case c < 0x20:
			s.fail("invalid control character in string")
			return nil, false
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, n := utf8.DecodeRune(d[s.pos:])
			if r == utf8.RuneError && n == 1 {
				s.fail("invalid UTF-8 in string")
				return nil, false
			}
			s.pos += n
		}
	}
	s.fail("unexpected end of JSON input in string")
	return nil, false
}

// escaped finishes a string that has an escape, unescaping into *buf as
// encoding/json does (a lone surrogate becomes U+FFFD).
func (s *Scanner) escaped(start int, buf *[]byte) ([]byte, bool) {
	d := s.data
	out := append((*buf)[:0], d[start:s.pos]...)
	defer func() { *buf = out[:0] }()
	for s.pos < len(d) {
		c := d[s.pos]
		switch {
		case c == '"':
			s.pos++
			return out, true
		case c == '\\':
			if s.pos+1 >= len(d) {
				s.fail("unexpected end of JSON input in string")
				return nil, false
			}
			e := d[s.pos+1]
			s.pos += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := s.hex4()
				if !ok {
					return nil, false
				}
				if utf16.IsSurrogate(r) {
					r = s.lowSurrogate(r)
				}
				out = utf8.AppendRune(out, r)
			default:
				s.pos--
				s.fail("invalid escape in string")
				return nil, false
			}
		case c < 0x20:
			s.fail("invalid control character in string")
			return nil, false
		case c < utf8.RuneSelf:
			out = append(out, c)
			s.pos++
		default:
			r, n := utf8.DecodeRune(d[s.pos:])
			if r == utf8.RuneError && n == 1 {
				s.fail("invalid UTF-8 in string")
				return nil, false
			}
			out = append(out, d[s.pos:s.pos+n]...)
			s.pos += n
		}
	}
	s.fail("unexpected end of JSON input in string")
	return nil, false
}

// lowSurrogate pairs a high surrogate with a following \uDC00-\uDFFF
// escape, or gives U+FFFD as encoding/json does.
func (s *Scanner) lowSurrogate(hi rune) rune {
	d := s.data
	if s.pos+6 <= len(d) && d[s.pos] == '\\' && d[s.pos+1] == 'u' {
		save := s.pos
		s.pos += 2
		lo, ok := s.hex4()
		if ok {
			if r := utf16.DecodeRune(hi, lo); r != utf8.RuneError {
				return r
			}
		}
		if s.err != nil {
			return utf8.RuneError
		}
		s.pos = save // not a pair: the second escape stands alone
	}
	return utf8.RuneError
}

func (s *Scanner) hex4() (rune, bool) {
	if s.pos+4 > len(s.data) {
		s.fail("unexpected end of JSON input in \\u escape")
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos : s.pos+4] {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			s.fail("invalid \\u escape in string")
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	s.pos += 4
	return r, true
}
