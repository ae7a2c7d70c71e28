package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runValidateCLI runs one command line over in-memory streams.
func runValidateCLI(t *testing.T, tty bool, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{
		Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTTY: tty, ErrTTY: tty},
		Getenv:  func(k string) string { return env[k] },
		Now:     time.Now,
	}
	code := Run(app, args)
	return out.String(), errb.String(), code
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Hostile files never panic: each is reported as an invalid file with a
// position, and the exit code says invalid (1).
func TestValidateHostileFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := bytes.Repeat([]byte(" "), 50<<20)
	copy(big, `{"type":"create_user","email":"a@example.com","tenant_key":"t","role":"r","permission_level":"p","pad":"`)
	big[len(big)-2], big[len(big)-1] = '"', '}'
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"deep.json", []byte(strings.Repeat("[", 10001) + strings.Repeat("]", 10001)), "deep.json:1:10001: invalid JSON: invalid character '[' exceeded max depth"},
		{"utf8.json", []byte("{\"type\":\"create_user\",\"email\":\"\xc3\x28\"}"), "utf8.json:1:32: invalid UTF-8 byte 0xc3"},
		{"nul.json", []byte("{\"a\":\x00}"), "nul.json:1:6: invalid JSON: invalid character '\\x00'"},
	}
	for _, c := range cases {
		p := writeFile(t, dir, c.name, c.data)
		out, errOut, code := runValidateCLI(t, false, nil, "validate", p)
		if code != ExitFail {
			t.Errorf("%s: exit %d, want 1; stderr %q", c.name, code, errOut)
		}
		if !strings.Contains(out, c.want) {
			t.Errorf("%s: output %q does not contain %q", c.name, out, c.want)
		}
	}

	// 50 MB of valid JSON is simply validated.
	p := writeFile(t, dir, "big.json", big)
	out, errOut, code := runValidateCLI(t, false, nil, "validate", p)
	if code != ExitOK || !strings.Contains(out, "valid (permit.create_user)") {
		t.Errorf("50 MB file: exit %d, out %q, err %q", code, out, errOut)
	}

	// Ten thousand nested arrays against a schema are an invalid payload, not a crash.
	p = writeFile(t, dir, "deep2.json", []byte(strings.Repeat("[", 10000)+strings.Repeat("]", 10000)))
	out, _, code = runValidateCLI(t, false, nil, "validate", "--schema", "permit.create_user", p)
	if code != ExitFail || !strings.Contains(out, "must be an object; got an array") {
		t.Errorf("deep array: exit %d, out %q", code, out)
	}
}

func TestValidateColourOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := writeFile(t, dir, "a.json", []byte(`{"type":"create_user"}`))
	out, _, _ := runValidateCLI(t, true, nil, "validate", p)
	if !strings.Contains(out, "\x1b[31minvalid") {
		t.Errorf("no colour on a terminal: %q", out)
	}
	for _, c := range []struct {
		env  map[string]string
		args []string
	}{
		{map[string]string{"NO_COLOR": "1"}, []string{"validate", p}},
		{nil, []string{"validate", "--no-color", p}},
		{map[string]string{"TERM": "dumb"}, []string{"validate", p}},
	} {
		out, _, _ := runValidateCLI(t, true, c.env, c.args...)
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%v %v: colour codes in %q", c.env, c.args, out)
		}
	}
	// The summary line appears on a terminal only, with several files.
	q := writeFile(t, dir, "b.json", []byte(`{"type":"create_user","email":"a@example.com","tenant_key":"t","role":"r","permission_level":"p"}`))
	out, _, _ = runValidateCLI(t, true, map[string]string{"NO_COLOR": "1"}, "validate", p, q)
	if !strings.Contains(out, "2 files: 1 valid, 1 invalid") {
		t.Errorf("no summary on a terminal: %q", out)
	}
	out, _, _ = runValidateCLI(t, false, nil, "validate", p, q)
	if strings.Contains(out, "2 files") {
		t.Errorf("summary when piped: %q", out)
	}
}

func TestValidateNoArgsOnATerminalIsAUsageError(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	app := &App{Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb, InTTY: true}, Getenv: func(string) string { return "" }, Now: time.Now}
	if code := Run(app, []string{"validate"}); code != ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.HasPrefix(errb.String(), "webhook-tool: nothing to validate") {
		t.Errorf("stderr %q", errb.String())
	}
}
