package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	sc, err := Parse([]byte(`name: flow
description: two steps
steps:
  - name: invite
    fixture: permit.invite_user
    delay: 250ms
  - name: assign
    file: assign.json
    set:
      user_id: ${invite:email}
      "event.request.number": 7
    expect:
      status: 4xx
      callback: true
`), "flow.yaml", "/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "flow" || sc.Description != "two steps" || len(sc.Steps) != 2 {
		t.Fatalf("parsed %+v", sc)
	}
	a, b := sc.Steps[0], sc.Steps[1]
	if a.Fixture != "permit.invite_user" || !a.HasDelay || a.Delay != 250*time.Millisecond || a.Line != 4 {
		t.Errorf("step 1 = %+v", a)
	}
	if b.File != "assign.json" || b.Source() != "assign.json" || len(b.Sets) != 2 || b.Sets[0].Path != "user_id" || b.Sets[0].Line != 10 {
		t.Errorf("step 2 = %+v", b)
	}
	if len(b.Sets[0].refs) != 1 || b.Sets[0].refs[0].Step != "invite" || b.Sets[0].refs[0].Path != "email" {
		t.Errorf("refs = %+v", b.Sets[0].refs)
	}
	if !b.Expect.Callback || b.Expect.Matches(200) || !b.Expect.Matches(404) || b.Expect.String() != "4xx" {
		t.Errorf("expect = %+v", b.Expect)
	}
	if e := (Expect{}); !e.Matches(204) || e.Matches(301) || e.String() != "2xx" {
		t.Errorf("the default expectation is 2xx: %+v", e)
	}
	if e := (Expect{Status: 202}); !e.Matches(202) || e.Matches(200) {
		t.Errorf("status 202 matches only 202")
	}
}

func TestParseNamesAFileWithoutAName(t *testing.T) {
	t.Parallel()
	sc, err := Parse([]byte("steps:\n  - name: a\n    fixture: permit.create_user\n"), "dir/my-flow.yaml", "dir")
	if err != nil || sc.Name != "my-flow" {
		t.Fatalf("Parse: %v, name %q", err, sc.Name)
	}
}

