package payload

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// Detection narrows the schemas a payload may be for, in steps:
//  1. a profile's event header, when the delivery carries it, keeps that
//     profile's schemas of that group (the subdirectory, or the file, the
//     header's value names); one left is the one;
//  2. the schemas whose rules match the payload (see rules.go); when none
//     does, the schemas that have no rule;
//  3. of several left, the one the payload satisfies; of several
//     satisfied, the one whose rule says most; still several is an
//     *AmbiguousError, none a *NoFitError naming the closest, or, when no
//     rule matched at all, a NoMatchError.

// narrowed is what steps 1 and 2 leave.
type narrowed struct {
	cands []*entry
	ruled bool // the candidates' rules matched (else they have none)
	pool  []*entry
}

// narrow applies steps 1 and 2 to a payload, whose rules match tells;
// the candidates are appended to buf, so a caller's array keeps the usual
// one off the heap.
func (r *Registry) narrow(match func(*profile.Rule) bool, h http.Header, buf []*entry) narrowed {
	n := narrowed{cands: buf, pool: r.ordered}
	if hp := r.headerPool(h); len(hp) > 0 {
		if len(hp) == 1 {
			return narrowed{cands: hp, ruled: true, pool: hp}
		}
		n.pool = hp
	}
	rules := false
	for _, e := range n.pool {
		if len(e.rules) > 0 {
			rules = true
			for i := range e.rules {
				if match(&e.rules[i]) {
					n.cands = append(n.cands, e)
					break
				}
			}
		}
	}
	if len(n.cands) > 0 {
		n.ruled = true
		return n
	}
	if rules && !r.ruleless {
		return n
	}
	for _, e := range n.pool {
		if len(e.rules) == 0 {
			n.cands = append(n.cands, e)
		}
	}
	return n
}

// matchTree is narrow's rule test for a payload decoded by encoding/json.
func matchTree(doc any) func(*profile.Rule) bool {
	get := profile.TreeGetter(doc)
	return func(rule *profile.Rule) bool { return rule.Matches(get) }
}

// headerPool is the schemas the delivery's event headers select: for each
// profile whose event header it carries, its schemas of the group named.
func (r *Registry) headerPool(h http.Header) []*entry {
	if len(h) == 0 {
		return nil
	}
	var out []*entry
	for _, p := range r.profiles {
		if p.EventHeader == "" {
			continue
		}
		v := strings.TrimSpace(h.Get(p.EventHeader))
		if v == "" {
			continue
		}
		for _, e := range r.ordered {
			if e.prof == p && (e.group == v || strings.EqualFold(e.group, v)) {
				out = append(out, e)
			}
		}
	}
	return out
}

// EventSchemas names the schemas a delivery with header h may be for by
// its profiles' event headers alone, in detection order; nil when no
// event header narrows them.
func (r *Registry) EventSchemas(h http.Header) []string {
	var out []string
	for _, e := range r.headerPool(h) {
		out = append(out, e.Name)
	}
	return out
}

// Detect names the schema a decoded payload's rules (and event headers)
// leave when they leave exactly one, "" otherwise: what detection decides
// without validating.
func (r *Registry) Detect(doc any, h http.Header) string {
	n := r.narrow(matchTree(doc), h, nil)
	if len(n.cands) == 1 && n.ruled {
		return n.cands[0].Name
	}
	return ""
}

// Candidates names the schemas detection's first two steps leave for a
// decoded payload (see above), in detection order: the ones the payload's
// rules (and event headers) point at, or, when no rule matches, those
// that have no rule. Which of several it is depends on what it satisfies.
func (r *Registry) Candidates(doc any, h http.Header) []string {
	var out []string
	for _, e := range r.narrow(matchTree(doc), h, nil).cands {
		out = append(out, e.Name)
	}
	return out
}

// NoMatchError says no detection rule matched a payload. Tried names the
// schemas whose rules were tried, in order; Undetectable those that have
// no rule (no top-level const property) and did not accept it. Closest,
// when set, is the schema a rule of which the payload nearly matches, and
// Why says what keeps it from matching.
type NoMatchError struct {
	Closest, Why string
	Tried        []string
	Undetectable []string
}

func (e NoMatchError) Error() string {
	s := "no schema matches this payload (tried " + strings.Join(e.Tried, ", ") + ")"
	if len(e.Undetectable) > 0 {
		s += fmt.Sprintf("; %s %s no top-level \"const\" property to be detected by", strings.Join(e.Undetectable, ", "),
			map[bool]string{true: "has", false: "have"}[len(e.Undetectable) == 1])
	}
	if e.Closest != "" {
		s += fmt.Sprintf("; it looks like %s, but %s: --schema %s shows what is wrong", e.Closest, e.Why, e.Closest)
	}
	return s
}

// noMatch is the NoMatchError for a payload read through get, naming
// the schema it comes closest to: a rule's value in another case or with
// other separators ("Create-User"), or part of a rule's keys present.
func (r *Registry) noMatch(get profile.Getter, n narrowed) NoMatchError {
	var e NoMatchError
	for _, t := range n.pool {
		if len(t.rules) == 0 {
			continue
		}
		e.Tried = append(e.Tried, t.Name)
		for _, rule := range t.rules {
			if why := rule.NearMiss(get); why != "" && e.Closest == "" {
				e.Closest, e.Why = t.Name, why
			}
		}
	}
	for _, c := range n.cands {
		e.Undetectable = append(e.Undetectable, c.Name)
	}
	return e
}

// NoFitError says the payload's rules left several schemas and it
// satisfies none of them. Closest is the one with the fewest errors, and
// Errors are its first ones.
type NoFitError struct {
	Candidates []string
	Closest    string
	Errors     []Error
}

func (e *NoFitError) Error() string {
	s := fmt.Sprintf("no schema fits this payload (candidates %s); closest is %s", strings.Join(e.Candidates, ", "), e.Closest)
	for i, er := range e.Errors {
		if i == 2 {
			s += fmt.Sprintf(" (and %d more)", len(e.Errors)-2)
			break
		}
		ptr := er.InstanceLocation
		if ptr == "" {
			ptr = "/"
		}
		s += map[bool]string{true: ": ", false: "; "}[i == 0] + ptr + ": " + er.Message
	}
	return s + ": --schema " + e.Closest + " shows every error"
}

// AmbiguousError says the payload satisfies several schemas that nothing
// tells apart.
type AmbiguousError struct {
	Schemas []string
}

func (e *AmbiguousError) Error() string {
	return "several schemas fit this payload: " + strings.Join(e.Schemas, ", ") + ": pass --schema NAME to say which"
}

// IsDetection reports whether err says detection could not choose a
// schema, which --schema NAME settles.
func IsDetection(err error) bool {
	switch err.(type) {
	case NoMatchError, *NoMatchError, *NoFitError, *AmbiguousError:
		return true
	}
	return false
}
