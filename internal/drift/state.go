package drift

import (
	"bytes"
	"encoding/json"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"math/big"
	"sort"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/infer"
	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/samples"
)

// schemaState is what one Checker found for one schema.
type schemaState struct {
	name       string
	tree       *tree
	deliveries int64
	drifted    int64 // deliveries with an undeclared field or a rejected value
	truncated  int64 // deliveries with more errors than the validator listed
	undeclared map[string]*finding
	rejected   map[string]*finding // by pattern and keyword
	// overflow counts deliveries with findings past MaxFindings, by kind.
	overflowU, overflowR int64
	// optional is the never-seen bookkeeping of merged Checkers' trees
	// (nil until a merge): pattern -> seen anywhere.
	optional map[string]bool
}

// finding is one undeclared pattern, or one group of rejected values.
type finding struct {
	pattern, keyword string
	count            int64
	first            first
	example          string // the first delivery's value, as JSON cut short
	hasExample       bool
	message          string // the first delivery's error message
	// For --suggest: where to change the schema, and what was seen.
	kwLocs   []string // keyword locations (evaluation paths), at most 4
	addAt    string   // undeclared: the schema object to add the property to
	hasAddAt bool
	values   map[string]int64 // distinct rejected values, as JSON; nil past maxValues
	capped   bool
	types    map[string]bool // JSON types of the rejected values
	missing  string          // "required": the missing property
	inf      *infer.Inferrer // undeclared: the values' schema
}

const maxExample = 80

func excerpt(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return render.Clip(string(b), maxExample)
}

// undeclaredAt counts an undeclared field's value (raw JSON text) once per
// delivery (first says this is the delivery's first at pattern), and
// learns its schema from every value for --suggest.
func (st *schemaState) undeclaredAt(parent *dnode, pattern string, raw []byte, first bool, s *samples.Sample, o Options, sc *jsonscan.Scanner) {
	f := st.undeclared[pattern]
	if f == nil {
		if !first {
			return
		}
		if len(st.undeclared) >= o.MaxFindings {
			st.overflowU++
			return
		}
		f = &finding{pattern: pattern}
		f.addAt, f.hasAddAt = addAt(parent)
		if o.Suggest {
			f.inf = infer.New(infer.DefaultOptions())
		}
		st.undeclared[pattern] = f
	}
	if f.inf != nil {
		_ = f.inf.AddJSON(sc, raw, s.Index)
	}
	if !first {
		return
	}
	f.count++
	if f.first.take(s) {
		f.example, f.hasExample = excerptJSON(raw), true
	}
}

// excerptJSON is excerpt of a value's JSON text.
func excerptJSON(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return ""
	}
	return excerpt(v)
}

// addAt is the schema object an undeclared field's property belongs in:
// the first one at its parent that has properties, else the first one.
func addAt(n *dnode) (string, bool) {
	best, found := "", false
	for _, s := range n.srcs {
		if s.m == nil || s.cond {
			continue
		}
		if _, ok := s.m["properties"]; ok {
			return s.ptr, true
		}
		if !found {
			best, found = s.ptr, true
		}
	}
	return best, found
}

func (st *schemaState) rejectedAt(key, pattern string, e payload.Error, v any, has bool, s *samples.Sample, o Options) {
	f := st.rejected[key]
	if f == nil {
		if len(st.rejected) >= o.MaxFindings {
			st.overflowR++
			return
		}
		f = &finding{pattern: pattern, keyword: e.Keyword, values: map[string]int64{}, types: map[string]bool{}}
		if e.Keyword == "required" {
			f.missing = jsonptr.Unescape(pattern[strings.LastIndexByte(pattern, '/')+1:])
		}
		st.rejected[key] = f
	}
	f.count++
	if f.first.take(s) {
		f.message = e.Message
		f.example, f.hasExample = "", has
		if has {
			f.example = excerpt(v)
		}
	}
	f.addLoc(e.KeywordLocation)
	if has {
		f.types[typeName(v)] = true
		f.addValue(v)
	}
}

func (f *finding) addLoc(loc string) {
	for _, l := range f.kwLocs {
		if l == loc {
			return
		}
	}
	if len(f.kwLocs) < 4 {
		f.kwLocs = append(f.kwLocs, loc)
		sort.Strings(f.kwLocs)
	}
}

func (f *finding) addValue(v any) {
	if f.capped {
		return
	}
	b, err := json.Marshal(v)
	if err != nil || len(b) > 1024 {
		f.values, f.capped = nil, true
		return
	}
	k := string(b)
	if _, ok := f.values[k]; !ok && len(f.values) >= maxValues {
		f.values, f.capped = nil, true
		return
	}
	f.values[k]++
}

// typeName is a value's JSON Schema type, "integer" for whole numbers.
func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(x)); ok && r.IsInt() {
			return "integer"
		}
		return "number"
	}
	return "number"
}

// merge adds o's findings; the first sample of each stays the lowest.
func (st *schemaState) merge(o *schemaState, opts Options) {
	st.deliveries += o.deliveries
	st.drifted += o.drifted
	st.truncated += o.truncated
	st.overflowU += o.overflowU
	st.overflowR += o.overflowR
	mergeFindings(st.undeclared, o.undeclared, opts, &st.overflowU)
	mergeFindings(st.rejected, o.rejected, opts, &st.overflowR)
	opt := st.optionalSeen()
	for p, seen := range o.optionalSeen() {
		opt[p] = opt[p] || seen
	}
	st.optional = opt
}

// optionalSeen is the declared optional properties of objects seen, and
// whether each was seen.
func (st *schemaState) optionalSeen() map[string]bool {
	if st.optional != nil {
		return st.optional
	}
	m := map[string]bool{}
	st.tree.optional(func(p string, seen bool) { m[p] = m[p] || seen })
	return m
}

func mergeFindings(dst, src map[string]*finding, o Options, overflow *int64) {
	for k, f := range src {
		d := dst[k]
		if d == nil {
			if len(dst) >= o.MaxFindings {
				*overflow += f.count
				continue
			}
			dst[k] = f
			continue
		}
		d.count += f.count
		if d.first.merge(f.first) {
			d.example, d.hasExample, d.message = f.example, f.hasExample, f.message
		}
		for _, l := range f.kwLocs {
			d.addLoc(l)
		}
		for t := range f.types {
			d.types[t] = true
		}
		switch {
		case d.capped:
		case f.capped:
			d.values, d.capped = nil, true
		default:
			for v, n := range f.values {
				d.values[v] += n
			}
			if len(d.values) > maxValues {
				d.values, d.capped = nil, true
			}
		}
		if d.inf != nil && f.inf != nil {
			d.inf.Merge(f.inf)
		}
	}
}
