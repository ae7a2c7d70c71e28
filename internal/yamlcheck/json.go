package yamlcheck

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/jsonstr"
)

// JSONOptions says how JSON writes a YAML value where its readers differ:
// an OpenAPI document keeps its numbers as written, a scenario's set value
// resolves references in its strings, a rule's body is typed as YAML
// decodes it. The zero value has no limits, writes each key as its node's
// text, types scalars by their tag, keeps numbers as written and leaves
// <, > and & as they are.
type JSONOptions struct {
	// MaxDepth, MaxValues and MaxBytes, when not 0, refuse a value begun
	// deeper than MaxDepth levels (the top value is at level 0), past the
	// MaxValues-th value (keys not counted), or once more than MaxBytes
	// bytes are written (a negative MaxBytes as 0: nothing after the first
	// value). Each is a *JSONError of its kind. What the whole value comes
	// to is for the caller to check: it may pass MaxBytes by its last value.
	MaxDepth, MaxValues, MaxBytes int

	// AliasLevel makes an alias a level of its own on the way to the value
	// it names, checked against the limits as a value is (as a scenario's
	// set values count them); otherwise an alias is the value it names.
	AliasLevel bool

	// EscapeHTML escapes <, > and & in strings, as encoding/json does by
	// default.
	EscapeHTML bool

	// StrictKeys follows a key through an alias and refuses a key that is
	// then not a scalar (JSONKey). Otherwise a key is its node's text as it
	// stands: "" for a collection, the anchor's name for an alias.
	StrictKeys bool

	// DecodeScalars writes a scalar as the YAML library decodes it into an
	// any: a timestamp as encoding/json writes a time.Time, a !!binary
	// decoded, a scalar its tag does not fit (!!null x) a JSONDecode error.
	// Otherwise a scalar is typed by its tag alone: !!null is null whatever
	// its text, !!binary, !!timestamp and other tags are their text.
	DecodeScalars bool

	// Numbers is how a !!int or !!float is written.
	Numbers NumberPolicy

	// String, when set, writes a !!str scalar in place of the writer (a
	// scenario's ${STEP:PATH} references); WriteJSONString writes one as
	// the writer would. Its error is JSON's.
	String func(dst *bytes.Buffer, n *yaml.Node) error
}

// NumberPolicy is how JSON writes a YAML !!int or !!float.
type NumberPolicy int

const (
	// NumbersAsWritten keeps a number's text where it is a JSON number
	// (1e3, 1.0, 99999999999999999999), writes the value as encoding/json
	// does where it is not (0x1F is 31, .5 is 0.5), and writes a number
	// JSON cannot carry (.inf, .nan, !!int 1.5) as a string of its text.
	NumbersAsWritten NumberPolicy = iota
	// NumbersJSON writes the value as encoding/json does (1e3 is 1000,
	// 1e21 is 1e+21). Inf and NaN are a JSONValue error.
	NumbersJSON
	// NumbersShortest writes an integer within int64, and a float in
	// strconv's shortest form (1e3 is 1000, 123456789.0 is
	// 1.23456789e+08). A larger integer, Inf and NaN are a JSONValue error.
	NumbersShortest
)

// JSONErrorKind is what made JSON stop.
type JSONErrorKind int

const (
	JSONDepth  JSONErrorKind = iota + 1 // a value deeper than MaxDepth
	JSONValues                          // more values than MaxValues
	JSONBytes                           // a value begun past MaxBytes
	JSONKey                             // a key that is not a scalar (StrictKeys)
	JSONDecode                          // a scalar the YAML library cannot decode as its tag says
	JSONValue                           // a value JSON cannot carry: Inf, NaN, an integer past int64 (NumbersShortest), what encoding/json refuses
)

// JSONError is a value JSON refused. Node is where: the value or key at
// fault, which for a value reached through an alias is the value it names
// (with AliasLevel, the alias itself when it is past a limit). Err
// is the YAML library's error, for JSONDecode. The message has no line:
// the caller words it and places it.
type JSONError struct {
	Kind JSONErrorKind
	Node *yaml.Node
	Err  error
}

func (e *JSONError) Error() string {
	switch e.Kind {
	case JSONDepth:
		return "a value nested too deep"
	case JSONValues:
		return "too many values"
	case JSONBytes:
		return "too large"
	case JSONKey:
		return "a key that is not a scalar"
	case JSONValue:
		return e.Node.Value + " is not a value JSON can carry"
	}
	return e.Err.Error()
}

func (e *JSONError) Unwrap() error { return e.Err }

// JSON writes the YAML value n to dst as JSON: a mapping as an object, its
// keys as strings in the order written (a key given twice is written
// twice, a merge key "<<" is a key like any other), a sequence as an
// array, an alias as the value it names, a scalar as opts say. On error
// dst holds what was written before it. A value that contains itself
// through an alias (&a [*a]) is written until MaxDepth stops it.
func JSON(dst *bytes.Buffer, n *yaml.Node, opts JSONOptions) error {
	w := jsonWriter{dst: dst, opts: opts, start: dst.Len()}
	return w.value(n, 0)
}

