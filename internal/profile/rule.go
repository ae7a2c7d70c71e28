package profile

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Rule is one explicit detection rule of a profile: the payloads for which
// every Equals holds and every Has is present are the Schema's.
type Rule struct {
	Schema string  // the schema's short name (without the profile prefix)
	Equals []Equal // in the order written
	Has    []Path  // members that must be present
	Line   int     // where the rule is written, for messages
}

// Equal says the value at a pointer equals Value.
type Equal struct {
	At    Path
	Value any // a string, float64, bool or nil, as JSON decodes it
}

// Path is a JSON Pointer, kept both as written and split into its
// unescaped reference tokens.
type Path struct {
	Pointer string   // "/event/name"
	Tokens  []string // ["event", "name"]
}

// Describe names the path in messages: a top-level key as "type", a
// deeper one by its pointer.
func (p Path) Describe() string {
	if len(p.Tokens) == 1 {
		return strconv.Quote(p.Tokens[0])
	}
	return p.Pointer
}

// ParsePath parses a JSON Pointer ("/a/b"); a bare key ("a") is the
// top-level member of that name.
func ParsePath(s string) (Path, error) {
	if s != "" && !strings.HasPrefix(s, "/") {
		return Path{Pointer: "/" + jsonptr.Escape(s), Tokens: []string{s}}, nil
	}
	toks, err := jsonptr.Split(s)
	return Path{Pointer: s, Tokens: toks}, err
}

// Getter returns the value at a path of object keys in a payload, as
// JSON decodes it (strings, float64 or json.Number, bool, nil, maps,
// slices); ok is false when there is none.
type Getter func(tokens []string) (v any, ok bool)

// TreeGetter is the Getter of a payload decoded by encoding/json into any.
func TreeGetter(doc any) Getter {
	return func(toks []string) (any, bool) {
		v := doc
		for _, t := range toks {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[t]; !ok {
				return nil, false
			}
		}
		return v, true
	}
}

// Matches reports whether the payload get reads satisfies the rule.
func (r Rule) Matches(get Getter) bool {
	for _, h := range r.Has {
		if _, ok := get(h.Tokens); !ok {
			return false
		}
	}
	for _, e := range r.Equals {
		v, ok := get(e.At.Tokens)
		if !ok || !SameValue(v, e.Value) {
			return false
		}
	}
	return true
}

// NearMiss says why a payload that the rule does not match looks meant for
// it, or "" when it does not: a value at an Equals pointer that differs
// from the one wanted only in case and separators ("Order-Created" for
// "order_created"), every other condition holding; or some of the Has
// members present and others not, no Equals failing.
func (r Rule) NearMiss(get Getter) string {
	var present, missing []string
	for _, h := range r.Has {
		if _, ok := get(h.Tokens); ok {
			present = append(present, h.Describe())
		} else {
			missing = append(missing, h.Describe())
		}
	}
	near := ""
	for _, e := range r.Equals {
		v, ok := get(e.At.Tokens)
		if ok && SameValue(v, e.Value) {
			continue
		}
		got, isStr := v.(string)
		want, wantStr := e.Value.(string)
		if !ok || !isStr || !wantStr || near != "" || foldName(got) != foldName(want) {
			return ""
		}
		near = fmt.Sprintf("its %s is %q, not %q", e.At.Describe(), got, want)
	}
	switch {
	case near != "" && len(missing) == 0:
		return near
	case near == "" && len(present) > 0 && len(missing) > 0:
		return fmt.Sprintf("it has %s and no %s", strings.Join(present, " and "), strings.Join(missing, " or "))
	}
	return ""
}

// foldName folds case and the separators people mix up (-, _, ., space).
func foldName(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "_", " ", "_", ".", "_").Replace(strings.TrimSpace(s)))
}

// Describe is the rule in words: `"type" is "order_created"`, `has
// "event" and "callback"`.
func (r Rule) Describe() string {
	var parts []string
	for _, e := range r.Equals {
		b, _ := json.Marshal(e.Value)
		parts = append(parts, e.At.Describe()+" is "+string(b))
	}
	if len(r.Has) > 0 {
		var names []string
		for _, h := range r.Has {
			names = append(names, h.Describe())
		}
		parts = append(parts, "has "+strings.Join(names, " and "))
	}
	return strings.Join(parts, " and ")
}

// SameValue reports whether a decoded payload value equals a rule's value
// as JSON Schema's const compares them: numbers by value.
func SameValue(v, want any) bool {
	switch w := want.(type) {
	case float64:
		switch x := v.(type) {
		case float64:
			return x == w
		case json.Number:
			f, err := x.Float64()
			return err == nil && f == w
		}
		return false
	case string, bool:
		return v == w
	case nil:
		return v == nil
	}
	return false
}

func (ps *parser) rules(v *yaml.Node) ([]Rule, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, ps.errf(v, "write a list: `- schema: NAME` with `equals:` or `has:`", "detect must be a list of rules")
	}
	var out []Rule
	for _, item := range v.Content {
		r := Rule{Line: item.Line}
		err := ps.members(item, "a detect rule", ruleKeys, func(key string, _, rv *yaml.Node) error {
			var err error
			switch key {
			case "schema":
				r.Schema, err = ps.str("schema", rv)
			case "equals":
				r.Equals, err = ps.equals(rv)
			case "has":
				r.Has, err = ps.has(rv)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if r.Schema == "" {
			return nil, ps.errf(item, "", "a detect rule needs `schema: NAME`")
		}
		if len(r.Equals) == 0 && len(r.Has) == 0 {
			return nil, ps.errf(item, "add `equals: {/type: value}` or `has: [key]`", "detect rule for %s has no condition", r.Schema)
		}
		out = append(out, r)
	}
	return out, nil
}

func (ps *parser) equals(v *yaml.Node) ([]Equal, error) {
	var out []Equal
	err := ps.members(v, "equals", nil, func(key string, k, ev *yaml.Node) error {
		p, err := ParsePath(key)
		if err != nil {
			return ps.errf(k, "", "equals: %v", err)
		}
		if ev.Kind != yaml.ScalarNode {
			return ps.errf(ev, "", "equals %s: the value must be a string, number, boolean or null", key)
		}
		var val any
		if err := ev.Decode(&val); err != nil {
			return ps.errf(ev, "", "equals %s: %v", key, err)
		}
		switch x := val.(type) {
		case int:
			val = float64(x)
		case int64:
			val = float64(x)
		case uint64:
			val = float64(x)
		case float64, string, bool, nil:
		default:
			return ps.errf(ev, "", "equals %s: the value must be a string, number, boolean or null", key)
		}
		out = append(out, Equal{At: p, Value: val})
		return nil
	})
	return out, err
}

func (ps *parser) has(v *yaml.Node) ([]Path, error) {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var out []Path
	for _, it := range items {
		s, err := ps.str("has", it)
		if err != nil {
			return nil, err
		}
		p, err := ParsePath(s)
		if err != nil {
			return nil, ps.errf(it, "", "has: %v", err)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, errors.New("has: empty list")
	}
	return out, nil
}
