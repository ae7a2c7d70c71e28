package respond

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/yamlcheck"
)

// Limits on a rules file: it is read once at start, but a YAML alias of
// an alias doubles a value each time, so what the file and a body expand
// to are bounded too.
const (
	MaxFileSize  = 1 << 20
	MaxExpanded  = 4 << 20 // the whole file, aliases expanded (yamlcheck.Bound)
	MaxRules     = 1000
	maxBodyNodes = 10000
	maxBodyDepth = 64
	maxBodySize  = 1 << 20
)

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

const fileHint = "a rules file is a YAML list of rules, each a mapping such as `- match: {event: order.created}` with `status: 204`; see `webhook-tool help responses`"

// Parse reads a rules file: a YAML list of rules. source names it in
// errors, which are *Error with the line. The rules are numbered by New.
func Parse(data []byte, source string) ([]*Rule, error) {
	p := &fileParser{source: source}
	if len(data) > MaxFileSize {
		return nil, p.errorf(0, "", "the file is larger than a rules file may be (%d KiB)", MaxFileSize>>10)
	}
	doc, err := yamlcheck.Parse(data)
	if err != nil {
		line, msg := 0, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
			msg = m[2]
		}
		var se *yamlcheck.SyntaxError
		if errors.As(err, &se) {
			line = se.Line
		}
		return nil, p.errorf(line, fileHint, "not a YAML rules file: %s", msg)
	}
	b := yamlcheck.Bound{Limit: MaxExpanded}
	var le *yamlcheck.LimitError
	if err := b.Add(doc); errors.As(err, &le) {
		return nil, p.errorf(le.Line, "", "the file comes to more than %d MiB once its YAML aliases are expanded", MaxExpanded>>20)
	}
	if len(doc.Content) == 0 {
		return nil, p.errorf(0, fileHint, "the file has no rules")
	}
	root := doc.Content[0]
	if root.Kind != yaml.SequenceNode {
		return nil, p.errorf(root.Line, fileHint, "a rules file is a list of rules, each starting with -")
	}
	if len(root.Content) == 0 {
		return nil, p.errorf(root.Line, fileHint, "the file has no rules")
	}
	if len(root.Content) > MaxRules {
		return nil, p.errorf(root.Content[MaxRules].Line, "", "more than %d rules", MaxRules)
	}
	var rules []*Rule
	for _, n := range root.Content {
		r, err := p.rule(deref(n))
		if err != nil {
			return nil, err
		}
		if r.Name != "" && slices.ContainsFunc(rules, func(o *Rule) bool { return o.Name == r.Name }) {
			return nil, p.errorf(r.Line, "give every rule its own name", "a second rule called %q", r.Name)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

type fileParser struct {
	source string
}

func (p *fileParser) errorf(line int, hint, format string, args ...any) *Error {
	return &Error{Source: p.source, Line: line, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// at turns a builder's error into one at line.
func (p *fileParser) at(line int, err error) error {
	if err == nil {
		return nil
	}
	return p.errorf(line, "", "%s", err.Error())
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < maxBodyDepth; i++ {
		n = n.Alias
	}
	return n
}

// pairs calls f for each key of mapping m, refusing keys not in known and
// keys given twice.
func (p *fileParser) pairs(m *yaml.Node, what string, known []string, f func(k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		if known != nil && !slices.Contains(known, k.Value) {
			return p.errorf(k.Line, "the keys are: "+strings.Join(known, ", "), "unknown key %q in %s", k.Value, what)
		}
		if seen[k.Value] {
			return p.errorf(k.Line, "", "a second %q in %s", k.Value, what)
		}
		seen[k.Value] = true
		if err := f(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *fileParser) rule(n *yaml.Node) (*Rule, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n.Line, fileHint, "a rule must be a mapping of keys such as status: 503")
	}
	var b builder
	err := p.pairs(n, "a rule", ruleKeys, func(k, v *yaml.Node) error {
		switch k.Value {
		case "match":
			return p.match(&b, v)
		case "headers":
			return p.headerMap(v, "headers", b.answerHeader)
		case "body":
			return p.body(&b, v)
		case "forward":
			return p.list(v, "forward", b.forward)
		}
		s, err := p.scalar(v, k.Value)
		if err != nil {
			return err
		}
		switch k.Value {
		case "name":
			return p.at(v.Line, b.setName(s))
		case "status":
			return p.at(v.Line, b.status(s))
		case "delay":
			return p.at(v.Line, b.delay(s))
		case "times":
			return p.at(v.Line, b.times(s))
		case "rate":
			return p.at(v.Line, b.rate(s))
		}
		return p.at(v.Line, b.flag(k.Value, s)) // close, hang
	})
	if err != nil {
		return nil, err
	}
	r, err := b.finish()
	if err != nil {
		return nil, p.at(n.Line, err)
	}
	r.Source, r.Line = p.source, n.Line
	return r, nil
}

func (p *fileParser) match(b *builder, m *yaml.Node) error {
	if m.Kind != yaml.MappingNode {
		return p.errorf(m.Line, "write match: {event: order.created, path: /hooks/*}", "match must be a mapping of keys: %s", strings.Join(matchKeys, ", "))
	}
	return p.pairs(m, "match", matchKeys, func(k, v *yaml.Node) error {
		switch k.Value {
		case "header":
			return p.headerMap(v, "match.header", b.matchHeader)
		case "event", "schema", "path":
			return p.list(v, k.Value, func(s string) error { return b.globs(k.Value, s) })
		case "method":
			return p.list(v, "method", b.method)
		}
		s, err := p.scalar(v, k.Value)
		if err != nil {
			return err
		}
		return p.at(v.Line, b.verdict(k.Value, s)) // signature, payload
	})
}

// scalar is v's text, refusing a list, a mapping or nothing.
func (p *fileParser) scalar(v *yaml.Node, key string) (string, error) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
		return "", p.errorf(v.Line, "", "%s must be a single value", key)
	}
	return v.Value, nil
}

// list calls f for v's value, or for each value of a list.
func (p *fileParser) list(v *yaml.Node, key string, f func(string) error) error {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
		if len(items) == 0 {
			return p.errorf(v.Line, "", "%s is an empty list", key)
		}
	}
	for _, it := range items {
		it = deref(it)
		s, err := p.scalar(it, key)
		if err != nil {
			return err
		}
		if err := p.at(it.Line, f(s)); err != nil {
			return err
		}
	}
	return nil
}

// headerMap calls f for each NAME: VALUE of mapping v.
func (p *fileParser) headerMap(v *yaml.Node, key string, f func(name, value string) error) error {
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		return p.errorf(v.Line, "write "+key+": {Retry-After: \"5\"}", "%s must be a mapping of header names to values", key)
	}
	return p.pairs(v, key, nil, func(k, val *yaml.Node) error {
		s, err := p.scalar(val, key+"."+k.Value)
		if err != nil {
			return err
		}
		return p.at(k.Line, f(k.Value, s))
	})
}

