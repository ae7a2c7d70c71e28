package record_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// TestRuleAndForwardsReadBack: the "rule" field is a rule's name (a JSON
// string) or its number, and "forwards" the targets after the first; a
// record file holding them reads back as written.
func TestRuleAndForwardsReadBack(t *testing.T) {
	t.Parallel()
	in := []*record.Record{
		{Method: "POST", Status: 503, Rule: &record.RuleRef{Number: 2}},
		{Method: "POST", Status: 204, Rule: &record.RuleRef{Name: "created-204 <&>"},
			Forward:  &record.Forward{URL: "http://a/", Status: 200, DurationMS: 1.5},
			Forwards: []record.Forward{{URL: "http://b/", Error: "refused"}, {URL: "http://c/", Status: 500}}},
		{Method: "POST", Status: 200},
	}
	var file bytes.Buffer
	for _, rec := range in {
		line, err := record.Marshal(nil, rec)
		if err != nil {
			t.Fatal(err)
		}
		file.Write(bytes.Replace(line, []byte(`{"seq":0`), []byte(`{"seq":1`), 1))
	}
	if !strings.Contains(file.String(), `"status":503,"rule":2}`) || !strings.Contains(file.String(), `"rule":"created-204 <&>","forward":{`) {
		t.Fatalf("record lines:\n%s", file.String())
	}
	r := record.NewReader(&file)
	for i, want := range in {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i+1, err)
		}
		switch {
		case (got.Rule == nil) != (want.Rule == nil), got.Rule != nil && *got.Rule != *want.Rule:
			t.Errorf("record %d: rule %+v, want %+v", i+1, got.Rule, want.Rule)
		case len(got.Forwards) != len(want.Forwards):
			t.Errorf("record %d: forwards %+v, want %+v", i+1, got.Forwards, want.Forwards)
		}
		for j := range want.Forwards {
			if got.Forwards[j] != want.Forwards[j] {
				t.Errorf("record %d: forwards[%d] %+v, want %+v", i+1, j, got.Forwards[j], want.Forwards[j])
			}
		}
	}
	if s := (record.RuleRef{Number: 3}).String() + ", " + (record.RuleRef{Name: "slow"}).String(); s != "rule 3, slow" {
		t.Errorf("String: %s", s)
	}
	var bad record.RuleRef
	if err := bad.UnmarshalJSON([]byte(`{"x":1}`)); err == nil {
		t.Error("a rule that is an object read")
	}
}