type jsonWriter struct {
	dst    *bytes.Buffer
	opts   JSONOptions
	start  int // dst's length before the value
	values int
}

func (w *jsonWriter) value(n *yaml.Node, depth int) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if w.opts.AliasLevel {
			if err := w.check(n, depth); err != nil {
				return err
			}
			depth++
		}
		n = n.Alias
	}
	w.values++
	if err := w.check(n, depth); err != nil {
		return err
	}
	switch n.Kind {
	case yaml.MappingNode:
		w.dst.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := w.key(n.Content[i], i > 0); err != nil {
				return err
			}
			if err := w.value(n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		w.dst.WriteByte('}')
	case yaml.SequenceNode:
		w.dst.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				w.dst.WriteByte(',')
			}
			if err := w.value(c, depth+1); err != nil {
				return err
			}
		}
		w.dst.WriteByte(']')
	default:
		return w.scalar(n)
	}
	return nil
}

// check refuses n, at depth, when it is past a limit.
func (w *jsonWriter) check(n *yaml.Node, depth int) error {
	o := &w.opts
	var kind JSONErrorKind
	switch {
	case o.MaxValues > 0 && w.values > o.MaxValues:
		kind = JSONValues
	case o.MaxDepth > 0 && depth > o.MaxDepth:
		kind = JSONDepth
	case o.MaxBytes != 0 && w.dst.Len()-w.start > max(o.MaxBytes, 0):
		kind = JSONBytes
	default:
		return nil
	}
	return &JSONError{Kind: kind, Node: n}
}

// key writes k and the colon after it, a comma before it when it is not
// the first.
func (w *jsonWriter) key(k *yaml.Node, comma bool) error {
	if w.opts.StrictKeys {
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return &JSONError{Kind: JSONKey, Node: k}
		}
	}
	if comma {
		w.dst.WriteByte(',')
	}
	WriteJSONString(w.dst, k.Value, w.opts.EscapeHTML)
	w.dst.WriteByte(':')
	return nil
}

func (w *jsonWriter) scalar(n *yaml.Node) error {
	switch tag := n.ShortTag(); {
	case tag == "!!str" && w.opts.String != nil:
		return w.opts.String(w.dst, n)
	case tag == "!!int" || tag == "!!float":
		return w.number(n)
	case w.opts.DecodeScalars:
		return w.decoded(n)
	case tag == "!!null":
		w.dst.WriteString("null")
	case tag == "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return &JSONError{Kind: JSONDecode, Node: n, Err: err}
		}
		w.dst.WriteString(strconv.FormatBool(b))
	default:
		WriteJSONString(w.dst, n.Value, w.opts.EscapeHTML)
	}
	return nil
}

// decoded writes n as the YAML library decodes it (DecodeScalars).
func (w *jsonWriter) decoded(n *yaml.Node) error {
	var v any
	if err := n.Decode(&v); err != nil {
		return &JSONError{Kind: JSONDecode, Node: n, Err: err}
	}
	switch x := v.(type) {
	case nil:
		w.dst.WriteString("null")
	case string:
		WriteJSONString(w.dst, x, w.opts.EscapeHTML)
	default: // a bool, a time.Time
		b, err := json.Marshal(x)
		if err != nil {
			return &JSONError{Kind: JSONValue, Node: n}
		}
		w.dst.Write(b)
	}
	return nil
}

// number writes a !!int or !!float as w.opts.Numbers says.
func (w *jsonWriter) number(n *yaml.Node) error {
	var v any
	err := n.Decode(&v)
	if w.opts.Numbers == NumbersAsWritten {
		b, merr := json.Marshal(v)
		switch {
		case err != nil || merr != nil:
			WriteJSONString(w.dst, n.Value, w.opts.EscapeHTML)
		case json.Valid([]byte(n.Value)):
			w.dst.WriteString(n.Value)
		default:
			w.dst.Write(b)
		}
		return nil
	}
	if err != nil {
		return &JSONError{Kind: JSONDecode, Node: n, Err: err}
	}
	shortest := w.opts.Numbers == NumbersShortest
	switch x := v.(type) {
	case int:
		w.dst.WriteString(strconv.Itoa(x))
		return nil
	case int64:
		w.dst.WriteString(strconv.FormatInt(x, 10))
		return nil
	case uint64:
		if !shortest {
			w.dst.WriteString(strconv.FormatUint(x, 10))
			return nil
		}
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			break
		}
		if shortest {
			w.dst.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		} else {
			b, _ := json.Marshal(x) // a finite float always marshals
			w.dst.Write(b)
		}
		return nil
	}
	return &JSONError{Kind: JSONValue, Node: n}
}

// WriteJSONString writes s as a JSON string as encoding/json does, with
// <, > and & escaped when html is set.
func WriteJSONString(dst *bytes.Buffer, s string, html bool) {
	if html && strings.ContainsAny(s, "<>&") {
		json.HTMLEscape(dst, jsonstr.Append(nil, s))
		return
	}
	dst.Write(jsonstr.Append(dst.AvailableBuffer(), s))
}
