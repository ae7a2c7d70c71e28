package payload

import (
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

// fieldsOf reads the fields of a payload detected (or named) as e (nil:
// none, when only the id is read); str returns the string at a path of
// object keys, "" when there is none.
func fieldsOf(e *entry, str func(path ...string) string) Fields {
	read := func(ptr string) string {
		if ptr == "" {
			return ""
		}
		toks, err := profile.SplitPointer(ptr)
		if err != nil {
			return ""
		}
		return str(toks...)
	}
	if e == nil || e.prof == nil {
		return Fields{ID: read(profile.DefaultIDPointer)}
	}
	p := e.prof
	return Fields{
		ID:       read(p.IDPointer()),
		Event:    read(p.Fields.Event),
		Callback: read(p.Fields.Callback),
		Invite:   read(p.Fields.Invite),
	}
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
	get := treeGetter(doc)
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
		n := r.narrow(fastGetter(d, &unsure), h)
		if !unsure && len(n.cands) == 1 && n.ruled {
			e = n.cands[0]
		}
	}
	return docFieldsOf(d, e), true
}

// EventLabel is the event name to show beside the schema's name: the
// event, unless the schema's name already says it (permit.create_user for
// the event create_user).
func (res Result) EventLabel() string {
	ev := res.Fields.Event
	if ev == "" {
		return ""
	}
	tail := res.Schema
	if i := strings.LastIndexAny(tail, "./"); i >= 0 {
		tail = tail[i+1:]
	}
	if strings.EqualFold(strings.NewReplacer("-", "_").Replace(tail), strings.NewReplacer("-", "_").Replace(ev)) {
		return ""
	}
	return ev
}

// fastGetter reads the fast path's tree; it sets *unsure when a value's
// string escapes do not decode, and then nothing it said can be trusted.
func fastGetter(d *fastpath.Doc, unsure *bool) profile.Getter {
	return func(toks []string) (any, bool) {
		v, found, ok := d.Value(toks...)
		if !ok {
			*unsure = true
		}
		return v, found
	}
}
