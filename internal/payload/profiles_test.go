package payload

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// tree writes files (slash paths) under a new temporary directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openProfiles(t *testing.T, specs ...string) *Registry {
	t.Helper()
	ps, err := profile.LoadAll(specs)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(ps)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// hub is a provider whose event header names the schema's directory and
// whose events share action names across directories.
func hub(t *testing.T) string {
	return tree(t, map[string]string{
		"hub.yaml": "name: hub\nschemas: ./s\nevent-header: X-Hub-Event\nfields: {event: /action, id: /delivery}\n" +
			"detect:\n  - schema: legacy\n    has: [legacy_token, zen]\n",
		"s/issues/edited.json":       `{"type":"object","required":["issue"],"properties":{"action":{"const":"edited"},"issue":{"type":"object"}}}`,
		"s/pull_request/edited.json": `{"type":"object","required":["pull_request"],"properties":{"action":{"const":"edited"},"pull_request":{"type":"object"}}}`,
		"s/ping.json":                `{"type":"object","required":["zen"]}`,
		"s/legacy.json":              `{"type":"object","properties":{"kind":{"enum":["Legacy"]}}}`,
		"s/kind.json":                `{"type":"object","properties":{"kind":{"enum":["Modern"]}}}`,
	})
}

// Detection order: the event header first (one schema left is the one,
// even against its rule), then the rules, then what the payload fits.
func TestDetectionOrder(t *testing.T) {
	t.Parallel()
	dir := hub(t)
	reg := openProfiles(t, filepath.Join(dir, "hub.yaml"))
	header := func(v string) http.Header { return http.Header{"X-Hub-Event": {v}} }
	for _, tc := range []struct {
		name, body string
		h          http.Header
		schema     string
		valid      bool
		err        string
	}{
		{"rule, then what fits", `{"action":"edited","issue":{}}`, nil, "hub.issues/edited", true, ""},
		{"rule, then what fits (2)", `{"action":"edited","pull_request":{}}`, nil, "hub.pull_request/edited", true, ""},
		{"header narrows", `{"action":"edited","pull_request":{}}`, header("issues"), "hub.issues/edited", false, ""},
		{"header names one schema", `{"hello":1}`, header("ping"), "hub.ping", false, ""},
		{"header in another case", `{"zen":"z"}`, header("PING"), "hub.ping", true, ""},
		{"unknown header value: ignored", `{"action":"edited","issue":{}}`, header("stars"), "hub.issues/edited", true, ""},
		{"no rule matches: the rule-less schema it fits", `{"zen":"z"}`, nil, "hub.ping", true, ""},
		{"explicit rule", `{"legacy_token":"t","zen":"z"}`, nil, "hub.legacy", true, ""},
		{"one-value enum", `{"kind":"Modern"}`, nil, "hub.kind", true, ""},
		{"an explicit rule replaces the schema's consts", `{"kind":"Legacy"}`, nil, "", false, "no schema matches"},
		{"nothing fits", `{"action":"edited"}`, nil, "", false, "no schema fits this payload (candidates hub.issues/edited, hub.pull_request/edited); closest is hub.issues/edited: /: missing required property \"issue\""},
		{"nothing matches", `{"action":"starred"}`, nil, "", false, "no schema matches this payload (tried hub.legacy, hub.issues/edited, hub.kind, hub.pull_request/edited); hub.ping has no top-level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := reg.CheckDelivery([]byte(tc.body), "", tc.h)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !IsDetection(err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || res.Schema != tc.schema || res.Valid != tc.valid {
				t.Fatalf("got %q valid %v, %v; want %q %v", res.Schema, res.Valid, err, tc.schema, tc.valid)
			}
		})
	}
	if got := reg.EventSchemas(header("pull_request")); !slices.Equal(got, []string{"hub.pull_request/edited"}) {
		t.Errorf("EventSchemas = %v", got)
	}
	if got := reg.EventSchemas(nil); got != nil {
		t.Errorf("EventSchemas(nil) = %v", got)
	}
}

// Two schemas the payload fits equally: an error naming both.
func TestAmbiguous(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{"a.json": `{"type":"object"}`, "b.json": `{"type":"object"}`})
	reg := openProfiles(t, dir)
	_, err := reg.Check([]byte(`{}`), "")
	var ae *AmbiguousError
	if !errors.As(err, &ae) || !slices.Equal(ae.Schemas, []string{filepath.Base(dir) + ".a", filepath.Base(dir) + ".b"}) {
		t.Fatalf("err = %v", err)
	}
}

// The near-miss hints come from the rules: any profile's, not only the
// bundled ones.
func TestNearMissFromRules(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{
		"p.yaml": "name: crm\nschemas: ./s\ndetect:\n  - schema: contact\n    equals: {/kind: contact.created}\n" +
			"  - schema: deal\n    has: [deal, stage]\n",
		"s/contact.json": `{}`,
		"s/deal.json":    `{}`,
	})
	reg := openProfiles(t, filepath.Join(dir, "p.yaml"))
	for body, want := range map[string]string{
		`{"kind":"Contact-Created"}`: `it looks like crm.contact, but its "kind" is "Contact-Created", not "contact.created"`,
		`{"stage":"won"}`:            `it looks like crm.deal, but it has "stage" and no "deal"`,
		`{"kind":"other"}`:           "",
	} {
		_, err := reg.Check([]byte(body), "")
		var nm NoMatchError
		if !errors.As(err, &nm) {
			t.Fatalf("%s: %v", body, err)
		}
		if want == "" && nm.Closest != "" || want != "" && !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q, want %q", body, err, want)
		}
	}
}

