// Package infer learns a JSON Schema (draft 2020-12) from sample payloads:
// a schema every sample satisfies, that says as much as the samples allow.
// It streams: Add takes one decoded sample at a time and keeps per-field
// counters, so memory grows with the shape of the payloads, not their
// number; Inferrers filled on several goroutines merge into one.
//
// The rules, for each place in the payloads:
//   - type: the JSON types seen; "integer" when every number is whole
//     (1.0 is whole, as the validator decides), else "number"; "null"
//     joined to the others when a null was seen;
//   - required: the properties present in every object seen there;
//   - format: date-time (RFC 3339), date, uuid, email or uri, when every
//     string seen there is one (checked by the validator's own functions;
//     a uri must also contain "://");
//   - enum: for places that hold only strings (and null): at most EnumMax
//     distinct values, each seen at least EnumMinCount times, more values
//     than distinct ones, from at least two samples, and no format;
//   - arrays: one items schema merged from every element of every sample;
//   - objects with more than MaxProperties distinct keys are maps: no
//     properties, additionalProperties the merged schema of their values;
//   - additionalProperties: open, or false everywhere with Strict.
package infer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Defaults for Options.
const (
	DefaultEnumMax       = 10
	DefaultEnumMinCount  = 2
	DefaultMaxProperties = 1000
)

// Options are the inference rules' knobs.
type Options struct {
	EnumMax       int  // at most this many distinct values make an enum (0: no enums)
	EnumMinCount  int  // each seen at least this often
	Strict        bool // additionalProperties: false on every object
	MaxProperties int  // more distinct keys make an object a map (0: DefaultMaxProperties)
}

// DefaultOptions are the rules `schemas infer` applies without flags.
func DefaultOptions() Options {
	return Options{EnumMax: DefaultEnumMax, EnumMinCount: DefaultEnumMinCount, MaxProperties: DefaultMaxProperties}
}

func (o *Options) maxProperties() int {
	if o.MaxProperties > 0 {
		return o.MaxProperties
	}
	return DefaultMaxProperties
}

// Inferrer accumulates samples. It is not safe for concurrent use: give
// each goroutine its own and Merge them.
type Inferrer struct {
	o    Options
	root node
	n    int64
}

// New returns an empty Inferrer.
func New(o Options) *Inferrer { return &Inferrer{o: o} }

// Add learns from one sample, decoded by encoding/json (UseNumber keeps
// 1.0 apart from 1 as the text had it). sample identifies the sample: a
// distinct number per sample, so the values of one sample's array count as
// one sample's.
func (in *Inferrer) Add(doc any, sample int64) {
	in.n++
	in.root.add(doc, sample, &in.o)
}

// Merge adds what o learnt to in; o must not be used again.
func (in *Inferrer) Merge(o *Inferrer) {
	in.n += o.n
	in.root.merge(&o.root)
	in.root.capTo(&in.o)
}

// Samples is how many samples were added.
func (in *Inferrer) Samples() int64 { return in.n }

// Schema is the schema of the values added, without $schema or title: the
// form to place inside another schema.
func (in *Inferrer) Schema() map[string]any { return in.root.schema(&in.o) }

// Document is Schema as a whole schema document: $schema, a title, and a
// description saying from how many samples and by which rules it was
// inferred. Nothing in it depends on time or order: the same samples give
// the same document.
func (in *Inferrer) Document(title string) map[string]any {
	doc := in.Schema()
	doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	doc["title"] = title
	doc["description"] = in.Description()
	return doc
}

// Description says from how many samples and by which rules.
func (in *Inferrer) Description() string {
	s := fmt.Sprintf("Inferred by webhook-tool schemas infer from %d %s. Required: present in every sample; formats: every value matches",
		in.n, plural(in.n, "sample", "samples"))
	if in.o.EnumMax > 0 {
		s += fmt.Sprintf("; enums: strings with at most %d distinct values, each seen at least %d %s, from 2 or more samples",
			in.o.EnumMax, in.o.EnumMinCount, plural(int64(in.o.EnumMinCount), "time", "times"))
	}
	if in.o.Strict {
		s += "; no other properties allowed (--strict)"
	}
	return s + "."
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Marshal writes a schema as indented JSON with sorted keys and a final
// newline: the same schema, the same bytes.
func Marshal(doc map[string]any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (n *node) schema(o *Options) map[string]any {
	s := map[string]any{}
	var types []any
	add := func(count int64, name string) {
		if count > 0 {
			types = append(types, name)
		}
	}
	add(n.objs, "object")
	add(n.arrs, "array")
	add(n.strs, "string")
	if n.nums > 0 {
		types = append(types, "number")
	} else {
		add(n.ints, "integer")
	}
	add(n.bools, "boolean")
	add(n.nulls, "null")
	switch len(types) {
	case 0:
		return s
	case 1:
		s["type"] = types[0]
	default:
		s["type"] = types
	}
	if n.strs > 0 {
		if f := n.format(); f != "" {
			s["format"] = f
		} else if e := n.enum(o); e != nil && n.objs+n.arrs+n.nums+n.ints+n.bools == 0 {
			s["enum"] = e
		}
	}
	if n.objs > 0 {
		n.objectSchema(s, o)
	}
	if n.arrs > 0 && n.items != nil {
		s["items"] = n.items.schema(o)
	}
	return s
}

func (n *node) format() string {
	for i, name := range formatNames {
		if n.formats&(1<<i) != 0 {
			return name
		}
	}
	return ""
}

// enum is the enum of the strings seen here under the rule, or nil.
func (n *node) enum(o *Options) []any {
	if n.capped || n.values == nil || len(n.values) > o.EnumMax || n.samples < 2 || n.strs <= int64(len(n.values)) {
		return nil
	}
	vals := make([]string, 0, len(n.values))
	for v, c := range n.values {
		if c < int64(o.EnumMinCount) {
			return nil
		}
		vals = append(vals, v)
	}
	sort.Strings(vals)
	out := make([]any, 0, len(vals)+1)
	for _, v := range vals {
		out = append(out, v)
	}
	if n.nulls > 0 {
		out = append(out, nil)
	}
	return out
}

func (n *node) objectSchema(s map[string]any, o *Options) {
	if n.mapped != nil {
		s["additionalProperties"] = n.mapped.schema(o)
		return
	}
	if len(n.props) > 0 {
		props := make(map[string]any, len(n.props))
		var req []string
		for k, p := range n.props {
			props[k] = p.n.schema(o)
			if p.present == n.objs {
				req = append(req, k)
			}
		}
		s["properties"] = props
		if len(req) > 0 {
			sort.Strings(req)
			s["required"] = req
		}
	}
	if o.Strict {
		s["additionalProperties"] = false
	}
}
