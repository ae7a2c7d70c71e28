package payload

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/webhook-tool/webhook-tool/schemas"
)

// TestEventsMatchTheSchema: the events of the Permission Assist schema are
// its list of event names, each with the label and description its if/then
// rule demands, read from the schema at the profile's event pointer.
func TestEventsMatchTheSchema(t *testing.T) {
	t.Parallel()
	raw, err := schemas.FS.ReadFile(schemas.Path("permission_assist.access_request"))
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
	var events []Event
	for _, e := range mustRegistry(t).Events() {
		if e.Schema == "permission_assist.access_request" {
			names = append(names, e.Name)
			events = append(events, e)
		}
	}
	if !slices.Equal(names, ev.Properties.Name.Enum) {
		t.Fatalf("Events names %v, the schema's enum %v", names, ev.Properties.Name.Enum)
	}
	rules := map[string][2]string{}
	for _, r := range ev.AllOf {
		n := r.If.Properties["name"].Const
		rules[n] = [2]string{r.Then.Properties["display"].Const, r.Then.Properties["description"].Const}
	}
	for _, e := range events {
		if got := [2]string{e.Fixed["display"], e.Fixed["description"]}; rules[e.Name] != got || len(e.Fixed) != 2 {
			t.Errorf("event %s has %v, the schema's rule %v", e.Name, e.Fixed, rules[e.Name])
		}
	}
}
