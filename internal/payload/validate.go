package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// Error is one reason a payload is invalid. Line and Column (1-based, columns
// in characters) locate InstanceLocation in the file; for a file that is not
// JSON they locate the syntax error and the locations are empty.
type Error struct {
	InstanceLocation string `json:"instanceLocation"`
	KeywordLocation  string `json:"keywordLocation"`
	Keyword          string `json:"-"`
	Message          string `json:"message"`
	Line             int    `json:"line"`
	Column           int    `json:"column"`
}

// Result is the verdict on one payload. Errors holds at most the
// registry's MaxErrors, the first by position in the file; Omitted counts
// the failures beyond them.
type Result struct {
	Schema  string  `json:"schema"`
	Valid   bool    `json:"valid"`
	Errors  []Error `json:"errors"`
	Omitted int     `json:"errors_omitted,omitempty"`
	// Fields are the payload's id, invite and event name (see Fields),
	// set whenever the body is JSON, even when it is invalid or matches no
	// schema (then only ID).
	Fields Fields `json:"-"`
}

// SyntaxError reports whether the result is for a body that is not JSON.
func (r Result) SyntaxError() bool {
	return !r.Valid && len(r.Errors) == 1 && r.Errors[0].Keyword == "" && r.Errors[0].KeywordLocation == "" && r.Schema == ""
}

// Check decodes raw and validates it against the named schema, or against the
// detected one when schema is "". A body that is not JSON gives an invalid
// Result (not an error); the error is for problems that are not the
// payload's fault or need the user to choose: a detection error (see
// IsDetection), a schema that does not compile, an unknown name.
func (r *Registry) Check(raw []byte, schema string) (Result, error) {
	return r.CheckDelivery(raw, schema, nil)
}

// CheckDelivery is Check for a delivery whose headers h may name its event
// (a profile's event header narrows detection).
func (r *Registry) CheckDelivery(raw []byte, schema string, h http.Header) (Result, error) {
	if name, f, ok := r.fastCheck(raw, schema, h); ok {
		return Result{Schema: name, Valid: true, Errors: []Error{}, Fields: f}, nil
	}
	return r.checkV5(raw, schema, h)
}

// fastValid reports whether the fast path can prove raw valid against the
// named (or detected) bundled schema, and which schema that was.
func (r *Registry) fastValid(raw []byte, schema string) (string, bool) {
	name, _, ok := r.fastCheck(raw, schema, nil)
	return name, ok
}

// fastCheck is fastValid that also reads the payload's Fields from the
// tree it parsed. Detection runs on that tree: the payload is decoded once.
func (r *Registry) fastCheck(raw []byte, schema string, h http.Header) (string, Fields, bool) {
	d, ok := fastpath.Parse(raw)
	if !ok {
		return "", Fields{}, false
	}
	defer d.Release()
	var e *entry
	if schema == "" {
		if !r.fastRules {
			return "", Fields{}, false
		}
		unsure := false
		var buf [4]*entry
		n := r.narrow(func(rule *profile.Rule) bool { return fastMatches(rule, d, &unsure) }, h, buf[:0])
		if unsure || len(n.cands) == 0 {
			return "", Fields{}, false
		}
		for _, c := range n.cands {
			fs := r.fastSchema(c)
			if fs == nil {
				return "", Fields{}, false // only v5 can say whether it fits
			}
			if fs.Valid(d) {
				if e != nil {
					return "", Fields{}, false // several fit: v5 decides
				}
				e = c
			}
		}
		if e == nil {
			return "", Fields{}, false
		}
	} else {
		r.mu.RLock()
		e = r.entries[schema]
		r.mu.RUnlock()
		if e == nil {
			return "", Fields{}, false
		}
		if fs := r.fastSchema(e); fs == nil || !fs.Valid(d) {
			return "", Fields{}, false
		}
	}
	return e.Name, docFieldsOf(d, e), true
}

