package route

import (
	"errors"
	"strings"
)

// Glob is a compiled name or path pattern:
//
//   - any run of characters but /
//     **   any run of characters, / included
//     ?    one character but /
//     \c   the character c itself
//
// Anything else matches itself, case included. Event and schema names have
// no /, so for them * and ** are the same; a path pattern such as /hooks/*
// matches /hooks/a but not /hooks/a/b, which /hooks/** matches.
type Glob struct {
	text  string // as written
	lit   string // the literal, when the pattern has no wildcard
	exact bool
	toks  []tok
}

type tokKind uint8

const (
	tokChar  tokKind = iota
	tokAny           // ?
	tokStar          // *
	tokStars         // **
)

type tok struct {
	kind tokKind
	c    byte
}

// maxGlob bounds a pattern's length: a pattern is typed on a command line
// or in a rules file, and matching costs its length times the subject's.
const maxGlob = 1024

// CompileGlob compiles pattern. An empty pattern, one ending in a lone \,
// or one longer than 1024 bytes is refused.
func CompileGlob(pattern string) (Glob, error) {
	switch {
	case pattern == "":
		return Glob{}, errors.New("an empty pattern")
	case len(pattern) > maxGlob:
		return Glob{}, errors.New("a pattern longer than 1024 bytes")
	}
	g := Glob{text: pattern}
	var lit strings.Builder
	wild := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch c {
		case '\\':
			if i+1 == len(pattern) {
				return Glob{}, errors.New("a pattern ending in a lone \\")
			}
			i++
			g.toks = append(g.toks, tok{kind: tokChar, c: pattern[i]})
			lit.WriteByte(pattern[i])
		case '?':
			wild = true
			g.toks = append(g.toks, tok{kind: tokAny})
		case '*':
			wild = true
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				for i+1 < len(pattern) && pattern[i+1] == '*' {
					i++
				}
				g.toks = append(g.toks, tok{kind: tokStars})
			} else {
				g.toks = append(g.toks, tok{kind: tokStar})
			}
		default:
			g.toks = append(g.toks, tok{kind: tokChar, c: c})
			lit.WriteByte(c)
		}
	}
	if !wild {
		g.exact, g.lit, g.toks = true, lit.String(), nil
	}
	return g, nil
}

// MustGlob is CompileGlob for patterns known to be good (tests, constants).
func MustGlob(pattern string) Glob {
	g, err := CompileGlob(pattern)
	if err != nil {
		panic("route: " + err.Error())
	}
	return g
}

// String is the pattern as written.
func (g Glob) String() string { return g.text }

// Match reports whether s matches the whole pattern. It runs in time
// proportional to the pattern's length times s's, whatever both hold.
func (g Glob) Match(s string) bool {
	if g.exact {
		return s == g.lit
	}
	// ok[j]: the tokens so far match s[:j]. One row per token.
	ok := make([]bool, len(s)+1)
	next := make([]bool, len(s)+1)
	ok[0] = true
	for _, t := range g.toks {
		clear(next)
		switch t.kind {
		case tokStar, tokStars:
			reach := false
			for j := 0; j <= len(s); j++ {
				if ok[j] {
					reach = true
				}
				next[j] = reach
				if j < len(s) && t.kind == tokStar && s[j] == '/' {
					reach = false
				}
			}
		default:
			for j := 0; j < len(s); j++ {
				if ok[j] && (t.kind == tokChar && s[j] == t.c || t.kind == tokAny && s[j] != '/') {
					next[j+1] = true
				}
			}
		}
		ok, next = next, ok
	}
	return ok[len(s)]
}

// AnyGlob reports whether s matches one of gs.
func AnyGlob(gs []Glob, s string) bool {
	for _, g := range gs {
		if g.Match(s) {
			return true
		}
	}
	return false
}
