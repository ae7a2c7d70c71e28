package payload

import (
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"slices"
	"strings"
	"sync"
)

// Event is one event a profile's schema names at the profile's
// fields.event pointer: a const or enum value there. --exec-on filters
// and their completion offer the names.
type Event struct {
	Name    string
	Profile string
	Schema  string // the full schema name
	// Fixed are the other members of the event's object that the schema
	// fixes for this event, by an if/then on the event's value: a label
	// and description, say.
	Fixed map[string]string
}

// Events lists the events of every schema whose profile names an event
// pointer, in detection order and, within a schema, in the schema's order.
func (r *Registry) Events() []Event {
	var out []Event
	for _, e := range r.ordered {
		if e.prof == nil || e.prof.Fields.Event == "" {
			continue
		}
		toks, err := jsonptr.Split(e.prof.Fields.Event)
		if err != nil || len(toks) == 0 {
			continue
		}
		root := e.doc.get()
		parent := e.schemaDoc()
		for _, t := range toks[:len(toks)-1] {
			parent = property(root, parent, t)
		}
		last := toks[len(toks)-1]
		for _, name := range values(root, property(root, parent, last)) {
			if slices.ContainsFunc(out, func(x Event) bool { return x.Schema == e.Name && x.Name == name }) {
				continue
			}
			out = append(out, Event{Name: name, Profile: e.prof.Name, Schema: e.Name, Fixed: fixedFor(root, parent, last, name)})
		}
	}
	return out
}

var bundled = sync.OnceValues(func() (*Registry, error) { return NewRegistry() })

// Bundled is a registry of the bundled profiles, opened once and shared:
// for reading a payload's fields (Peek) where no registry is at hand.
func Bundled() (*Registry, error) { return bundled() }

var bundledEvents = sync.OnceValue(func() []Event {
	r, err := bundled()
	if err != nil {
		return nil
	}
	return r.Events()
})

// BundledEvents is Events of the bundled profiles' registry.
func BundledEvents() []Event { return bundledEvents() }

// deref follows local $refs from a schema object.
func deref(root, v any) map[string]any {
	for range 8 {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		ref, ok := m["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return m
		}
		if v, ok = jsonptr.Get(root, ref[1:]); !ok {
			return m
		}
	}
	return nil
}

// property is the schema of member name under the object schema v: the
// one that names values for it (const or enum) when its allOf members
// say several things of it, else the first.
func property(root, v any, name string) any {
	all := properties(root, v, name, 0)
	for _, p := range all {
		if len(values(root, p)) > 0 {
			return p
		}
	}
	if len(all) > 0 {
		return all[0]
	}
	return nil
}

// properties are the schemas of member name under v and its allOf members.
func properties(root, v any, name string, depth int) []any {
	m := deref(root, v)
	if m == nil || depth > 8 {
		return nil
	}
	var out []any
	if props, ok := m["properties"].(map[string]any); ok {
		if p, ok := props[name]; ok {
			out = append(out, p)
		}
	}
	if all, ok := m["allOf"].([]any); ok {
		for _, sub := range all {
			out = append(out, properties(root, sub, name, depth+1)...)
		}
	}
	return out
}

// values are the string const or enum values of a schema.
func values(root, v any) []string {
	m := deref(root, v)
	if c, ok := m["const"].(string); ok {
		return []string{c}
	}
	var out []string
	if enum, ok := m["enum"].([]any); ok {
		for _, x := range enum {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// fixedFor reads the if/then rules of the object schema parent that hold
// its other members to consts when member name is value.
func fixedFor(root, parent any, name, value string) map[string]string {
	m := deref(root, parent)
	conds := []any{m}
	if all, ok := m["allOf"].([]any); ok {
		conds = append(conds, all...)
	}
	for _, c := range conds {
		cm := deref(root, c)
		if cm == nil || cm["if"] == nil {
			continue
		}
		if vs := values(root, property(root, cm["if"], name)); len(vs) != 1 || vs[0] != value {
			continue
		}
		then := deref(root, cm["then"])
		props, _ := then["properties"].(map[string]any)
		out := map[string]string{}
		for k, p := range props {
			if vs := values(root, p); len(vs) == 1 {
				out[k] = vs[0]
			}
		}
		return out
	}
	return nil
}