// body reads a body: a scalar is text, a mapping or a list is JSON.
func (p *fileParser) body(b *builder, v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode {
		if v.ShortTag() == "!!null" {
			return p.errorf(v.Line, "write body: '' for an empty body", "body has no value")
		}
		return p.at(v.Line, b.body(v.Value, false))
	}
	var buf bytes.Buffer
	err := yamlcheck.JSON(&buf, v, yamlcheck.JSONOptions{
		MaxDepth:      maxBodyDepth,
		MaxValues:     maxBodyNodes,
		MaxBytes:      maxBodySize,
		StrictKeys:    true,
		DecodeScalars: true,
		Numbers:       yamlcheck.NumbersJSON,
	})
	if err != nil {
		return p.bodyError(err)
	}
	if buf.Len() > maxBodySize {
		return p.errorf(v.Line, "", "the body is larger than %d KiB as JSON", maxBodySize>>10)
	}
	return p.at(v.Line, b.body(buf.String(), true))
}

// bodyError words an error of yamlcheck.JSON for a body, at the line of
// the value or key it names.
func (p *fileParser) bodyError(err error) error {
	var je *yamlcheck.JSONError
	if !errors.As(err, &je) {
		return err
	}
	n := je.Node
	switch je.Kind {
	case yamlcheck.JSONKey:
		return p.errorf(n.Line, "", "a JSON body's keys must be plain strings")
	case yamlcheck.JSONDecode:
		return p.errorf(n.Line, "", "body: %v", je.Err)
	case yamlcheck.JSONValue:
		if n.ShortTag() == "!!float" {
			return p.errorf(n.Line, "", "body: %s is not a JSON number", n.Value)
		}
		return p.errorf(n.Line, "", "body: %s is not a JSON value", n.Value)
	}
	return p.errorf(n.Line, "", "the body is larger than a rule's body may be (%d values, %d levels, %d KiB)", maxBodyNodes, maxBodyDepth, maxBodySize>>10)
}
