package payload

import (
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"net/http"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// Fields is what a receiver needs from a payload besides its verdict, read
// at the JSON Pointers of the profile whose schema it is (see
// profile.Fields); each is "" when the profile names no pointer or the
// payload has no string there.
type Fields struct {
	// ID is the delivery id the body carries, for deliveries whose
	// headers carry none. A payload no schema matches still has the
	// top-level "id" read.
	ID string
	// Event is the event name: shown beside the schema, matched by
	// --exec-on filters.
	Event string
	// Callback is a per-delivery callback URL.
	Callback string
	// Invite is an invite to approve.
	Invite string
}

// fieldPaths are a profile's field pointers split into tokens once, in
// the order id, event, callback, invite; nil for none.
type fieldPaths [4][]string

// defaultPaths read only the top-level "id": for a payload no schema of
// a profile matches.
var defaultPaths = fieldPaths{{"id"}}

func fieldTokens(p *profile.Profile) fieldPaths {
	if p == nil {
		return defaultPaths
	}
	var out fieldPaths
	for i, ptr := range []string{p.IDPointer(), p.Fields.Event, p.Fields.Callback, p.Fields.Invite} {
		if toks, err := jsonptr.Split(ptr); err == nil && len(toks) > 0 {
			out[i] = toks
		}
	}
	return out
}

// fieldsOf reads the fields of a payload detected (or named) as e (nil:
// none, when only the id is read); str returns the string at a path of
// object keys, "" when there is none.
func fieldsOf(e *entry, str func(path ...string) string) Fields {
	paths := defaultPaths
	if e != nil && e.prof != nil {
		paths = e.fieldToks
	}
	var vals [4]string
	for i, toks := range paths {
		if toks != nil {
			vals[i] = str(toks...)
		}
	}
	return Fields{ID: vals[0], Event: vals[1], Callback: vals[2], Invite: vals[3]}
}

// docFieldsOf is fieldsOf over the fast path's parsed tree.
func docFieldsOf(d *fastpath.Doc, e *entry) Fields {
	return fieldsOf(e, func(path ...string) string {
		s, _ := d.Str(path...)
		return s
	})
}

// docFields is fieldsOf over a decoded document.
func docFields(e *entry, doc any) Fields {
	get := profile.TreeGetter(doc)
	return fieldsOf(e, func(path ...string) string {
		v, _ := get(path)
		s, _ := v.(string)
		return s
	})
}

// Peek reads raw's fields without validating it: what a record can still
// say of a delivery that is not validated (its signature failed). It costs
// one pass of the fast parser; ok is false when that parser does not take
// raw (not JSON, or repeated keys). The schema is the one detection's rules
// alone leave, if any.
func (r *Registry) Peek(raw []byte, h http.Header) (f Fields, ok bool) {
	d, ok := fastpath.Parse(raw)
	if !ok {
		return Fields{}, false
	}
	defer d.Release()
	var e *entry
	if r.fastRules {
		unsure := false
		var buf [4]*entry
		n := r.narrow(func(rule *profile.Rule) bool { return fastMatches(rule, d, &unsure) }, h, buf[:0])
		if !unsure && len(n.cands) == 1 && n.ruled {
			e = n.cands[0]
		}
	}
	return docFieldsOf(d, e), true
}

// EventLabel is the event name to show beside the schema's name: the
// event, unless the schema's name already says it (shop.order_created for
// the event order_created).
func (res Result) EventLabel() string {
	ev := res.Fields.Event
	if ev == "" {
		return ""
	}
	tail := res.Schema
	if i := strings.LastIndexAny(tail, "./"); i >= 0 {
		tail = tail[i+1:]
	}
	if sameName(tail, ev) {
		return ""
	}
	return ev
}

// sameName reports whether a and b are one name in different dress: equal
// when ASCII case is folded and '-' is taken as '_'. It allocates nothing:
// listen asks it for every delivery. Names beyond ASCII get Unicode case
// folding.
func sameName(a, b string) bool {
	if !isASCII(a) || !isASCII(b) {
		dash := strings.NewReplacer("-", "_")
		return strings.EqualFold(dash.Replace(a), dash.Replace(b))
	}
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x == '-' {
			x = '_'
		}
		if y == '-' {
			y = '_'
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// fastMatches reports whether a rule matches the fast path's tree, without
// allocating for the usual string comparison; it sets *unsure when a
// string's escapes do not decode.
func fastMatches(rule *profile.Rule, d *fastpath.Doc, unsure *bool) bool {
	for _, h := range rule.Has {
		if !d.Exists(h.Tokens...) {
			return false
		}
	}
	for _, e := range rule.Equals {
		if s, ok := e.Value.(string); ok {
			eq, sure := d.StrIs(s, e.At.Tokens...)
			if !sure {
				*unsure = true
			}
			if !eq {
				return false
			}
			continue
		}
		v, found, sure := d.Value(e.At.Tokens...)
		if !sure {
			*unsure = true
		}
		if !found || !profile.SameValue(v, e.Value) {
			return false
		}
	}
	return true
}
