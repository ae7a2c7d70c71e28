package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// write creates files (slash paths) under a new temporary directory.
func write(t *testing.T, files map[string]string) string {
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

func TestBundledProfiles(t *testing.T) {
	t.Parallel()
	if got := BundledNames(); !slices.Equal(got, []string{"permit", "permission_assist"}) {
		t.Fatalf("bundled = %v", got)
	}
	for _, p := range Bundled() {
		if !p.Bundled() || p.Kind != KindDir || p.Fixtures == nil {
			t.Errorf("%s: %+v", p.Name, p)
		}
		set, err := p.LoadSchemas()
		if err != nil || len(set.Schemas) == 0 {
			t.Fatalf("%s: %v", p.Name, err)
		}
		for _, r := range p.Detect {
			if !slices.ContainsFunc(set.Schemas, func(s Schema) bool { return s.Name == r.Schema }) {
				t.Errorf("%s: rule for unknown schema %s", p.Name, r.Schema)
			}
		}
		fx, err := p.FixtureList()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fx {
			if f.Description == "" {
				t.Errorf("%s has no description", f.Name)
			}
		}
		if len(fx) != len(p.Descriptions) {
			t.Errorf("%s: %d fixtures, %d descriptions", p.Name, len(fx), len(p.Descriptions))
		}
	}
	if p, err := Load("permit"); err != nil || p != Bundled()[0] {
		t.Errorf("Load(permit) = %v, %v", p, err)
	}
}

// A profile file: every key read, relative paths from the file's
// directory, not the working directory.
func TestProfileFile(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{
		"conf/shop.profile.yaml": `name: shop
schemas: ../schemas
fixtures: ../samples
scheme: GitHub
event-header: X-Shop-Event
id-header: X-Shop-Delivery
fields:
  id: /delivery/id
  event: /type
  callback: /reply_to
  invite: /invite
  timestamp: /sent_at
detect:
  - schema: orders/created
    equals: {/type: order.created, /version: 2}
  - schema: ping
    has: [zen, /hook/id]
descriptions:
  orders/created: an order
story:
  steps: [a, b]
`,
		"schemas/orders/created.schema.json": `{"type":"object"}`,
		"schemas/ping.json":                  `{"type":"object"}`,
		"samples/orders/created.json":        `{"type":"order.created"}`,
	})
	p, err := Load(filepath.Join(dir, "conf", "shop.profile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "shop" || p.Scheme != "github" || p.EventHeader != "X-Shop-Event" || p.IDHeader != "X-Shop-Delivery" {
		t.Errorf("profile %+v", p)
	}
	if p.Fields != (Fields{ID: "/delivery/id", Event: "/type", Callback: "/reply_to", Invite: "/invite", Timestamp: "/sent_at"}) {
		t.Errorf("fields %+v", p.Fields)
	}
	if len(p.Detect) != 2 || p.Detect[0].Describe() != `"type" is "order.created" and "version" is 2` ||
		p.Detect[1].Describe() != `has "zen" and /hook/id` || p.Detect[1].Line != 16 {
		t.Errorf("detect %+v", p.Detect)
	}
	if p.Story == nil || p.Descriptions["orders/created"] != "an order" {
		t.Errorf("story %v, descriptions %v", p.Story, p.Descriptions)
	}
	set, err := p.LoadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range set.Schemas {
		names = append(names, s.Name+"@"+s.Group)
	}
	if !slices.Equal(names, []string{"orders/created@orders", "ping@ping"}) {
		t.Errorf("schemas %v", names)
	}
	fx, err := p.FixtureList()
	if err != nil || len(fx) != 1 || fx[0].Name != "shop.orders/created" || fx[0].Description != "an order" {
		t.Errorf("fixtures %+v, %v", fx, err)
	}
	if p.IDPointer() != "/delivery/id" || p.Qualify("ping") != "shop.ping" {
		t.Errorf("IDPointer %q Qualify %q", p.IDPointer(), p.Qualify("ping"))
	}
}

func TestLoaderErrors(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{
		"schemas/a.json": `{}`,
		"api.yaml":       "openapi: 3.1.0\ninfo: {title: x, version: '1'}\nwebhooks: {}\n",
		"swagger.yaml":   "swagger: '2.0'\n",
		"schema.json":    `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}`,
		"other.yaml":     "hello: world\n",
	})
	n := 0
	profile := func(text string) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("p%d.yaml", n))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		spec      string
		line      int
		msg, hint string
	}{
		{profile("name: x\nschemas: ./schemas\nschem: github\n"), 3, `unknown key "schem" in the profile`, `did you mean "scheme"?`},
		{profile("name: x\nschemas: ./schemas\nfields:\n  evnt: /type\n"), 4, `unknown key "evnt" in fields`, `did you mean "event"?`},
		{profile("name: x\nschemas: ./schemas\ndetect:\n  - schema: a\n    equal: {/t: 1}\n"), 5, `unknown key "equal" in a detect rule`, `did you mean "equals"?`},
		{profile("name: x\nschemas: ./schemas\ndetect:\n  - schema: a\n"), 4, "detect rule for a has no condition", ""},
		{profile("name: x\nschemas: ./schemas\nfields:\n  event: type\n"), 4, `fields.event "type" is not a JSON Pointer`, `"/type"`},
		{profile("name: x.y\nschemas: ./schemas\n"), 1, `invalid name "x.y"`, ""},
		{profile("schemas: ./schemas\n"), 1, "no name", "name: NAME"},
		{profile("name: x\n"), 1, "no schemas", ""},
		{profile("name: x\nschemas: ./nope\n"), 2, "schemas ./nope: no such file or directory", "profile file's directory"},
		{profile("name: x\nschemas: ./schemas\nstory: ./nope.yaml\n"), 3, "story ./nope.yaml: no such file or directory", "profile file's directory"},
		{profile("name: x\nschemas: ./schemas\nstory: ./schemas\n"), 3, "story ./schemas: is a directory", ""},
		{profile("name: x\nschemas: ./schemas\nscheme: hmac\n"), 3, `unknown scheme "hmac"`, "schemes: standard"},
		{profile("name: x\nschemas: ./schemas\nevent-header: 'X Event'\n"), 3, `event-header "X Event" is not a header name`, ""},
		{profile("name: &a x\nschemas: *a\n"), 2, "YAML aliases are not allowed", ""},
		{profile("name: x\nname: y\nschemas: ./schemas\n"), 2, `key "name" given twice`, ""},
		{profile("name: [x\n"), 0, "invalid YAML or JSON", ""},
		{profile("- a\n"), 1, "expected a mapping", ""},
		{filepath.Join(dir, "api.yaml"), 0, "OpenAPI document has no webhooks", "x-webhooks (3.0)"},
		{filepath.Join(dir, "swagger.yaml"), 0, `OpenAPI version "2.0" is not supported`, ""},
		{filepath.Join(dir, "schema.json"), 0, "this is a JSON Schema, not a profile", "--schema"},
		{filepath.Join(dir, "other.yaml"), 0, "not a profile file", ""},
		{"permitt", 0, "no such bundled profile, file or directory", `did you mean "permit"?`},
	} {
		_, err := Load(tc.spec)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want *Error", tc.spec, err)
			continue
		}
		if pe.Line != tc.line || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(pe.Hint, tc.hint) {
			t.Errorf("%s: line %d, %q, hint %q; want line %d, %q, hint with %q", tc.spec, pe.Line, err, pe.Hint, tc.line, tc.msg, tc.hint)
		}
	}
}

