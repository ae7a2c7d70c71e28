package route

import (
	"fmt"
	"strings"
)

// Events is the --events filter: the deliveries listen prints, forwards
// and runs --exec for. The zero value lets every delivery through.
type Events struct {
	globs []Glob
}

// ParseEvents reads --events values, each a comma-separated list of schema
// names, event names or globs of either (--events may be repeated: the
// lists add up). Blank items are refused, as a stray comma is most likely a
// mistake that would otherwise let nothing through.
func ParseEvents(values []string) (Events, error) {
	var e Events
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			item = strings.TrimSpace(item)
			g, err := CompileGlob(item)
			if err != nil {
				return Events{}, &Error{
					Msg:  fmt.Sprintf("invalid --events %q: %v", v, err),
					Hint: "list schema or event names, or globs of them, separated by commas: --events 'order.created,shop.*'",
				}
			}
			e.globs = append(e.globs, g)
		}
	}
	return e, nil
}

// Active reports whether the filter leaves anything out.
func (e Events) Active() bool { return len(e.globs) > 0 }

// Allows reports whether d is in the list: its event name or its schema
// name matches one of the globs. Without a list every delivery is.
func (e Events) Allows(d Delivery) bool {
	if len(e.globs) == 0 {
		return true
	}
	return AnyGlob(e.globs, d.Event) || AnyGlob(e.globs, d.Schema)
}

// String is the list as given, comma-separated.
func (e Events) String() string {
	names := make([]string, len(e.globs))
	for i, g := range e.globs {
		names[i] = g.String()
	}
	return strings.Join(names, ",")
}
