package payload

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// A schema from a schema directory is detected by its top-level const
// properties: {"properties": {"type": {"const": "order.created"}}} is
// chosen for a payload whose "type" is "order.created". A schema with
// several such properties needs all of them to match. These rules are tried
// before the bundled ones, as they are the user's own and more specific.

// constRule is one directory schema's detection rule.
type constRule struct {
	schema string
	props  []constProp // sorted by key
}

type constProp struct {
	key  string
	want string // the const value as canonical JSON
}

// ruleFor reads the detection rule from a decoded schema document, nil when
// no top-level property carries a const.
func ruleFor(name string, doc any) *constRule {
	m, _ := doc.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	var r constRule
	for key, p := range props {
		pm, _ := p.(map[string]any)
		c, ok := pm["const"]
		if !ok {
			continue
		}
		want, err := canonical(c)
		if err != nil {
			continue
		}
		r.props = append(r.props, constProp{key, want})
	}
	if len(r.props) == 0 {
		return nil
	}
	sort.Slice(r.props, func(i, j int) bool { return r.props[i].key < r.props[j].key })
	r.schema = name
	return &r
}

// canonical is v as JSON with every number as a float64, so that 2, 2.0
// and 2e0 compare equal, as JSON Schema's const compares them.
func canonical(v any) (string, error) {
	b, err := json.Marshal(floats(v))
	return string(b), err
}

func floats(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = floats(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = floats(e)
		}
		return out
	}
	return v
}

func (r *constRule) matches(m map[string]any) bool {
	for _, p := range r.props {
		v, ok := m[p.key]
		if !ok {
			return false
		}
		got, err := canonical(v)
		if err != nil || got != p.want {
			return false
		}
	}
	return true
}

// describe is the rule in words: `"type" is "order.created"`.
func (r *constRule) describe() string {
	parts := make([]string, len(r.props))
	for i, p := range r.props {
		parts[i] = fmt.Sprintf("%q is %s", p.key, p.want)
	}
	return strings.Join(parts, " and ")
}

// detect names the schema for a decoded payload: the first directory
// schema whose rule matches (the one with the most properties when several
// do, then by name), else the bundled rules.
func (r *Registry) detect(doc any) string {
	if m, ok := doc.(map[string]any); ok {
		best := -1
		for i, rule := range r.rules {
			if rule.matches(m) && (best < 0 || len(rule.props) > len(r.rules[best].props)) {
				best = i
			}
		}
		if best >= 0 {
			return r.rules[best].schema
		}
	}
	return Detect(doc)
}

// noMatchFor is noMatch naming the directory schemas tried as well, and
// those that have no rule to be detected by.
func (r *Registry) noMatchFor(doc any) NoMatchError {
	e := noMatch(doc)
	for _, rule := range r.rules {
		e.Tried = append(e.Tried, rule.schema)
	}
	e.Undetectable = r.undetectable
	return e
}