func TestLoadAll(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{"hooks/a.json": `{}`, "hooks2/permit/b.json": `{}`})
	ps, err := LoadAll(nil)
	if err != nil || len(ps) != 2 {
		t.Fatalf("default: %v, %v", ps, err)
	}
	ps, err = LoadAll([]string{"permit," + filepath.Join(dir, "hooks")})
	if err != nil || len(ps) != 2 || ps[0].Name != "permit" || ps[1].Name != "hooks" || ps[1].Kind != KindDir {
		t.Fatalf("comma list: %v, %v", ps, err)
	}
	_, err = LoadAll([]string{"permit", filepath.Join(dir, "hooks2", "permit")})
	if err == nil || !strings.Contains(err.Error(), `its name "permit" is taken by profile bundled`) {
		t.Errorf("duplicate name: %v", err)
	}
}

// Relative $ids resolve against the schema directory, not the file; the
// document is rewritten only when its $id is relative.
func TestSchemaResourceURLs(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{
		"issues/opened.json":   `{"$id": "issues$opened", "$ref": "common/user.json"}`,
		"common/user.json":     `{"$id": "common/user.json", "type": "object"}`,
		"absolute.json":        `{"$id": "https://example.com/a.json"}`,
		"plain.schema.json":    `{"type": "string"}`,
		"old.json":             `{"$schema": "http://json-schema.org/draft-04/schema#", "id": "old"}`,
		"nested/.hidden.json":  `{}`,
		"nested/not-json.yaml": `a: b`,
	})
	p, err := Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := p.LoadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	base := p.Schemas.URL
	want := map[string]string{
		"absolute":      "https://example.com/a.json",
		"common/user":   base + "common/user.json",
		"issues/opened": base + "issues$opened",
		"old":           base + "old",
		"plain":         base + "plain.schema.json",
	}
	if len(set.Schemas) != len(want) {
		t.Fatalf("schemas %+v", set.Schemas)
	}
	for i, s := range set.Schemas {
		if s.URL != want[s.Name] || set.Resources[i].URL != s.URL {
			t.Errorf("%s: URL %s, want %s", s.Name, s.URL, want[s.Name])
		}
		rewritten := strings.Contains(string(set.Resources[i].Raw), base)
		if rewritten != (s.Name == "issues/opened" || s.Name == "common/user" || s.Name == "old") {
			t.Errorf("%s: raw %s", s.Name, set.Resources[i].Raw)
		}
	}
}

// A spec given twice (as the shell completion's parse does) is one
// profile, however it is spelled.
func TestLoadAllSameTwice(t *testing.T) {
	dir := write(t, map[string]string{"p.yaml": "name: p\nschemas: ./s\n", "s/a.json": `{}`})
	t.Chdir(dir)
	ps, err := LoadAll([]string{"p.yaml", "./p.yaml", filepath.Join(dir, "p.yaml")})
	if err != nil || len(ps) != 1 {
		t.Fatalf("%v, %v", ps, err)
	}
}
