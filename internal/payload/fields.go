package payload

import (
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
)

// Fields is what a receiver needs from a payload besides its verdict, by
// the rules of the formats this package owns.
type Fields struct {
	// ID is the payload's top-level "id": a Permission Assist delivery id,
	// for payloads that carry no webhook-id header.
	ID string
	// UserInviteID is a Permit invite's user_invite_id: the invite to
	// approve, since the user exists only after that approval.
	UserInviteID string
	// EventName is a Permission Assist catch hook's event.name.
	EventName string
	// Callback is a Permission Assist catch hook's callback URL.
	Callback string
	// Type is a Permit webhook's type (create_user, invite_user...).
	Type string
}

// fieldsOf applies the rules to a payload detected (or named) as schema;
// str returns the string at a path of object keys, "" when there is none.
func fieldsOf(schema string, str func(path ...string) string) Fields {
	f := Fields{ID: str("id")}
	switch schema {
	case "permit.invite_user":
		f.UserInviteID = str("user_invite_id")
	case "permission_assist.access_request":
		f.EventName = str("event", "name")
		f.Callback = str("callback")
	}
	if strings.HasPrefix(schema, "permit.") {
		f.Type = str("type")
	}
	return f
}

// docFieldsOf is fieldsOf over the fast path's parsed tree.
func docFieldsOf(d *fastpath.Doc, schema string) Fields {
	return fieldsOf(schema, func(path ...string) string {
		s, _ := d.Str(path...)
		return s
	})
}

// docFields is fieldsOf over a decoded document.
func docFields(schema string, doc any) Fields {
	return fieldsOf(schema, func(path ...string) string {
		v := doc
		for _, key := range path {
			m, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			v = m[key]
		}
		s, _ := v.(string)
		return s
	})
}

// Peek reads raw's fields without validating it: what a record can still
// say of a delivery that is not validated (its signature failed). It costs
// one pass of the fast parser; ok is false when that parser does not take
// raw (not JSON, or repeated keys).
func Peek(raw []byte) (f Fields, ok bool) {
	d, ok := fastpath.Parse(raw)
	if !ok {
		return Fields{}, false
	}
	defer d.Release()
	return docFieldsOf(d, detectDoc(d)), true
}
