// Package expect owns listen's expectation mode (--expect): what a run
// waits for, the evaluator that is fed each record as listen writes it and
// says whether the expectation is met, failed or still pending, and the
// final report of what was missing and what was wrong, as text lines and a
// JSON verdict. The --within timer is listen's; it asks TimeoutReport for
// the report when time runs out.
package expect

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/route"
)

// Kind is what an expectation counts.
type Kind int

const (
	Deliveries Kind = iota // --expect N: deliveries of any event
	Event                  // --expect EVENT[=N]: deliveries whose event or schema name matches
	Callbacks              // --expect callback=N: callbacks to listen's stand-in
)

// Spec is one --expect.
type Spec struct {
	Kind Kind
	Name string     // Event: the name or glob as given
	glob route.Glob // Event
	N    int        // how many, 1 or more
}

// Label is how a banner names the spec with its count: "3 deliveries",
// "1 delivery", "2 order.created", "1 callback". The event name
// is as given: escape it for a terminal.
func (s Spec) Label() string {
	what := s.What()
	if s.Kind != Event && s.N == 1 {
		what = singular(what)
	}
	return strconv.Itoa(s.N) + " " + what
}

// What is how reports name the spec: "deliveries", "callbacks", or the
// event name.
func (s Spec) What() string {
	switch s.Kind {
	case Deliveries:
		return "deliveries"
	case Callbacks:
		return "callbacks"
	}
	return s.Name
}

// MaxCount bounds N: listen remembers each counted delivery's id.
const MaxCount = 1_000_000

// Error is an --expect value that cannot be used.
type Error struct {
	Msg  string
	Hint string
}

func (e *Error) Error() string { return e.Msg }

const specHint = "write --expect 3 (deliveries of any event), --expect 'order.created=2' (an event name, a schema name or a glob; =1 when left out) or --expect callback=1; repeat --expect for more"

// ParseSpecs reads the --expect values: N, EVENT[=N] and callback[=N].
// A count is a whole number from 1 to MaxCount; a second N, or a second
// value for the same event or for callbacks, is refused.
func ParseSpecs(values []string) ([]Spec, error) {
	var specs []Spec
	for _, v := range values {
		s, err := parseSpec(strings.TrimSpace(v))
		if err != nil {
			return nil, &Error{Msg: fmt.Sprintf("invalid --expect %q: %v", v, err), Hint: specHint}
		}
		for _, o := range specs {
			if o.Kind == s.Kind && o.Name == s.Name {
				return nil, &Error{Msg: fmt.Sprintf("--expect %q: %s already expected", v, s.What()), Hint: "give each count once: --expect 'order.created=2'"}
			}
		}
		specs = append(specs, s)
	}
	return specs, nil
}

func parseSpec(v string) (Spec, error) {
	if v == "" {
		return Spec{}, fmt.Errorf("nothing to expect")
	}
	if n, err := strconv.Atoi(v); err == nil {
		c, err := count(n)
		return Spec{Kind: Deliveries, N: c}, err
	}
	name, num, hasNum := v, "1", false
	if i := strings.LastIndexByte(v, '='); i >= 0 {
		name, num, hasNum = v[:i], v[i+1:], true
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return Spec{}, fmt.Errorf("%q after = is not a count", num)
	}
	c, err := count(n)
	if err != nil {
		return Spec{}, err
	}
	if name == "callback" || name == "callbacks" {
		return Spec{Kind: Callbacks, N: c}, nil
	}
	if name == "" && hasNum {
		return Spec{}, fmt.Errorf("no event name before =")
	}
	g, err := route.CompileGlob(name)
	if err != nil {
		return Spec{}, err
	}
	return Spec{Kind: Event, Name: name, glob: g, N: c}, nil
}

func count(n int) (int, error) {
	if n < 1 || n > MaxCount {
		return 0, fmt.Errorf("the count must be from 1 to %d, not %d", MaxCount, n)
	}
	return n, nil
}