// TestParseErrors: each problem the file alone shows is an *Error at its
// line, found before anything is rendered or sent.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		line       int
		msg, hint  string
	}{
		{"unknown step in a reference", "steps:\n  - name: a\n    fixture: permit.invite_user\n  - name: b\n    fixture: permit.role_assignment\n    set:\n      user_id: ${nobody:email}\n",
			7, `${nobody:email} refers to step "nobody", which the scenario does not have`, "the steps are: a, b"},
		{"self reference", "steps:\n  - name: a\n    fixture: permit.invite_user\n    set:\n      role: ${a:email}\n",
			5, `reference cycle: step "a" refers to itself in ${a:email}`, "earlier"},
		{"cycle", "steps:\n  - name: a\n    fixture: permit.invite_user\n    set:\n      role: ${b:role}\n  - name: b\n    fixture: permit.role_assignment\n    set:\n      role: x-${a:role}\n",
			5, "reference cycle: a -> b -> a", "earlier"},
		{"later step", "steps:\n  - name: a\n    fixture: permit.invite_user\n    set:\n      role: ${b:role}\n  - name: b\n    fixture: permit.role_assignment\n",
			5, `${b:role} refers to step "b", which comes later`, "move it below b"},
		{"unknown fixture", "steps:\n  - name: a\n    fixture: permit.create_users\n",
			3, `step "a": unknown fixture "permit.create_users"`, "fixtures list"},
		{"short fixture name", "steps:\n  - name: a\n    fixture: created\n",
			3, `step "a": unknown fixture "created"`, `did you mean "permission_assist.access_request_created"?`},
		{"unknown key", "steps:\n  - name: a\n    fixtrue: permit.create_user\n",
			3, `unknown key "fixtrue" in a step`, "the keys are: name, fixture, file, set, delay, expect"},
		{"unknown top key", "name: x\nstep:\n  - name: a\n",
			2, `unknown key "step" in the scenario`, "name, description, steps"},
		{"no payload", "steps:\n  - name: a\n    delay: 1s\n",
			2, `step "a" has no fixture or file`, "fixture: NAME"},
		{"two payloads", "steps:\n  - name: a\n    fixture: permit.create_user\n    file: x.json\n",
			4, `step "a" has both a fixture and a file`, ""},
		{"duplicate name", "steps:\n  - name: a\n    fixture: permit.create_user\n  - name: a\n    fixture: permit.create_user\n",
			4, `a second step called "a"`, ""},
		{"bad step name", "steps:\n  - name: 'a:b'\n    fixture: permit.create_user\n",
			2, `invalid step name "a:b"`, ""},
		{"no name", "steps:\n  - fixture: permit.create_user\n",
			2, "a step without a name", ""},
		{"bad delay", "steps:\n  - name: a\n    fixture: permit.create_user\n    delay: soon\n",
			4, `invalid delay "soon"`, "500ms"},
		{"bad status", "steps:\n  - name: a\n    fixture: permit.create_user\n    expect:\n      status: ok\n",
			5, `invalid expect.status "ok"`, "2xx"},
		{"bad callback", "steps:\n  - name: a\n    fixture: permit.create_user\n    expect:\n      callback: yes please\n",
			5, "expect.callback must be true or false", ""},
		{"set not a mapping", "steps:\n  - name: a\n    fixture: permit.create_user\n    set: [a=b]\n",
			4, "set must be a mapping of PATH: VALUE", ""},
		{"incomplete reference", "steps:\n  - name: a\n    fixture: permit.create_user\n  - name: b\n    fixture: permit.create_user\n    set:\n      email: ${a:}\n",
			7, "incomplete reference ${a:}", ""},
		{"no steps", "name: x\n", 1, "the scenario has no steps", ""},
		{"empty steps", "name: x\nsteps: []\n", 2, "steps must be a list of one or more steps", ""},
		{"not a mapping", "- a\n- b\n", 1, "a scenario file is a mapping", ""},
		{"not YAML", "name: x\nsteps:\n  - name: a\n    fixture: [a, b\n", 4, "not a YAML scenario: did not find expected ',' or ']'", ""},
		{"not YAML, no line from the library", "name: x\nsteps:\n  - name: a: b\n", 3, "not a YAML scenario: mapping values are not allowed in this context", ""},
		{"not YAML, a bad indent", "name: x\nsteps:\n  - name: a\n   fixture: b\n", 4, "not a YAML scenario: did not find expected '-' indicator", ""},
		{"not YAML, an unclosed list that a later line does not close", "name: [x,\n  y]\nsteps:\n  - name: [a\n    fixture: b\n", 4, "not a YAML scenario: did not find expected ',' or ']'", ""},
		{"duplicate key", "steps:\n  - name: a\n    fixture: permit.create_user\n    fixture: permit.invite_user\n", 4, `a second "fixture" in a step`, ""},
		{"duplicate set", "steps:\n  - name: a\n    fixture: permit.create_user\n    set:\n      email: a@b.c\n      email: d@e.f\n", 6, `step "a" sets email twice`, ""},
		{"empty file", "", 0, "the file is empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.file), "f.yaml", "")
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse error = %v (%T), want an *Error", err, err)
			}
			if se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) || !strings.Contains(se.Hint, tc.hint) {
				t.Errorf("got line %d %q hint %q\nwant line %d %q hint ~%q", se.Line, se.Msg, se.Hint, tc.line, tc.msg, tc.hint)
			}
			if want := "f.yaml:"; tc.line > 0 && !strings.HasPrefix(se.Error(), want+strconv.Itoa(tc.line)+": ") {
				t.Errorf("Error() = %q, want it to start with %s%d: ", se.Error(), want, tc.line)
			}
		})
	}
}

