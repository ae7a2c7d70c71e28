package payload

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/webhook-tool/webhook-tool/schemas"
)

// TestEventsMatchTheSchema: Events is the bundled schema's list of event
// names, each with the label and description its if/then rule demands.
func TestEventsMatchTheSchema(t *testing.T) {
	raw, err := schemas.FS.ReadFile("permission_assist.access_request.json")
	if err != nil {
		t.Fatal(err)
	}
	type consts struct {
		Properties map[string]struct {
			Const string `json:"const"`
		} `json:"properties"`
	}
	var doc struct {
		Properties struct {
			Event struct {
				Properties struct {
					Name struct {
						Enum []string `json:"enum"`
					} `json:"name"`
				} `json:"properties"`
				AllOf []struct {
					If   consts `json:"if"`
					Then consts `json:"then"`
				} `json:"allOf"`
			} `json:"event"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	ev := doc.Properties.Event
	var names []string
	for _, e := range Events {
		names = append(names, e.Name)
	}
	if !slices.Equal(names, ev.Properties.Name.Enum) {
		t.Fatalf("Events names %v, the schema's enum %v", names, ev.Properties.Name.Enum)
	}
	rules := map[string]Event{}
	for _, r := range ev.AllOf {
		n := r.If.Properties["name"].Const
		rules[n] = Event{n, r.Then.Properties["display"].Const, r.Then.Properties["description"].Const}
	}
	for _, e := range Events {
		if rules[e.Name] != e {
			t.Errorf("Events has %+v, the schema's rule %+v", e, rules[e.Name])
		}
	}
}
