package payload

import (
	"fmt"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
)

// DetectRules lists the detection rules in the order they are tried, as
// PRODUCT.md defines them; used in the error when nothing matches.
var DetectRules = []struct{ Schema, When string }{
	{"permit.create_user", `"type" is "create_user"`},
	{"permit.invite_user", `"type" is "invite_user"`},
	{"permit.role_assignment", `"type" is "role_assignment"`},
	{"permit.access_request", `has "access_request_details"`},
	{"permit.operation_approval", `has "operation_approval_details"`},
	{"permission_assist.access_request", `has "event" and "callback"`},
}

// Detect names the bundled schema that applies to a decoded payload, or ""
// when no rule matches.
func Detect(doc any) string {
	m, ok := doc.(map[string]any)
	if !ok {
		return ""
	}
	typ, _ := m["type"].(string)
	return detectBy(typ, func(key string) bool { _, ok := m[key]; return ok })
}

// detectDoc is Detect over the fast path's parsed tree.
func detectDoc(d *fastpath.Doc) string {
	typ, ok := d.Str("type")
	if !ok {
		return ""
	}
	return detectBy(typ, d.Has)
}

// detectBy applies the rules of DetectRules to an object's "type" string
// ("" when absent or not a string) and its keys: the one copy of the rules,
// shared by Detect and the fast path's parsed form.
func detectBy(typ string, has func(key string) bool) string {
	switch typ {
	case "create_user":
		return "permit.create_user"
	case "invite_user":
		return "permit.invite_user"
	case "role_assignment":
		return "permit.role_assignment"
	}
	switch {
	case has("access_request_details"):
		return "permit.access_request"
	case has("operation_approval_details"):
		return "permit.operation_approval"
	case has("event") && has("callback"):
		return "permission_assist.access_request"
	}
	return ""
}

// NoMatchError says no detection rule matched a payload. Closest, when
// set, is the bundled schema the payload looks meant for, and Why says what
// keeps it from being detected as that. Tried names the schema-directory
// schemas whose rules were tried before the bundled ones; Undetectable
// those that have no rule (no top-level const property).
type NoMatchError struct {
	Closest, Why string
	Tried        []string
	Undetectable []string
}

func (e NoMatchError) Error() string {
	names := slices.Clone(e.Tried)
	for _, r := range DetectRules {
		names = append(names, r.Schema)
	}
	s := "no schema matches this payload (tried " + strings.Join(names, ", ") + ")"
	if len(e.Undetectable) > 0 {
		s += fmt.Sprintf("; %s %s no top-level \"const\" property to be detected by", strings.Join(e.Undetectable, ", "),
			map[bool]string{true: "has", false: "have"}[len(e.Undetectable) == 1])
	}
	if e.Closest != "" {
		s += fmt.Sprintf("; it looks like %s, but %s: --schema %s shows what is wrong", e.Closest, e.Why, e.Closest)
	}
	return s
}

// noMatch is the NoMatchError for a decoded payload that no rule matched,
// naming the schema it comes closest to: a Permit "type" in another case or
// with other separators ("Create-User"), or half of the Permission Assist
// rule.
func noMatch(doc any) NoMatchError {
	m, ok := doc.(map[string]any)
	if !ok {
		return NoMatchError{}
	}
	if typ, ok := m["type"].(string); ok {
		norm := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(typ)))
		for _, t := range []string{"create_user", "invite_user", "role_assignment"} {
			if norm == t {
				return NoMatchError{Closest: "permit." + t, Why: fmt.Sprintf("its \"type\" is %q, not %q", typ, t)}
			}
		}
	}
	_, ev := m["event"]
	_, cb := m["callback"]
	switch {
	case ev && !cb:
		return NoMatchError{Closest: "permission_assist.access_request", Why: `it has "event" and no "callback"`}
	case cb && !ev:
		return NoMatchError{Closest: "permission_assist.access_request", Why: `it has "callback" and no "event"`}
	}
	return NoMatchError{}
}