// TestPrepareErrors: problems that show only once payloads are rendered
// are errors at their line too, before anything is sent.
func TestPrepareErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "list.json"), []byte(`[1, 2]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "huge.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, "huge.json"), MaxPayloadSize+1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		line       int
		msg        string
	}{
		{"bad path", "steps:\n  - name: invite\n    fixture: permit.invite_user\n  - name: b\n    fixture: permit.role_assignment\n    set:\n      user_id: ${invite:emial}\n",
			7, `step "b": set user_id: ${invite:emial}: no value at emial: emial does not exist`},
		{"bad index", "steps:\n  - name: c\n    fixture: permission_assist.access_request_created\n  - name: b\n    fixture: permit.role_assignment\n    set:\n      user_id: ${c:event.request.target.privileges[3].permission}\n",
			7, "index 3 out of range at event.request.target.privileges[3]"},
		{"missing file", "steps:\n  - name: a\n    file: nowhere.json\n",
			3, `step "a": cannot read ` + filepath.Join(dir, "nowhere.json") + ": no such file or directory"},
		{"file is a directory", "steps:\n  - name: a\n    file: folder.json\n",
			3, `step "a": cannot read ` + filepath.Join(dir, "folder.json") + ": is a directory"},
		{"file too large", "steps:\n  - name: a\n    file: huge.json\n",
			3, `step "a": cannot read ` + filepath.Join(dir, "huge.json") + ": larger than 16 MiB"},
		{"file not an object", "steps:\n  - name: a\n    file: list.json\n",
			3, `step "a": list.json: not a JSON object`},
		{"set that cannot apply", "steps:\n  - name: a\n    fixture: permit.create_user\n    set:\n      email.domain: x\n",
			5, `step "a": cannot set email.domain: email is a string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := Parse([]byte(tc.file), "f.yaml", dir)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			_, err = Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs()})
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Prepare error = %v (%T), want an *Error", err, err)
			}
			if se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("got line %d %q\nwant line %d ~%q", se.Line, se.Msg, tc.line, tc.msg)
			}
		})
	}
}

func TestReferences(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "custom.json"), []byte(`{"kind":"note","n":0}`), 0o644)
	sc, err := Parse([]byte(`steps:
  - name: c
    fixture: permission_assist.access_request_created
  - name: invite
    fixture: permit.invite_user
    set:
      email: ada@example.com
  - name: note
    file: custom.json
    set:
      n: ${c:event.request.number}
      target: ${c:event.request.target.application}
      email: ${invite:email}
      text: "request ${c:event.request.number} for ${invite:email}"
      first: ${c:event.request.target.privileges[0].permission.value}
      list: [a, "${invite:role}"]
`), "f.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs()})
	if err != nil {
		t.Fatal(err)
	}
	m := decodeBody(t, ds[2].Body)
	if m["n"] != float64(1042) {
		t.Errorf("a whole-value reference to a number: n = %#v, want the number 1042", m["n"])
	}
	if at(m, "target.name") != "Jack Henry Symitar" {
		t.Errorf("an object reference: target = %v", m["target"])
	}
	if m["email"] != "ada@example.com" {
		t.Errorf("a reference sees the earlier step's set values: email = %v", m["email"])
	}
	if m["text"] != "request 1042 for ada@example.com" {
		t.Errorf("references inside a string are spliced in as text: %q", m["text"])
	}
	if m["first"] != "CASH_ADVANCE_PROCESS" {
		t.Errorf("an indexed path: first = %v", m["first"])
	}
	if l, _ := m["list"].([]any); len(l) != 2 || l[1] != "viewer" {
		t.Errorf("a reference in a list: %v", m["list"])
	}
	if m["kind"] != "note" || ds[2].Kind != "" || ds[2].RequestID != "" {
		t.Errorf("a custom payload keeps its fields and has no kind: %v, %q", m, ds[2].Kind)
	}
	// The key order of the file is kept, set keys after it.
	if !strings.HasPrefix(string(ds[2].Body), "{\n  \"kind\": \"note\",\n  \"n\": 1042,") {
		t.Errorf("body starts %.60q", ds[2].Body)
	}
}