// checkV5 is Check through encoding/json and jsonschema/v5: the reference,
// and the only path that reports errors.
func (r *Registry) checkV5(raw []byte, schema string, h http.Header) (Result, error) {
	// jsonschema/v5 builds its whole error tree before any cap applies: a
	// payload built to fail costs it about 100 MB. The work is all CPU, so
	// running more at once than there are CPUs is no faster, only more
	// memory: the slots bound how many such trees exist together.
	v5Slots <- struct{}{}
	defer func() { <-v5Slots }()
	doc, serr := Decode(raw)
	if serr != nil {
		return Result{Errors: []Error{*serr}}, nil
	}
	var e *entry
	if schema == "" {
		var res Result
		var err error
		e, res, err = r.choose(doc, raw, h)
		if e == nil || err != nil {
			return res, err
		}
		if res.Schema != "" {
			return res, nil // validated while choosing
		}
	} else {
		var err error
		if e, err = r.lookup(schema); err != nil {
			return Result{Schema: schema, Fields: docFields(nil, doc)}, err
		}
	}
	return r.validateDoc(e, doc, raw)
}

// mostSpecific drops from several schemas a payload fits those that refer
// to another of them: a union of a provider's events ({"oneOf": [{"$ref":
// "issues/opened.json"}, ...]}) fits whatever its members fit, and the
// member says more.
func (r *Registry) mostSpecific(fit []Result) []Result {
	var out []Result
	for _, a := range fit {
		ea := r.entries[a.Schema]
		union := false
		for _, b := range fit {
			if eb := r.entries[b.Schema]; eb != ea && r.refs[ea.url][eb.url] {
				union = true
			}
		}
		if !union {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return fit
	}
	return out
}

// validateDoc validates a decoded payload against e.
func (r *Registry) validateDoc(e *entry, doc any, raw []byte) (Result, error) {
	fields := docFields(e, doc)
	s, err := r.compile(e)
	if err != nil {
		return Result{Schema: e.Name, Fields: fields}, err
	}
	res := Result{Schema: e.Name, Valid: true, Errors: []Error{}, Fields: fields}
	if err := s.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return res, err
		}
		res.Valid = false
		res.Errors, res.Omitted = r.explain(ve, doc, raw, r.MaxErrors())
	}
	return res, nil
}

// choose is detection for a decoded payload (see detect.go). It returns
// the schema, and when it had to validate to choose, the Result too; or
// the detection error with the Result that can still be said.
func (r *Registry) choose(doc any, raw []byte, h http.Header) (*entry, Result, error) {
	get := profile.TreeGetter(doc)
	n := r.narrow(matchTree(doc), h, nil)
	switch {
	case len(n.cands) == 1 && n.ruled:
		return n.cands[0], Result{}, nil
	case len(n.cands) == 0:
		return nil, Result{Fields: docFields(nil, doc)}, r.noMatch(get, n)
	}
	var fit []Result
	var closest *Result
	for _, c := range n.cands {
		res, err := r.validateDoc(c, doc, raw)
		if err != nil {
			return c, res, err
		}
		if res.Valid {
			fit = append(fit, res)
		} else if closest == nil || len(res.Errors)+res.Omitted < len(closest.Errors)+closest.Omitted {
			closest = &res
		}
	}
	switch {
	case len(fit) == 1:
		return r.entries[fit[0].Schema], fit[0], nil
	case len(fit) > 1:
		fit = r.mostSpecific(fit)
		if len(fit) == 1 {
			return r.entries[fit[0].Schema], fit[0], nil
		}
		best, tie := -1, false
		var pick Result
		for _, res := range fit {
			switch c := r.entries[res.Schema].conditions(get); {
			case c > best:
				best, tie, pick = c, false, res
			case c == best:
				tie = true
			}
		}
		if !tie {
			return r.entries[pick.Schema], pick, nil
		}
		var names []string
		for _, res := range fit {
			names = append(names, res.Schema)
		}
		return nil, Result{Fields: docFields(nil, doc)}, &AmbiguousError{Schemas: names}
	case !n.ruled:
		return nil, Result{Fields: docFields(nil, doc)}, r.noMatch(get, n)
	}
	var names []string
	for _, c := range n.cands {
		names = append(names, c.Name)
	}
	return nil, Result{Fields: docFields(nil, doc)}, &NoFitError{Candidates: names, Closest: closest.Schema, Errors: closest.Errors}
}

// v5Slots are the validations through jsonschema/v5 that may run at once:
// one per CPU.
var v5Slots = make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))

