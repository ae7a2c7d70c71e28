package respond

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsInline(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]bool{
		"status=503 times=2": true,
		"close":              true,
		" hang ":             true,
		"rules.yaml":         false,
		"./a=b.yaml":         true, // written as @./a=b.yaml
		"@./a=b.yaml":        false,
		"close.yaml":         false,
	} {
		if got := IsInline(spec); got != want {
			t.Errorf("IsInline(%q) = %v", spec, got)
		}
	}
}

func TestParseInline(t *testing.T) {
	t.Parallel()
	r, err := ParseInline(`name=slow event=AccessRequestCreated,AccessRequestApproved path='/hooks/*' method=post schema=permission_assist.* header.X-Env=staging signature=valid payload=valid delay=200ms times=2 rate=0.5 status=202 body="queued ${delivery.id}" headers.Retry-After=5 forward=http://127.0.0.1:3000/`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "slow" || len(r.m.events) != 2 || len(r.m.paths) != 1 || r.m.methods[0] != "POST" || len(r.m.schemas) != 1 ||
		len(r.m.headers) != 1 || r.m.signature != "valid" || r.m.payload != "valid" {
		t.Errorf("match: %+v", r.m)
	}
	if a := r.act; a.delay.String() != "200ms" || a.times != 2 || a.rate != 0.5 || a.status != 202 || a.header.Get("Retry-After") != "5" || len(a.forward) != 1 {
		t.Errorf("action: %+v", a)
	}
	if r.Source != `--respond 'name=slow event=AccessRequestCreated,AccessRequestApproved path='/hooks/*' method=post schema=permission_assist.* header.X-Env=staging signature=valid payload=valid delay=200ms times=2 rate=0.5 status=202 body="queued ${delivery.id}" headers.Retry-After=5 forward=http://127.0.0.1:3000/'` || r.Line != 0 {
		t.Errorf("source %s line %d", r.Source, r.Line)
	}
	for _, spec := range []string{"close", "close=true", "signature=missing close", "hang", "path=/slow/** hang=true"} {
		if _, err := ParseInline(spec); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
}

func TestParseInlineErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ spec, msg, hint string }{
		{"stauts=503", `--respond 'stauts=503': "stauts=503" is not a KEY=VALUE word of a rule`, "the keys are name, status"},
		{"status=503 retry", `"retry" is not a KEY=VALUE word`, "header.NAME and headers.NAME"},
		{"status=503 status=502", "a second status", ""},
		{"status=abc", `status must be a number from 200 to 599, not "abc"`, ""},
		{"body='open", "a ' that is not closed", "--respond 'status=503 times=2'"},
		{"body='${delivery.idd}'", "unknown placeholder ${delivery.idd}", ""},
		{"close=maybe", `close must be true or false, not "maybe"`, ""},
		{"close hang", "close and hang both drop the answer", ""},
		{"match=x", `"match=x" is not a KEY=VALUE word`, ""},
		{"headers=x", `"headers=x" is not a KEY=VALUE word`, ""},
		{"header.=x", `"" is not a header name`, ""},
		{"forward=ftp://x/", "forward: invalid URL", ""},
		{"  ", "no rule", ""},
	} {
		_, err := ParseInline(tc.spec)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %v", tc.spec, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(e.Hint, tc.hint) || e.Line != 0 {
			t.Errorf("%q: %s (hint %q), want %s (hint %q)", tc.spec, err, e.Hint, tc.msg, tc.hint)
		}
	}
}

// TestLoad: files and inline rules in the order given, numbered across
// all of them; names unique across them; a file that cannot be read.
func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(file, []byte("- name: first\n  status: 503\n- status: 502\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rules, err := Load([]string{"status=201", file, "@" + file + "x"}, func(p string) ([]byte, error) {
		if p == file+"x" {
			return []byte("- name: third\n  status: 200\n"), nil
		}
		return os.ReadFile(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	s := New(rules, 0)
	var labels []string
	for _, r := range s.List() {
		labels = append(labels, r.Label())
	}
	if got := strings.Join(labels, ","); got != "rule 1,first,rule 3,third" {
		t.Errorf("rules %s", got)
	}

	_, err = Load([]string{"name=first status=503", file}, nil)
	if err == nil || err.Error() != file+`:1: a second rule called "first"` {
		t.Errorf("duplicate name: %v", err)
	}
	_, err = Load([]string{filepath.Join(dir, "nope.yaml")}, nil)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "nope.yaml: cannot read the rules file: no such file or directory") || !strings.Contains(e.Hint, "inline") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("- status: 503\n- stat: 1\n"), 0o644)
	if _, err := Load([]string{bad}, nil); err == nil || err.Error() != bad+`:2: unknown key "stat" in a rule` {
		t.Errorf("bad file: %v", err)
	}
}
