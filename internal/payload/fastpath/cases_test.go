package fastpath_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
)

// TestCaseSwitchAgreesWithV5 aims at the allOf of if/then pairs that the
// fast path evaluates as one switch on event.name: every event name with
// every event's labels, and the name missing, of another type, unknown,
// or written with escapes. Whenever the fast path proves a payload valid,
// v5 must agree; and it must prove every consistent unescaped one.
func TestCaseSwitchAgreesWithV5(t *testing.T) {
	t.Parallel()
	const schema = "permission_assist.access_request"
	b := bundled(t)
	r := rand.New(rand.NewPCG(21, 4))
	base := paygen.PermissionAssist(r)
	event := base["event"].(map[string]any)
	all := paEventLabels(t)
	names := []any{nil, json.Number("1"), true, "", "accessRequestCreated", "AccessRequestCreated ", map[string]any{}}
	for _, a := range all {
		names = append(names, a.name)
	}
	proved := 0
	for _, name := range append(names, "delete") {
		for _, l := range all {
			for _, escape := range []bool{false, true} {
				if name == "delete" {
					delete(event, "name")
				} else {
					event["name"] = name
				}
				event["display"], event["description"] = l.display, l.description
				raw, err := json.MarshalIndent(base, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if s, ok := name.(string); escape && ok && s != "" {
					// The name's first letter as a \u escape.
					raw = bytes.Replace(raw, []byte(fmt.Sprintf("%q", s)), []byte(fmt.Sprintf(`"\u%04x%s"`, s[0], s[1:])), 1)
				}
				doc, ok := decodes(t, raw)
				if !ok {
					t.Fatalf("not JSON:\n%s", raw)
				}
				fast, v5 := b.fastValid(raw, schema), b.v5Valid(doc, schema)
				if fast && !v5 {
					t.Fatalf("the fast path proves name %v (escaped %v) with the labels of %v; v5 does not", name, escape, l.name)
				}
				if fast {
					proved++
				}
				if v5 && !escape && !fast {
					t.Errorf("the fast path leaves a valid payload to v5: name %v, labels of %v", name, l.name)
				}
			}
		}
	}
	if proved == 0 {
		t.Error("the fast path proved nothing")
	}
}

type eventLabels struct{ name, display, description any }

// paEventLabels are the Permission Assist events' names with the labels
// the schema ties to them.
func paEventLabels(t *testing.T) []eventLabels {
	t.Helper()
	var out []eventLabels
	r := rand.New(rand.NewPCG(1, 1))
	seen := map[any]bool{}
	for i := 0; i < 2000 && len(out) < 8; i++ {
		ev := paygen.PermissionAssist(r)["event"].(map[string]any)
		if !seen[ev["name"]] {
			seen[ev["name"]] = true
			out = append(out, eventLabels{ev["name"], ev["display"], ev["description"]})
		}
	}
	if len(out) != 8 {
		t.Fatalf("%d events generated, want 8", len(out))
	}
	return out
}