// Decode parses raw as exactly one JSON value, keeping numbers as
// json.Number as the validator expects. A problem comes back as an Error with
// the line and column where it is.
func Decode(raw []byte) (any, *Error) {
	if !utf8.Valid(raw) {
		off := firstInvalidUTF8(raw)
		return nil, syntaxAt(raw, off, fmt.Sprintf("invalid UTF-8 byte 0x%02x: JSON text must be UTF-8", raw[off]))
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &Error{Message: "empty file: expected a JSON value", Line: 1, Column: 1}
	}
	if bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		// Editors on Windows add it; JSON (RFC 8259 8.1) does not allow it.
		return nil, &Error{Message: "invalid JSON: the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM", Line: 1, Column: 1}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			off := int(se.Offset) - 1
			if off < 0 {
				off = 0
			}
			return nil, syntaxAt(raw, off, "invalid JSON: "+se.Error())
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			// Point just past the last character, not at a trailing newline.
			return nil, syntaxAt(raw, len(bytes.TrimRight(raw, " \t\r\n")), "invalid JSON: unexpected end of input (truncated?)")
		default:
			return nil, syntaxAt(raw, int(dec.InputOffset()), "invalid JSON: "+err.Error())
		}
	}
	rest := int(dec.InputOffset())
	for rest < len(raw) && isSpace(raw[rest]) {
		rest++
	}
	if rest < len(raw) {
		return nil, syntaxAt(raw, rest, "invalid JSON: unexpected data after the top-level value")
	}
	return doc, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

func syntaxAt(raw []byte, off int, msg string) *Error {
	line, col := lineCol(raw, off)
	return &Error{Message: msg, Line: line, Column: col}
}

// explain flattens the validator's error tree to its leaves, the keywords that
// actually failed, and gives each a message and a position. It keeps the
// first max errors by position (all when max is 0) and returns how many more
// there were: a body built to fail (170,000 empty objects where records are
// expected) makes a million errors, and describing them all costs seconds
// and hundreds of MB for a list nobody reads past its start.
func (r *Registry) explain(ve *jsonschema.ValidationError, doc any, raw []byte, max int) ([]Error, int) {
	var leaves []*jsonschema.ValidationError
	stack := []*jsonschema.ValidationError{ve}
	for len(stack) > 0 { // depth first, causes in order, without recursion
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
			continue
		}
		for i := len(e.Causes) - 1; i >= 0; i-- {
			stack = append(stack, e.Causes[i])
		}
	}

	// Order the leaves by where they point, then describe them in that
	// order until max errors are kept: the same list as describing them
	// all and sorting, without the cost.
	loc := newLocator(raw)
	type placed struct {
		leaf *jsonschema.ValidationError
		off  int
	}
	ps := make([]placed, len(leaves))
	for i, l := range leaves {
		ps[i] = placed{l, loc.offset(l.InstanceLocation)}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].off < ps[j].off })

	seen := map[string]bool{}
	out := make([]Error, 0, min(len(ps), 64))
	offs := make([]int, 0, cap(out))
	omitted := 0
	for i, p := range ps {
		if max > 0 && len(out) >= max {
			for _, q := range ps[i:] {
				omitted += failureCount(q.leaf)
			}
			break
		}
		for _, e := range r.describe(p.leaf, doc) {
			key := e.InstanceLocation + "\x00" + e.KeywordLocation + "\x00" + e.Message
			if seen[key] {
				continue
			}
			seen[key] = true
			if max > 0 && len(out) >= max {
				omitted++
				continue
			}
			out = append(out, e)
			offs = append(offs, p.off)
		}
	}
	for i, lc := range lineCols(raw, offs) {
		out[i].Line, out[i].Column = lc[0], lc[1]
	}
	return out, omitted
}

// failureCount is how many errors describe would make of leaf, without
// making them: one per missing property for "required", else one.
func failureCount(leaf *jsonschema.ValidationError) int {
	if strings.HasSuffix(leaf.KeywordLocation, "/required") {
		if _, names, ok := strings.Cut(leaf.Message, ": "); ok {
			return strings.Count(names, "', '") + 1
		}
	}
	return 1
}
