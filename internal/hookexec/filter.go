package hookexec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

// FilterError is an --exec-on value that names nothing a delivery can be.
type FilterError struct {
	Filter string
	Hint   string
	// Nouns name what a filter may be besides a schema name, with
	// their articles: one per profile with events ("a Permit type").
	Nouns []string
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("--exec-on %q is not %s", e.Filter, orList(append([]string{"a schema name"}, e.Nouns...)))
}

// EventKind is what one profile's events are called in messages, with an
// example of one.
type EventKind struct {
	Noun    string // "Shop type"
	Example string // "order_created"
}

// EventKinds are the kinds of event the registry's profiles name at their
// fields.event pointers, sorted by noun: each profile with events, its
// display.example (else its first event) as the example.
func EventKinds(reg *payload.Registry) []EventKind {
	events := reg.Events()
	var out []EventKind
	for _, p := range reg.Profiles() {
		var names []string
		for _, e := range events {
			if e.Profile == p.Name {
				names = append(names, e.Name)
			}
		}
		if len(names) == 0 {
			continue
		}
		ex := p.Display.Example
		if ex == "" || !slices.Contains(names, ex) {
			ex = names[0]
		}
		out = append(out, EventKind{Noun: p.EventNoun(), Example: ex})
	}
	slices.SortStableFunc(out, func(a, b EventKind) int { return strings.Compare(a.Noun, b.Noun) })
	return out
}

// EventNames are the names the registry's profiles know at their event
// fields, each once, in detection order.
func EventNames(reg *payload.Registry) []string {
	var out []string
	for _, e := range reg.Events() {
		if !slices.Contains(out, e.Name) {
			out = append(out, e.Name)
		}
	}
	return out
}

// CheckFilters refuses a filter that no delivery could match, which would
// otherwise run nothing without a word: each must be one of schemaNames (the
// registry's, the profiles' and --schema-dir's) or an event one of the
// registry's profiles names at its event field (profile.Fields.Event),
// spelled exactly.
func CheckFilters(filters, schemaNames []string, reg *payload.Registry) error {
	if len(filters) == 0 {
		return nil
	}
	known := append(slices.Clone(schemaNames), EventNames(reg)...)
	for _, f := range filters {
		if slices.Contains(known, f) {
			continue
		}
		kinds := EventKinds(reg)
		var nouns, examples []string
		for _, k := range kinds {
			nouns = append(nouns, a(k.Noun))
			examples = append(examples, a(k.Noun)+" such as "+k.Example)
		}
		hint := "a filter is " + commaList(append([]string{"a schema name (`webhook-tool schemas list`)"}, examples...))
		for _, k := range known {
			if strings.EqualFold(strings.ReplaceAll(k, "_", ""), strings.ReplaceAll(f, "_", "")) {
				hint = fmt.Sprintf("did you mean %q? names are case-sensitive", k)
				break
			}
		}
		return &FilterError{Filter: f, Hint: hint, Nouns: nouns}
	}
	return nil
}

// a is a noun with its indefinite article.
func a(noun string) string {
	if noun != "" && strings.ContainsRune("AEIOUaeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// orList joins "x", "x or y", "x, y or z".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// commaList joins "x", "x, or y", "x, y, or z": the items are long.
func commaList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + ", or " + items[len(items)-1]
}

// Matches reports whether a delivery of schema, with event (the value at
// its profile's event field, "" for none), passes filters: no filter
// passes everything, else any one filter naming either.
func Matches(filters []string, schema, event string) bool {
	if len(filters) == 0 {
		return true
	}
	for _, f := range filters {
		if f == schema || (event != "" && f == event) {
			return true
		}
	}
	return false
}
