package fastpath_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
)

// TestLeafShapesAgreeWithV5 puts values of every JSON type, right and
// wrong and escaped, under a member whose schema is one of the leaf
// shapes evalLeaf checks in one call, and holds the fast path's verdict
// to v5's: valid only where v5 agrees, and proved wherever v5 says valid
// and the value has no escapes (and, for a format, a shape the
// hand-written check knows).
func TestLeafShapesAgreeWithV5(t *testing.T) {
	t.Parallel()
	leaves := []string{
		`{"type": "string", "pattern": "` + fastpath.GUIDPattern + `"}`,
		`{"enum": ["Add", "Remove", "AccessRequestCreated", ""]}`,
		`{"const": "Access Request"}`,
		`{"type": "string", "format": "date-time"}`,
		`{"type": ["string", "null"], "format": "date-time"}`,
		`{"type": "null", "format": "date-time"}`,
		`{"type": "string", "format": "email"}`,
		`{"type": ["null", "string"], "format": "uri"}`,
	}
	values := []string{
		`null`, `true`, `1`, `1.5`, `{}`, `[]`, `""`, `"x"`, `"Add"`, `"\u0041dd"`, `"Remove "`, `"AccessRequestCreated"`,
		`"Access Request"`, `"Access\u0020Request"`, `"e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e26"`,
		`"e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e2g"`, `"e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e26\n"`,
		`"2025-03-07T02:50:00Z"`, `"2025-03-07T02:50:60Z"`, `"2016-12-31T23:59:60Z"`, `"2025-02-30T02:50:00Z"`,
		`"jane.doe@example.com"`, `"a@[127.0.0.1]"`, `"a b@example.com"`, `"https://pa.example.com/cb/1"`,
		`"mailto:a@example.com"`, `"/relative"`, `"https://exa mple.com"`,
	}
	for i, leaf := range leaves {
		schema := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"v": ` + leaf + `}}`
		var doc any
		if err := json.Unmarshal([]byte(schema), &doc); err != nil {
			t.Fatal(err)
		}
		fast, err := fastpath.Compile(doc)
		if err != nil {
			t.Fatalf("%s: %v", leaf, err)
		}
		c := jsonschema.NewCompiler()
		c.Draft, c.AssertFormat = jsonschema.Draft2020, true
		url := fmt.Sprintf("https://example.com/leaf%d.json", i)
		if err := c.AddResource(url, strings.NewReader(schema)); err != nil {
			t.Fatal(err)
		}
		ref, err := c.Compile(url)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			raw := []byte(`{"v": ` + v + `}`)
			inst, ok := decodes(t, raw)
			if !ok {
				t.Fatalf("not JSON: %s", raw)
			}
			v5 := ref.Validate(inst) == nil
			d, ok := fastpath.Parse(raw)
			if !ok {
				t.Fatalf("the fast reader refuses %s", raw)
			}
			got := fast.Valid(d)
			d.Release()
			if got && !v5 {
				t.Errorf("%s: the fast path proves %s; v5 does not", leaf, v)
			}
			if v5 && !got && !strings.Contains(v, `\u`) && provable(leaf, v) {
				t.Errorf("%s: the fast path leaves %s to v5, which says valid", leaf, v)
			}
		}
	}
}

// provable reports whether the fast path should prove v against leaf
// when v5 says valid: a format's hand-written check leaves unusual shapes
// to v5.
func provable(leaf, v string) bool {
	if !strings.Contains(leaf, "format") || !strings.HasPrefix(v, `"`) {
		return true
	}
	for _, s := range []string{"23:59:60", "[127.0.0.1]", "mailto:", "/relative"} {
		if strings.Contains(v, s) {
			return false
		}
	}
	return true
}
