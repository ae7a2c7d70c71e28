// Package jsonscan reads JSON text in place, a value at a time, without
// building a tree: for code that reads many payloads and keeps little of
// each (the few fields of a record line, inference's counters, drift's
// walk of declared fields). It checks the text as strictly as RFC 8259 asks
// (and as payload.Decode does: strings must be UTF-8), so text it takes is
// text encoding/json takes, and it nests as deep as encoding/json allows.
//
// A Scanner records its first error and from then on reads nothing; the
// caller asks Err (or End) once it is done.
package jsonscan

import (
	"errors"
	"fmt"
)

// Kind is a JSON value's type.
type Kind byte

// The kinds of value; Invalid is what Peek says at an error or at the end.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Object
	Array
)

// maxDepth is how deep values nest: encoding/json's limit.
const maxDepth = 10000

// Scanner reads one JSON text.
type Scanner struct {
	data  []byte
	pos   int
	depth int
	err   error
	kbuf  []byte // unescaped keys
	sbuf  []byte // unescaped strings
}

// Reset makes s read data, keeping its buffers.
func (s *Scanner) Reset(data []byte) {
	*s = Scanner{data: data, kbuf: s.kbuf[:0], sbuf: s.sbuf[:0]}
}

// Err is the first error, nil when there was none.
func (s *Scanner) Err() error { return s.err }

// SyntaxError is text that is not JSON, at byte Offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset) }

func (s *Scanner) fail(msg string) {
	if s.err == nil {
		s.err = &SyntaxError{Offset: s.pos, Msg: msg}
	}
	s.pos = len(s.data)
}

func (s *Scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// Peek is the kind of the next value.
func (s *Scanner) Peek() Kind {
	if s.err != nil {
		return Invalid
	}
	s.space()
	if s.pos >= len(s.data) {
		s.fail("unexpected end of JSON input")
		return Invalid
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return Object
	case c == '[':
		return Array
	case c == '"':
		return String
	case c == 't' || c == 'f':
		return Bool
	case c == 'n':
		return Null
	case c == '-' || (c >= '0' && c <= '9'):
		return Number
	}
	s.fail(fmt.Sprintf("invalid character %q looking for beginning of value", s.data[s.pos]))
	return Invalid
}

// End checks that nothing but space follows the value read, and returns
// the first error.
func (s *Scanner) End() error {
	if s.err == nil {
		s.space()
		if s.pos < len(s.data) {
			s.fail("invalid character after top-level value")
		}
	}
	return s.err
}

func (s *Scanner) literal(word string) bool {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		s.fail("invalid literal")
		return false
	}
	s.pos += len(word)
	return true
}

// Null reads a null.
func (s *Scanner) Null() {
	if s.Peek() == Null {
		s.literal("null")
	}
}

// Bool reads true or false.
func (s *Scanner) Bool() bool {
	if s.Peek() != Bool {
		s.fail("expected a boolean")
		return false
	}
	if s.data[s.pos] == 't' {
		return s.literal("true")
	}
	s.literal("false")
	return false
}

// Num reads a number and returns its text.
func (s *Scanner) Num() []byte {
	if s.Peek() != Number {
		s.fail("expected a number")
		return nil
	}
	start := s.pos
	d := s.data
	if d[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(d) && d[s.pos] == '0':
		s.pos++
	case s.pos < len(d) && d[s.pos] >= '1' && d[s.pos] <= '9':
		s.digits()
	default:
		s.fail("invalid number")
		return nil
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			s.fail("invalid number: no digits after the decimal point")
			return nil
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			s.fail("invalid number: no digits in the exponent")
			return nil
		}
	}
	return d[start:s.pos]
}

func (s *Scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

var errDepth = errors.New("exceeded max depth")

func (s *Scanner) enter() bool {
	s.depth++
	if s.depth > maxDepth {
		if s.err == nil {
			s.err = &SyntaxError{Offset: s.pos, Msg: errDepth.Error()}
		}
		s.pos = len(s.data)
		return false
	}
	return true
}

// Object reads an object, calling member for each key; member must read
// (or Skip) the key's value. The key is valid until the value is read.
func (s *Scanner) Object(member func(key []byte)) {
	if s.Peek() != Object {
		s.fail("expected an object")
		return
	}
	if !s.enter() {
		return
	}
	defer func() { s.depth-- }()
	s.pos++
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return
	}
	for s.err == nil {
		s.space()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			s.fail("expected a string key in object")
			return
		}
		key, ok := s.str(&s.kbuf)
		if !ok {
			return
		}
		s.space()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			s.fail("expected ':' after object key")
			return
		}
		s.pos++
		member(key)
		s.space()
		if s.pos >= len(s.data) {
			s.fail("unexpected end of JSON input in object")
			return
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return
		default:
			s.fail("expected ',' or '}' after object value")
			return
		}
	}
}

// Array reads an array, calling elem for each element; elem must read (or
// Skip) it.
func (s *Scanner) Array(elem func()) {
	if s.Peek() != Array {
		s.fail("expected an array")
		return
	}
	if !s.enter() {
		return
	}
	defer func() { s.depth-- }()
	s.pos++
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return
	}
	for s.err == nil {
		elem()
		s.space()
		if s.pos >= len(s.data) {
			s.fail("unexpected end of JSON input in array")
			return
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return
		default:
			s.fail("expected ',' or ']' after array element")
			return
		}
	}
}

// Skip reads a value of any kind, checking it.
func (s *Scanner) Skip() {
	switch s.Peek() {
	case Null:
		s.Null()
	case Bool:
		s.Bool()
	case Number:
		s.Num()
	case String:
		s.str(&s.sbuf)
	case Object:
		s.Object(func([]byte) { s.Skip() })
	case Array:
		s.Array(s.Skip)
	}
}

// Raw reads a value of any kind and returns its text.
func (s *Scanner) Raw() []byte {
	s.space()
	start := s.pos
	s.Skip()
	if s.err != nil {
		return nil
	}
	return s.data[start:s.pos]
}