func TestSetValueTypes(t *testing.T) {
	t.Parallel()
	sc, err := Parse([]byte(`steps:
  - name: a
    fixture: permit.create_user
    set:
      i: 0x1f
      f: 2.50
      b: true
      z: null
      s: "7"
      d: 2026-01-02T03:04:05Z
      m: {x: 1, a: [yes, no]}
`), "f.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs()})
	if err != nil {
		t.Fatal(err)
	}
	got := string(ds[0].Body)
	for _, want := range []string{`"i": 31,`, `"f": 2.5,`, `"b": true,`, `"z": null,`, `"s": "7",`, `"d": "2026-01-02T03:04:05Z",`, "\"m\": {\n    \"x\": 1,\n    \"a\": [\n      \"yes\",\n      \"no\""} {
		if !strings.Contains(got, want) {
			t.Errorf("body lacks %q:\n%s", want, got)
		}
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	if sc, err := Open("permission_assist.lifecycle"); err != nil || sc.Dir != "" || len(sc.Steps) != 6 {
		t.Fatalf("Open(bundled) = %v, %v", sc, err)
	}
	var ue *UnknownError
	if _, err := Open("lifecycle"); !errors.As(err, &ue) || !strings.Contains(ue.Hint(), `did you mean "permission_assist.lifecycle"?`) {
		t.Errorf("Open(lifecycle) = %v, hint %v", err, ue)
	}
	var se *Error
	if _, err := Open("missing/flow.yaml"); !errors.As(err, &se) || se.Msg != "no such file" {
		t.Errorf("Open(missing file) = %v", err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f.yaml")
	os.WriteFile(p, []byte("steps:\n  - name: a\n    fixture: permit.create_user\n"), 0o644)
	if sc, err := Open(p); err != nil || sc.Dir != dir || sc.Source != p {
		t.Errorf("Open(file) = %+v, %v", sc, err)
	}
	if _, err := Open(dir); !errors.As(err, &se) || se.Source != dir || se.Msg != "cannot read the file: is a directory" {
		t.Errorf("Open(directory) = %v", err)
	}
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(huge); !errors.As(err, &se) || se.Source != huge || se.Msg != "the file is larger than a scenario file may be (1024 KiB)" {
		t.Errorf("Open(too large) = %v", err)
	}
	if _, err := BundledSource("nope"); !errors.As(err, &ue) {
		t.Errorf("BundledSource(nope) = %v", err)
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("steps:\n")
	for i := range MaxSteps + 1 {
		b.WriteString("  - name: s" + strconv.Itoa(i) + "\n    fixture: permit.create_user\n")
	}
	var se *Error
	if _, err := Parse([]byte(b.String()), "f.yaml", ""); !errors.As(err, &se) || se.Msg != "more than 500 steps" || se.Line != 2+2*MaxSteps {
		t.Errorf("too many steps: %v", err)
	}
	if _, err := Parse(make([]byte, MaxFileSize+1), "f.yaml", ""); !errors.As(err, &se) || !strings.Contains(se.Msg, "larger than a scenario file may be") {
		t.Errorf("too large: %v", err)
	}
	// Aliases of aliases: a few lines that would expand to 10^9 values.
	bomb := `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
steps:
  - name: s
    fixture: permit.create_user
    set:
      email: *h
`
	bomb = "steps:\n  - name: s\n    fixture: permit.create_user\n    set:\n" + indent(strings.TrimSuffix(bomb[:strings.Index(bomb, "steps:")], "\n"), "      ") + "\n      email: *h\n"
	if _, err := Parse([]byte(bomb), "f.yaml", ""); !errors.As(err, &se) || !strings.Contains(se.Msg, "a set value of more than 10000 values") {
		t.Errorf("alias bomb: %v", err)
	}
}

func indent(s, pre string) string {
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}
