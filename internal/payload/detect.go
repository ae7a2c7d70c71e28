package payload

import "fmt"

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

// NoMatchError says no detection rule matched a payload.
type NoMatchError struct{}

func (NoMatchError) Error() string {
	s := "no schema matches this payload (tried"
	for i, r := range DetectRules {
		sep := ","
		if i == 0 {
			sep = ""
		}
		s += fmt.Sprintf("%s %s", sep, r.Schema)
	}
	return s + ")"
}
