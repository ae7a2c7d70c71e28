// Package route decides where a delivery goes besides its answer: the
// --forward-to targets, each with optional filters (event=, schema=,
// path=), and the --events filter that says which deliveries listen prints,
// forwards and runs --exec for. It also holds the small matching pieces the
// response rules share: Glob patterns and SplitWords for inline forms.
// Passing a delivery on to its targets is the listener's forward tap, the
// one place forwarding is done.
//
// Nothing here knows the listener: it takes a delivery's names (Delivery)
// and returns plain results.
package route

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
)

// Delivery is what a filter looks at: the request path as received
// (decoded, without the query), the schema name the payload was validated
// against, and the event name the profile reads from it; "" when there is
// none.
type Delivery struct {
	Path   string
	Schema string
	Event  string
}

// Error is a target or filter that cannot be used, with how to fix it.
type Error struct {
	Msg  string
	Hint string
}

func (e *Error) Error() string { return e.Msg }

// Target is one place deliveries are passed on to: a --forward-to URL with
// the filters written after it, or a URL a response rule forwards to (no
// filters). A target with filters gets a delivery only when every kind of
// filter it has matches: one of its event= globs the event name, one of its
// schema= globs the schema name, one of its path= globs the path.
type Target struct {
	URL     string // absolute http or https, as given
	Events  []Glob
	Schemas []Glob
	Paths   []Glob
}

// targetKeys are the filter words a --forward-to may carry.
var targetKeys = []string{"event", "schema", "path"}

// ParseTarget reads a --forward-to value: a URL, then optional blank-
// separated filter words, each KEY=GLOB[,GLOB...] with KEY one of event,
// schema and path; a key may come more than once (its globs add up).
// Words are split as SplitWords splits them, so a glob may be quoted.
//
//	http://127.0.0.1:3000/hooks event=order.created,order.paid
//	http://127.0.0.1:4000/ schema='permit.*' path=/permit/**
func ParseTarget(spec string) (Target, error) {
	words, err := SplitWords(spec)
	if err != nil {
		return Target{}, &Error{Msg: err.Error(), Hint: "quote a glob with spaces as event='A B'"}
	}
	if len(words) == 0 {
		return Target{}, &Error{Msg: "no URL", Hint: "give the app's URL, e.g. http://127.0.0.1:3000/webhooks, then any event=, schema= or path= filters"}
	}
	t := Target{URL: words[0]}
	if err := CheckTargetURL(t.URL); err != nil {
		return Target{}, err
	}
	for _, w := range words[1:] {
		key, val, ok := strings.Cut(w, "=")
		if !ok || !slices.Contains(targetKeys, key) {
			return Target{}, &Error{
				Msg:  fmt.Sprintf("%q is not a filter", w),
				Hint: "after the URL come event=NAME, schema=NAME and path=/GLOB words; quote the whole value: --forward-to 'URL event=NAME'",
			}
		}
		globs, err := globList(key, val)
		if err != nil {
			return Target{}, err
		}
		switch key {
		case "event":
			t.Events = append(t.Events, globs...)
		case "schema":
			t.Schemas = append(t.Schemas, globs...)
		default:
			t.Paths = append(t.Paths, globs...)
		}
	}
	return t, nil
}

// CheckTargetURL checks a URL deliveries are forwarded to: absolute http
// or https with a host. The error shows the URL without its password.
func CheckTargetURL(raw string) error {
	if _, err := delivery.CheckURL(raw); err != nil {
		hint := "give the app's URL, e.g. http://127.0.0.1:3000/webhooks"
		if withHTTP, ok := delivery.WithoutScheme(raw); ok {
			hint = "did you mean " + withHTTP + "?"
		}
		return &Error{Msg: fmt.Sprintf("invalid URL %q: %v", Shown(raw), err), Hint: hint}
	}
	return nil
}

// globList compiles the comma-separated globs of a KEY=GLOB,... word.
func globList(key, val string) ([]Glob, error) {
	var out []Glob
	for p := range strings.SplitSeq(val, ",") {
		g, err := CompileGlob(strings.TrimSpace(p))
		if err != nil {
			return nil, &Error{Msg: fmt.Sprintf("%s=%s: %v", key, val, err), Hint: "write " + key + "=NAME, or a glob such as " + key + "='*Created'"}
		}
		out = append(out, g)
	}
	return out, nil
}

// Filtered reports whether t has any filter.
func (t Target) Filtered() bool { return len(t.Events)+len(t.Schemas)+len(t.Paths) > 0 }

// Matches reports whether d goes to t.
func (t Target) Matches(d Delivery) bool {
	return (len(t.Events) == 0 || AnyGlob(t.Events, d.Event)) &&
		(len(t.Schemas) == 0 || AnyGlob(t.Schemas, d.Schema)) &&
		(len(t.Paths) == 0 || AnyGlob(t.Paths, d.Path))
}

// String is t as a banner shows it: the URL without its password, then
// the filters as they were given.
func (t Target) String() string {
	var b strings.Builder
	b.WriteString(Shown(t.URL))
	for _, f := range []struct {
		key   string
		globs []Glob
	}{{"event", t.Events}, {"schema", t.Schemas}, {"path", t.Paths}} {
		if len(f.globs) == 0 {
			continue
		}
		names := make([]string, len(f.globs))
		for i, g := range f.globs {
			names[i] = g.String()
		}
		fmt.Fprintf(&b, " %s=%s", f.key, strings.Join(names, ","))
	}
	return b.String()
}

// URLFor is where t gets a request for u that listen took under its path
// prefix: the part of u's path below the prefix and u's query added to
// t.URL, as --forward-to has always mapped them (forwardurl.Target).
func (t Target) URLFor(prefix string, u *url.URL) string {
	return forwardurl.Target(t.URL, prefix, u)
}

// Shown is a target URL as output shows it: without its password and
// fragment (forwardurl.Shown).
func Shown(raw string) string { return forwardurl.Shown(raw) }

// Select returns the targets d goes to, in the order given.
func Select(targets []Target, d Delivery) []Target {
	var out []Target
	for _, t := range targets {
		if t.Matches(d) {
			out = append(out, t)
		}
	}
	return out
}
