package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
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

// Result is the verdict on one payload.
type Result struct {
	Schema string  `json:"schema"`
	Valid  bool    `json:"valid"`
	Errors []Error `json:"errors"`
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
// payload's fault or need the user to choose: NoMatchError, a schema that
// does not compile, an unknown name.
func (r *Registry) Check(raw []byte, schema string) (Result, error) {
	if name, f, ok := r.fastCheck(raw, schema); ok {
		return Result{Schema: name, Valid: true, Errors: []Error{}, Fields: f}, nil
	}
	return r.checkV5(raw, schema)
}

// fastValid reports whether the fast path can prove raw valid against the
// named (or detected) bundled schema, and which schema that was.
func (r *Registry) fastValid(raw []byte, schema string) (string, bool) {
	name, _, ok := r.fastCheck(raw, schema)
	return name, ok
}

// fastCheck is fastValid that also reads the payload's Fields from the
// tree it parsed.
func (r *Registry) fastCheck(raw []byte, schema string) (string, Fields, bool) {
	d := jdocPool.Get().(*jdoc)
	defer func() {
		d.raw = nil
		jdocPool.Put(d)
	}()
	if !d.parse(raw) {
		return "", Fields{}, false
	}
	if schema == "" {
		if schema = d.detect(); schema == "" {
			return "", Fields{}, false
		}
	}
	r.mu.RLock()
	e := r.entries[schema]
	r.mu.RUnlock()
	if e == nil {
		return "", Fields{}, false
	}
	fs := r.fastSchema(e)
	if fs == nil || fs.eval(d, 0) != vPass {
		return "", Fields{}, false
	}
	return schema, d.fields(schema), true
}

// checkV5 is Check through encoding/json and jsonschema/v5: the reference,
// and the only path that reports errors.
func (r *Registry) checkV5(raw []byte, schema string) (Result, error) {
	doc, serr := Decode(raw)
	if serr != nil {
		return Result{Errors: []Error{*serr}}, nil
	}
	if schema == "" {
		schema = Detect(doc)
		if schema == "" {
			return Result{Fields: docFields("", doc)}, noMatch(doc)
		}
	}
	fields := docFields(schema, doc)
	s, err := r.schema(schema)
	if err != nil {
		return Result{Schema: schema, Fields: fields}, err
	}
	res := Result{Schema: schema, Valid: true, Errors: []Error{}, Fields: fields}
	if err := s.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return res, err
		}
		res.Valid = false
		res.Errors = r.explain(ve, doc, raw)
	}
	return res, nil
}

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
// actually failed, and gives each a message and a position.
func (r *Registry) explain(ve *jsonschema.ValidationError, doc any, raw []byte) []Error {
	var leaves []*jsonschema.ValidationError
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)

	seen := map[string]bool{}
	out := make([]Error, 0, len(leaves))
	offs := make([]int, 0, len(leaves))
	loc := newLocator(raw)
	for _, l := range leaves {
		for _, e := range r.describe(l, doc) {
			key := e.InstanceLocation + "\x00" + e.KeywordLocation + "\x00" + e.Message
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, e)
			offs = append(offs, loc.offset(e.InstanceLocation))
		}
	}
	for i, lc := range lineCols(raw, offs) {
		out[i].Line, out[i].Column = lc[0], lc[1]
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Column < out[j].Column
	})
	return out
}
