package payload

import (
	"bytes"
	"testing"
)

// Check carries the fields a receiver needs, by the formats' rules, on the
// fast path and on the slow one alike, valid or not.
func TestCheckFields(t *testing.T) {
	t.Parallel()
	reg := mustRegistry(t)
	invite := fixture(t, "permit.invite_user")
	pa := fixture(t, "permission_assist.access_request_created")
	createUser := fixture(t, "permit.create_user")
	tests := []struct {
		name   string
		raw    []byte
		schema string
		want   Fields
		fast   bool // proved valid on the fast path
	}{
		{"invite", invite, "", Fields{Invite: topString(t, invite, "user_invite_id"), Event: "invite_user"}, true},
		{"invite, invalid", bytes.Replace(invite, []byte(`"email"`), []byte(`"e"`), 1), "", Fields{Invite: topString(t, invite, "user_invite_id"), Event: "invite_user"}, false},
		{"create user: the type", createUser, "", Fields{Event: "create_user"}, true},
		{"permission assist", pa, "", Fields{ID: topString(t, pa, "id"), Event: "AccessRequestCreated", Callback: topString(t, pa, "callback")}, true},
		{"no schema matches: only the id", []byte(`{"id":"x-1","user_invite_id":"no","event":{"name":"n"}}`), "", Fields{ID: "x-1"}, false},
		{"escaped id", []byte(`{"id":"a\u002db","user_invite_id":"u"}`), "", Fields{ID: "a-b"}, false},
		{"not strings", []byte(`{"id":5,"type":"invite_user","user_invite_id":null}`), "", Fields{Event: "invite_user"}, false},
		{"not JSON", []byte(`{"id":`), "", Fields{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := reg.Check(tt.raw, tt.schema)
			if res.Fields != tt.want {
				t.Errorf("fields %+v, want %+v", res.Fields, tt.want)
			}
			if _, ok := reg.fastValid(tt.raw, tt.schema); ok != tt.fast {
				t.Errorf("fast path %v, want %v", ok, tt.fast)
			}
			if tt.fast {
				// The slow path reads the same fields.
				slow, _ := reg.checkV5(tt.raw, tt.schema, nil)
				if slow.Fields != res.Fields {
					t.Errorf("slow path %+v, fast %+v", slow.Fields, res.Fields)
				}
			}
		})
	}
}

// topString is the top-level string key of the JSON object raw.
func topString(t *testing.T, raw []byte, key string) string {
	t.Helper()
	doc, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := doc.(map[string]any)[key].(string)
	if s == "" {
		t.Fatalf("fixture has no %s", key)
	}
	return s
}
