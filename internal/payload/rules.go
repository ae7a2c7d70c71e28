package payload

import (
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/suggest"
)

// A schema is detected by a rule: the profile's own (its detect key), or
// else one made of the schema's top-level const and one-value enum
// properties ({"properties": {"type": {"const": "order.created"}}} is
// chosen for a payload whose "type" is "order.created"; all of them must
// match). A schema with neither is chosen only by accepting the payload.

// indexRules gives each entry its rules and puts the entries in detection
// order: profile by profile, those its rules name in the order written,
// then the rest in file order.
func (r *Registry) indexRules(all []*profile.Profile) error {
	rules := map[*entry][]profile.Rule{}
	var order []*entry
	placed := map[*entry]bool{}
	place := func(e *entry) {
		if !placed[e] {
			placed[e] = true
			order = append(order, e)
		}
	}
	for _, p := range all {
		for _, rule := range p.Detect {
			e := r.entries[p.Qualify(rule.Schema)]
			if e == nil {
				return unknownRuleSchema(p, rule, r.Names())
			}
			rules[e] = append(rules[e], rule)
			if e.prof == p {
				place(e)
			}
		}
		for _, e := range r.ordered {
			if e.prof == p {
				place(e)
			}
		}
	}
	// A schema other documents refer to is a part of payloads (a
	// common/user.json), not one: detection leaves it out, --schema
	// still names it.
	parts := r.referenced()
	order = slices.DeleteFunc(order, func(e *entry) bool {
		_, frag, _ := strings.Cut(e.url, "#")
		return frag == "" && parts[e.url] && !e.prof.Bundled()
	})
	r.ordered = order
	for i, e := range order {
		e.seq = i
		if rs, ok := rules[e]; ok {
			e.rules, e.explicit = rs, true
		} else if rule, ok := constRule(e.short, e.schemaDoc(), e.doc.get()); ok {
			e.rules = []profile.Rule{rule}
		}
		if len(e.rules) == 0 {
			r.ruleless = true
		}
		e.fieldToks = fieldTokens(e.prof)
		for _, rule := range e.rules {
			for _, eq := range rule.Equals {
				if !scalar(eq.Value) {
					r.fastRules = false
				}
			}
		}
	}
	return nil
}

// referenced is the URLs of the documents the registry's documents refer
// to with a $ref to another document; it notes each document's in
// r.refs.
func (r *Registry) referenced() map[string]bool {
	out := map[string]bool{}
	r.refs = map[string]map[string]bool{}
	for u, d := range r.docs {
		if d.bundled {
			continue // the bundled schemas refer to no other document
		}
		base, err := url.Parse(u)
		if err != nil {
			continue
		}
		union := isUnion(d.get())
		walkRefs(d.get(), func(ref string) {
			if strings.HasPrefix(ref, "#") {
				return
			}
			if t, err := base.Parse(ref); err == nil {
				t.Fragment = ""
				if s := t.String(); s != u {
					out[s] = out[s] || !union
					if r.refs[u] == nil {
						r.refs[u] = map[string]bool{}
					}
					r.refs[u][s] = true
				}
			}
		})
	}
	return out
}

// isUnion reports whether a schema document is only a choice of others
// ({"oneOf": [{"$ref": ...}, ...]}): the documents it names are payloads,
// not parts of one.
func isUnion(doc any) bool {
	m, _ := doc.(map[string]any)
	if m["properties"] != nil || m["allOf"] != nil {
		return false
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if list, ok := m[k].([]any); ok && len(list) > 0 {
			for _, x := range list {
				if xm, ok := x.(map[string]any); !ok || xm["$ref"] == nil {
					return false
				}
			}
			return true
		}
	}
	return false
}

// walkRefs calls f with every $ref string in a decoded document.
func walkRefs(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if s, ok := sub.(string); ok && k == "$ref" {
				f(s)
			} else {
				walkRefs(sub, f)
			}
		}
	case []any:
		for _, sub := range x {
			walkRefs(sub, f)
		}
	}
}

func unknownRuleSchema(p *profile.Profile, rule profile.Rule, known []string) error {
	var short []string
	for _, n := range known {
		if s, ok := p.Short(n); ok {
			short = append(short, s)
		}
	}
	hint := "a rule names a schema of its profile by its short name: " + strings.Join(short, ", ")
	if m := suggest.Closest(rule.Schema, short); m != "" {
		hint = fmt.Sprintf("did you mean %q?", m)
	}
	return &profile.Error{Spec: p.File, Line: rule.Line, Err: fmt.Errorf("detect rule names schema %q, which the profile does not have", rule.Schema), Hint: hint}
}

func scalar(v any) bool {
	switch v.(type) {
	case string, float64, bool, nil:
		return true
	}
	return false
}

// constRule is the rule made of a schema's top-level const and one-value
// enum properties, following a $ref at the top and the members of an allOf.
func constRule(short string, doc, root any) (profile.Rule, bool) {
	rule := profile.Rule{Schema: short}
	seen := map[string]bool{}
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		m, ok := v.(map[string]any)
		if !ok || depth > 8 {
			return
		}
		props, _ := m["properties"].(map[string]any)
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			pm, _ := props[key].(map[string]any)
			c, ok := pm["const"]
			if !ok {
				if enum, isList := pm["enum"].([]any); isList && len(enum) == 1 {
					c, ok = enum[0], true
				}
			}
			if !ok || seen[key] {
				continue
			}
			seen[key] = true
			p, _ := profile.ParsePath(key)
			rule.Equals = append(rule.Equals, profile.Equal{At: p, Value: c})
		}
		if all, ok := m["allOf"].([]any); ok {
			for _, sub := range all {
				visit(sub, depth+1)
			}
		}
		if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
			if t, ok := jsonptr.Get(root, ref[1:]); ok {
				visit(t, depth+1)
			}
		}
	}
	visit(doc, 0)
	sort.Slice(rule.Equals, func(i, j int) bool { return rule.Equals[i].At.Pointer < rule.Equals[j].At.Pointer })
	return rule, len(rule.Equals) > 0
}

// DetectRule is one rule in words, for messages and `profiles show`.
type DetectRule struct {
	Schema   string `json:"schema"`
	When     string `json:"when"`
	Explicit bool   `json:"explicit"` // the profile's own rule, not made of the schema's consts
}

// DetectRules lists the rules in detection order.
func (r *Registry) DetectRules() []DetectRule {
	var out []DetectRule
	for _, e := range r.ordered {
		for _, rule := range e.rules {
			out = append(out, DetectRule{Schema: e.Name, When: rule.Describe(), Explicit: e.explicit})
		}
	}
	return out
}

// conditions counts a schema's rule conditions: of several schemas a
// payload satisfies, the one whose rule says most about it is meant.
func (e *entry) conditions(get profile.Getter) int {
	best := 0
	for _, rule := range e.rules {
		if rule.Matches(get) {
			best = max(best, len(rule.Equals)+len(rule.Has))
		}
	}
	return best
}
