package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestColorOnlyOnATerminal runs validate with stdout flagged as a terminal:
// colour appears there, and NO_COLOR (any value), --no-color, its config
// forms and TERM=dumb each turn it off. Off a terminal it never appears.
func TestColorOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	schema := filepath.Join(dir, "strict.json")
	payload := filepath.Join(dir, "p.json")
	if err := os.WriteFile(schema, []byte(`{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["n"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(payload, []byte(`{"m":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "nocolor.yaml")
	if err := os.WriteFile(cfg, []byte("no-color: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		tty   bool
		env   map[string]string
		flags []string
		color bool
	}{
		{name: "terminal", tty: true, color: true},
		{name: "not a terminal", tty: false},
		{name: "NO_COLOR=1", tty: true, env: map[string]string{"NO_COLOR": "1"}},
		{name: "NO_COLOR=0 still means no colour", tty: true, env: map[string]string{"NO_COLOR": "0"}},
		{name: "--no-color", tty: true, flags: []string{"--no-color"}},
		{name: "WEBHOOK_TOOL_NO_COLOR", tty: true, env: map[string]string{"WEBHOOK_TOOL_NO_COLOR": "true"}},
		{name: "config no-color", tty: true, flags: []string{"--config", cfg}},
		{name: "TERM=dumb", tty: true, env: map[string]string{"TERM": "dumb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "TERM": "xterm-256color"}
			for k, v := range tc.env {
				env[k] = v
			}
			var out, errb bytes.Buffer
			app := &App{
				Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTTY: tc.tty, ErrTTY: tc.tty},
				Getenv:  func(k string) string { return env[k] },
				Now:     func() time.Time { return time.Unix(0, 0) },
			}
			args := append([]string{"validate", "--schema", schema}, tc.flags...)
			code := Run(app, append(args, payload))
			if code != ExitFail {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, errb.String())
			}
			if got := strings.Contains(out.String(), "\x1b["); got != tc.color {
				t.Errorf("colour = %v, want %v; stdout:\n%q", got, tc.color, out.String())
			}
			if strings.Contains(errb.String(), "\x1b[") && !tc.color {
				t.Errorf("colour on stderr: %q", errb.String())
			}
		})
	}
}

// TestJSONOutputHasNoColor: --output json is only JSON, even on a terminal.
func TestJSONOutputHasNoColor(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "TERM": "xterm"}
	app := &App{
		Streams: Streams{In: strings.NewReader(`{"m":1}`), Out: &out, Err: &errb, OutTTY: true, ErrTTY: true},
		Getenv:  func(k string) string { return env[k] },
		Now:     func() time.Time { return time.Unix(0, 0) },
	}
	for _, args := range [][]string{{"version", "-o", "json"}, {"schemas", "list", "-o", "json"}} {
		out.Reset()
		if code := Run(app, args); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		if strings.Contains(out.String(), "\x1b[") || !strings.HasPrefix(out.String(), "{") {
			t.Errorf("%v on a terminal printed more than JSON: %q", args, out.String())
		}
	}
}
