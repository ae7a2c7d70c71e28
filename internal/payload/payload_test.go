package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/fixtures"
)

func mustRegistry(t testing.TB, dirs ...string) *Registry {
	t.Helper()
	r, err := NewRegistry(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fixtures.FS.ReadFile(fixtures.Path(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mutate decodes raw, applies f, and re-encodes with indentation so line
// numbers are meaningful.
func mutate(t *testing.T, raw []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func obj(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

func TestEveryFixtureValidatesAgainstItsSchema(t *testing.T) {
	t.Parallel()
	reg := mustRegistry(t)
	files, _ := fs.Glob(fixtures.FS, "*/*.json")
	if len(files) != 14 {
		t.Fatalf("want 14 fixtures, got %d", len(files))
	}
	for _, f := range files {
		name := fixtures.Name(f)
		res, err := reg.Check(fixture(t, name), "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !res.Valid {
			t.Errorf("%s is invalid: %+v", name, res.Errors)
		}
		want := name
		if strings.HasPrefix(name, "permission_assist.") {
			want = "permission_assist.access_request"
		}
		if name == "permit.invite_user_rebac" {
			want = "permit.invite_user"
		}
		if res.Schema != want {
			t.Errorf("%s detected as %q, want %q", name, res.Schema, want)
		}
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`{"type":"create_user"}`:            "permit.create_user",
		`{"type":"invite_user"}`:            "permit.invite_user",
		`{"type":"role_assignment"}`:        "permit.role_assignment",
		`{"access_request_details":{}}`:     "permit.access_request",
		`{"operation_approval_details":{}}`: "permit.operation_approval",
		`{"event":{},"callback":"x"}`:       "permission_assist.access_request",
		`{"event":{}}`:                      "",
		`{"type":"delete_user"}`:            "",
		`[1,2]`:                             "",
		`"text"`:                            "",
	}
	reg := mustRegistry(t)
	for in, want := range cases {
		doc, serr := Decode([]byte(in))
		if serr != nil {
			t.Fatalf("%s: %v", in, serr.Message)
		}
		if got := reg.Detect(doc, nil); got != want {
			t.Errorf("Detect(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestNoMatchNamesTheSchemasTried(t *testing.T) {
	t.Parallel()
	_, err := mustRegistry(t).Check([]byte(`{"hello":"world"}`), "")
	var nm NoMatchError
	if !errors.As(err, &nm) {
		t.Fatalf("want NoMatchError, got %v", err)
	}
	for _, r := range mustRegistry(t).DetectRules() {
		if !strings.Contains(err.Error(), r.Schema) {
			t.Errorf("error %q does not name %s", err, r.Schema)
		}
	}
}

// TestMessages checks the words, pointer and position of each kind of
// failure on the Permission Assist schema.
func TestMessages(t *testing.T) {
	t.Parallel()
	reg := mustRegistry(t)
	base := fixture(t, "permission_assist.access_request_created")
	cases := []struct {
		name    string
		mutate  func(m map[string]any)
		ptr     string
		keyword string
		message string
	}{
		{"enum", func(m map[string]any) { obj(m, "event", "request")["action"] = "Delete" },
			"/event/request/action", "enum", `must be one of Add, Change, Remove, Suspend, Restore; got "Delete"`},
		{"const", func(m map[string]any) { obj(m, "event", "request")["kind"] = "Ticket" },
			"/event/request/kind", "const", `must be "Access Request"; got "Ticket"`},
		{"required at parent", func(m map[string]any) { delete(obj(m, "event", "request"), "status") },
			"/event/request", "required", `missing required property "status"`},
		{"type integer", func(m map[string]any) { obj(m, "event", "request")["number"] = "1042" },
			"/event/request/number", "type", `must be an integer; got string "1042"`},
		{"nullable type", func(m map[string]any) { obj(m, "event", "request")["approvedOn"] = 5 },
			"/event/request/approvedOn", "type", `must be a string or null; got number 5`},
		{"date-time format", func(m map[string]any) { m["createdDate"] = "yesterday" },
			"/createdDate", "format", `must be an RFC 3339 date-time like 2025-12-01T14:30:05Z; got "yesterday"`},
		{"uri format", func(m map[string]any) { m["callback"] = "not a url" },
			"/callback", "format", `must be an absolute URI like https://example.com/path; got "not a url"`},
		{"email format", func(m map[string]any) {
			obj(m, "event", "request", "target", "affectedIdentity")["emailAddress"] = "rachel"
		}, "/event/request/target/affectedIdentity/emailAddress", "format", `must be an email address; got "rachel"`},
		{"guid", func(m map[string]any) { m["id"] = "1234" },
			"/id", "pattern", `must be a GUID (8-4-4-4-12 hex digits, like f1e2d3c4-b5a6-7890-abcd-ef1234567890); got "1234"`},
		{"display follows name", func(m map[string]any) { obj(m, "event")["display"] = "Created" },
			"/event/display", "const", `must be "Access Request Created"; got "Created" (event.display and event.description must be the UI label and description of AccessRequestCreated)`},
		{"nomenclature only for groups", func(m map[string]any) {
			obj(m, "event", "request", "target")["nomenclature"] = "CN=Tellers"
		}, "/event/request/target/nomenclature", "false", `property "nomenclature" is not allowed here`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := mutate(t, base, c.mutate)
			res, err := reg.Check(raw, "")
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid {
				t.Fatal("mutated payload is valid")
			}
			var found *Error
			for i, e := range res.Errors {
				if e.InstanceLocation == c.ptr && e.Keyword == c.keyword {
					found = &res.Errors[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s error at %s in %+v", c.keyword, c.ptr, res.Errors)
			}
			if !strings.HasPrefix(found.Message, c.message) {
				t.Errorf("message %q, want prefix %q", found.Message, c.message)
			}
			// The reported position must be where the value (or, for a
			// missing property, its parent) starts in the file.
			line, col := found.Line, found.Column
			lines := strings.Split(string(raw), "\n")
			if line < 1 || line > len(lines) {
				t.Fatalf("line %d out of range", line)
			}
			at := []rune(lines[line-1])[col-1:]
			want := valueStart(t, raw, c.ptr)
			if !strings.HasPrefix(string(at), want) {
				t.Errorf("at %d:%d found %q, want the value %q", line, col, string(at), want)
			}
		})
	}
}

// valueStart is the first bytes of the value at ptr, as the encoder wrote it.
func valueStart(t *testing.T, raw []byte, ptr string) string {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	v, ok := jsonptr.Get(doc, ptr)
	if !ok {
		t.Fatalf("no value at %s", ptr)
	}
	b, _ := json.Marshal(v)
	if len(b) > 1 {
		return string(b[:1])
	}
	return string(b)
}

func TestPositionsInTheFileAsWritten(t *testing.T) {
	t.Parallel()
	raw := []byte("{\n  \"type\": \"create_user\",\n  \"email\": \"ok@example.com\",\n  \"tenant_key\": 7,\n  \"role\": \"admin\",\n  \"permission_level\": \"ä\"\n}\n")
	res, err := mustRegistry(t).Check(raw, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || len(res.Errors) != 1 {
		t.Fatalf("want one error, got %+v", res.Errors)
	}
	e := res.Errors[0]
	if e.InstanceLocation != "/tenant_key" || e.Line != 4 || e.Column != 17 {
		t.Errorf("got %s at %d:%d, want /tenant_key at 4:17", e.InstanceLocation, e.Line, e.Column)
	}
}

func TestLocatorHandlesEscapesDuplicatesAndUnicode(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"a/b": {"x": 1}, "q\"k": [10, "é", {"z": true}], "d": 1, "d": 2}`)
	l := newLocator(raw)
	cases := map[string]string{
		"":           `{"a/b"`,
		"/a~1b/x":    "1}",
		`/q"k/2/z`:   "true",
		`/q"k/1`:     `"é"`,
		"/d":         "2}",
		"/missing/x": `{"a/b"`,
	}
	for ptr, want := range cases {
		off := l.offset(ptr)
		if !bytes.HasPrefix(raw[off:], []byte(want)) {
			t.Errorf("offset(%q) points at %q, want %q", ptr, raw[off:min(off+10, len(raw))], want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	cases := []struct {
		name, in, msg string
		line, col     int
	}{
		{"empty", "", "empty file", 1, 1},
		{"spaces only", "  \n ", "empty file", 1, 1},
		{"truncated", "{\n  \"a\": [1, 2\n", "unexpected end of input", 2, 13},
		{"bad token", "{\n  \"a\": tru }", "invalid character", 2, 11},
		{"trailing data", "{}\n{}", "unexpected data after the top-level value", 2, 1},
		{"invalid utf-8", "{\"a\": \"x\xff\"}", "invalid UTF-8 byte 0xff", 1, 9},
		{"byte order mark", "\xef\xbb\xbf{\"a\": 1}", "byte order mark (BOM)", 1, 1},
		{"too deep", deep, "exceeded max depth", 1, 10001},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, e := Decode([]byte(c.in))
			if e == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(e.Message, c.msg) {
				t.Errorf("message %q does not contain %q", e.Message, c.msg)
			}
			if e.Line != c.line || e.Column != c.col {
				t.Errorf("at %d:%d, want %d:%d", e.Line, e.Column, c.line, c.col)
			}
		})
	}
}

func TestSchemaDirAndPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	custom := `{"$schema":"http://json-schema.org/draft-04/schema#","title":"Order","type":"object","required":["order_id"],"properties":{"order_id":{"type":"integer"}}}`
	if err := os.WriteFile(filepath.Join(dir, "shop.order.schema.json"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := mustRegistry(t, dir)
	if !contains(reg.Names(), "shop.order") {
		t.Fatalf("schema dir not loaded: %v", reg.Names())
	}
	res, err := reg.Check([]byte(`{"order_id":"x"}`), "shop.order")
	if err != nil || res.Valid || res.Errors[0].InstanceLocation != "/order_id" {
		t.Fatalf("draft-04 dir schema: %+v %v", res, err)
	}

	path := filepath.Join(dir, "sub.json")
	if err := os.WriteFile(path, []byte(`{"type":"object","required":["a"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	reg = mustRegistry(t)
	name, err := reg.Resolve(path)
	if err != nil {
		t.Fatal(err)
	}
	if contains(reg.Names(), name) {
		t.Errorf("a --schema path should not be listed as a name")
	}
	res, err = reg.Check([]byte(`{}`), name)
	if err != nil || res.Valid || !strings.Contains(res.Errors[0].Message, `missing required property "a"`) {
		t.Fatalf("path schema: %+v %v", res, err)
	}
	_, err = reg.Resolve("permit.nope")
	var ue *UnknownSchemaError
	if !errors.As(err, &ue) || len(ue.Known) != 6 {
		t.Fatalf("want UnknownSchemaError listing 6 names, got %v", err)
	}
}

func TestBrokenUserSchemaIsReported(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(path, []byte(`{"type": 12}`), 0o644)
	reg := mustRegistry(t)
	name, err := reg.Resolve(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Compile(name); err == nil {
		t.Fatal("a schema with type 12 compiled")
	}
	if _, err := NewRegistry(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("a missing schema dir was accepted")
	}
}

func TestCheckAllKeepsOrder(t *testing.T) {
	t.Parallel()
	reg := mustRegistry(t)
	var inputs []Input
	for i := 0; i < 50; i++ {
		body := fixture(t, "permit.create_user")
		if i%3 == 0 {
			body = []byte(`{"type":"create_user"}`)
		}
		inputs = append(inputs, Input{Name: string(rune('A' + i%26)), Read: func() ([]byte, error) { return body, nil }})
	}
	i := 0
	reg.CheckAll(inputs, "", 4, func(fr FileResult) {
		if fr.Name != inputs[i].Name {
			t.Fatalf("result %d is %s, want %s", i, fr.Name, inputs[i].Name)
		}
		if fr.Result.Valid == (i%3 == 0) {
			t.Errorf("result %d valid=%v", i, fr.Result.Valid)
		}
		i++
	})
	if i != 50 {
		t.Fatalf("emitted %d results", i)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