// The fields come from the profile's pointers.
func TestFieldsFromProfile(t *testing.T) {
	t.Parallel()
	dir := hub(t)
	reg := openProfiles(t, filepath.Join(dir, "hub.yaml"))
	res, err := reg.Check([]byte(`{"action":"edited","issue":{},"delivery":"d-1","id":"not this"}`), "")
	if err != nil || res.Fields != (Fields{ID: "d-1", Event: "edited"}) {
		t.Fatalf("fields %+v, %v", res.Fields, err)
	}
	if res.EventLabel() != "" {
		t.Errorf("the schema's name says the event: label %q", res.EventLabel())
	}
	f, ok := reg.Peek([]byte(`{"legacy_token":"t","zen":"z","action":"x","delivery":"d-2"}`), nil)
	if !ok || f != (Fields{ID: "d-2", Event: "x"}) {
		t.Errorf("Peek %+v %v", f, ok)
	}
}

const openAPI30 = `{
  "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
  "x-webhooks": {
    "thing": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}
  },
  "components": {"schemas": {
    "Thing": {"type": "object", "required": ["name", "size", "kind", "owner", "tags"], "properties": {
      "name": {"type": "string", "nullable": true},
      "size": {"type": "integer", "minimum": 1, "exclusiveMinimum": true},
      "kind": {"type": "string", "enum": ["a", "b"], "nullable": true},
      "owner": {"$ref": "#/components/schemas/Owner"},
      "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "format": "uuid"}}
    }},
    "Owner": {"type": "object", "nullable": true, "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}}
  }}
}`

// OpenAPI 3.0: compiled in place, nullable rewritten, boolean
// exclusiveMinimum as draft 04 reads it; the generated payload validates.
func TestOpenAPI30(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{"api.json": openAPI30})
	reg := openProfiles(t, filepath.Join(dir, "api.json"))
	ok := `{"name":null,"size":2,"kind":null,"owner":null,"tags":["3b1f0c9e-2f4a-4d6b-9a51-7c0e8d2f6a10","9d2e4b6a-1c3f-4e5a-8b7c-0d1e2f3a4b5c"]}`
	if res, err := reg.Check([]byte(ok), "api.thing"); err != nil || !res.Valid {
		t.Fatalf("%+v, %v", res, err)
	}
	res, err := reg.Check([]byte(`{"name":1,"size":1,"kind":"c","owner":{"email":"x"},"tags":["a","b"]}`), "api.thing")
	if err != nil || res.Valid {
		t.Fatalf("%+v, %v", res, err)
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.InstanceLocation)
	}
	if !slices.Equal(got, []string{"/name", "/size", "/kind", "/owner/email", "/tags/0", "/tags/1"}) {
		t.Errorf("errors at %v: %+v", got, res.Errors)
	}

	p, _ := profile.Load(filepath.Join(dir, "api.json"))
	fx, err := p.FixtureList()
	if err != nil || len(fx) != 1 || !fx[0].Generated {
		t.Fatalf("fixtures %+v, %v", fx, err)
	}
	raw, err := fx[0].Load()
	if err != nil {
		t.Fatal(err)
	}
	res, err = reg.Check(raw, "")
	if err != nil || !res.Valid || res.Schema != "api.thing" {
		t.Fatalf("generated %s: %+v, %v", raw, res, err)
	}
}

// A --schema FILE that is an OpenAPI document is never a schema that
// accepts everything.
func TestResolveOpenAPI(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{
		"one.json": openAPI30,
		"two.yaml": "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n" +
			"  a: {post: {requestBody: {content: {application/json: {schema: {type: object}}}}}}\n" +
			"  b: {post: {requestBody: {content: {application/json: {schema: {type: array}}}}}}\n",
	})
	reg := mustRegistry(t)
	name, err := reg.Resolve(filepath.Join(dir, "one.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := reg.Check([]byte(`{}`), name); err != nil || res.Valid {
		t.Errorf("an empty object against the one webhook: %+v, %v", res, err)
	}
	_, err = reg.Resolve(filepath.Join(dir, "two.yaml"))
	var oe *OpenAPIError
	if !errors.As(err, &oe) || !slices.Equal(oe.Webhooks, []string{"a", "b"}) {
		t.Errorf("two webhooks: %v", err)
	}
}

// A union of the provider's events fits whatever a member fits: the
// member is chosen.
func TestUnionSchemaYields(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{
		"delete/event.json": `{"$id": "delete$event", "type": "object", "required": ["ref", "ref_type"], "properties": {"ref_type": {"enum": ["tag", "branch"]}}}`,
		"ping/event.json":   `{"$id": "ping$event", "type": "object", "required": ["zen"]}`,
		"events.json":       `{"$id": "events", "oneOf": [{"$ref": "delete$event"}, {"$ref": "ping$event"}]}`,
	})
	reg := openProfiles(t, dir)
	base := filepath.Base(dir)
	res, err := reg.Check([]byte(`{"ref": "main", "ref_type": "branch"}`), "")
	if err != nil || res.Schema != base+".delete/event" || !res.Valid {
		t.Fatalf("%+v, %v", res, err)
	}
	if res, err := reg.Check([]byte(`{"ref": "main", "ref_type": "branch"}`), base+".events"); err != nil || !res.Valid {
		t.Errorf("the union by name: %+v, %v", res, err)
	}
}
