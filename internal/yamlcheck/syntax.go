package yamlcheck

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"sync"

	"go.yaml.in/yaml/v3"
)

// SyntaxError is YAML that does not parse. Line is the line a person has
// to look at: the line after the longest prefix of the text, in whole
// lines, that still parses. Err is the YAML library's error, whose own
// line is unreliable for this: a parser error carries the 0-based line
// where the enclosing construct began (an unclosed `[` on line 2 is
// reported at "line 1"), a scanner error the 1-based line of the problem,
// and an error on the first line no line at all.
type SyntaxError struct {
	Line int
	Err  error
}

func (e *SyntaxError) Error() string { return e.Err.Error() }
func (e *SyntaxError) Unwrap() error { return e.Err }

// Parse parses the first YAML document of data into its node tree, as
// yaml.Unmarshal into a yaml.Node does (aliases stay aliases: nothing is
// expanded), with the same errors. A syntax error is a *SyntaxError.
//
// Finding the line by trying every prefix from the end costs a parse per
// line, minutes on a large file. Parse finds it in a few parses whatever
// the size: the parser is handed the text again a line at a time, so how
// far it had read when it failed bounds the answer (any prefix holding all
// it read fails as the text did); a collection or string left open at the
// end bounds it by where it was opened; and the candidates below the bound
// (the line the parser stopped on and the one before, the line in its
// message) are tried from the last, each with one parse of the lines
// before it.
func Parse(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	err := yaml.Unmarshal(data, &doc)
	if err == nil {
		return &doc, nil
	}
	s := newSearch(data)
	stop, eof := len(s.ends)-1, false
	if _, at, end, perr := s.parse(len(s.ends) - 1); perr != nil {
		// Read in lines, the parser decodes UTF-8 later, so an invalid
		// byte past the first document may go unseen: then the bound is
		// the whole text.
		stop, eof = at, end
	}
	return nil, &SyntaxError{Line: s.line(err, stop, eof), Err: err}
}

// search is one Parse: the text and where its lines end.
type search struct {
	data   []byte
	ends   []int // ends[k] is the offset after line k; ends[0] is 0
	parses int   // the parses made, which the tests bound
}

func newSearch(data []byte) *search {
	ends := []int{0}
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data)) // a last line without a newline
	}
	return &search{data: data, ends: ends}
}

// parse parses the first n lines, handing them to the parser a line at a
// time. On failure, stop is the last line the parser had read and eof
// whether it had asked for more than the n lines.
func (s *search) parse(n int) (doc *yaml.Node, stop int, eof bool, err error) {
	s.parses++
	r := &lineReader{data: s.data[:s.ends[n]]}
	doc = &yaml.Node{}
	switch err = yaml.NewDecoder(r).Decode(doc); {
	case errors.Is(err, io.EOF): // no document at all, as yaml.Unmarshal takes it
		return &yaml.Node{}, 0, false, nil
	case err != nil:
		// The line holding the last byte read: the first k with ends[k] >= off.
		return nil, max(1, sort.SearchInts(s.ends, r.off)), r.eof, err
	}
	return doc, 0, false, nil
}

// line is the line after the longest prefix of the text that parses, given
// the error err of the whole text, the line stop the parser stopped on and
// whether it had reached the end.
func (s *search) line(err error, stop int, eof bool) int {
	hi := stop // every prefix of stop lines or more fails as the text did
	if eof {
		// The text ended inside something: a flow collection or a quoted
		// string left open. With a value added, the parser reports it at
		// the line where it was opened (0- or 1-based), and every prefix
		// that ends after that line ends inside it too.
		var doc yaml.Node
		s.parses++
		more := slices.Concat(bytes.TrimRight(s.data, "\n"), []byte(" x"))
		if err := yaml.Unmarshal(more, &doc); err != nil {
			if at := msgLine(err); at > 0 {
				hi = min(hi, at+1)
			}
		}
	}
	at := msgLine(err)
	cands := []int{hi, hi - 1, at + 1, at}
	slices.Sort(cands)
	for i := len(cands) - 1; i >= 0; i-- {
		c := cands[i]
		if c <= 1 {
			break
		}
		if c > hi || i+1 < len(cands) && cands[i+1] == c {
			continue
		}
		if s.prefixParses(c - 1) {
			return c
		}
	}
	return 1
}

// prefixParses reports whether the first n lines parse.
func (s *search) prefixParses(n int) bool {
	s.parses++
	var doc yaml.Node
	return yaml.Unmarshal(s.data[:s.ends[n]], &doc) == nil
}

// errLine is the line the YAML library puts in its messages.
var errLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bline (\d+): `) })

// msgLine is the line number in a YAML error message, 0 when it has none.
func msgLine(err error) int {
	if m := errLine().FindStringSubmatch(err.Error()); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 0
}

// lineReader reads data at most one line at a time, so how far the parser
// has read says which line it was on.
type lineReader struct {
	data []byte
	off  int
	eof  bool // the parser asked for more than data
}

func (r *lineReader) Read(p []byte) (int, error) {
	rest := r.data[r.off:]
	if len(rest) == 0 {
		r.eof = true
		return 0, io.EOF
	}
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i+1]
	}
	n := copy(p, rest)
	r.off += n
	return n, nil
}
