package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command line that starts with a command's name builds only that
// command; what it prints must not tell the difference from the whole
// tree: every command's help and usage errors, and the config file's
// keys of other commands, which the whole tree knows.
func TestOneCommandTreeActsAsTheWholeTree(t *testing.T) {
	t.Parallel()
	full := NewRootCmd(&App{})
	var lines [][]string
	for _, c := range full.Commands() {
		if c.IsAdditionalHelpTopicCommand() || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if soleCommand([]string{c.Name()}) != c.Name() {
			t.Errorf("%s: not in the commands table", c.Name())
		}
		lines = append(lines, []string{c.Name(), "--help"}, []string{c.Name(), "--no-such-flag"})
		for _, sub := range c.Commands() {
			lines = append(lines, []string{c.Name(), sub.Name(), "--help"})
		}
		lines = append(lines, []string{c.Name(), "no-such-word", "--help"})
	}
	if len(lines) < 40 {
		t.Fatalf("only %d command lines", len(lines))
	}
	for _, args := range lines {
		app, out, errb := helpWalkApp(t)
		code := Run(app, args)
		if root := newRoot(&App{}, soleCommand(args)); len(root.Commands()) != 1 {
			t.Fatalf("%q builds %d commands, want 1", args, len(root.Commands()))
		}
		wapp, wout, werrb := helpWalkApp(t)
		whole := NewRootCmd(wapp)
		whole.SetArgs(args)
		_, err := whole.ExecuteContextC(context.Background())
		wcode := exitCode(err, wapp.Err)
		if code != wcode || out.String() != wout.String() || errb.String() != werrb.String() {
			t.Errorf("%q: exit %d, out %q, err %q;\nthe whole tree: exit %d, out %q, err %q",
				args, code, head(out.String()), errb.String(), wcode, head(wout.String()), werrb.String())
		}
	}

	// The config file holds keys of other commands: no warning for them,
	// one for a key no command has.
	app, _, errb := helpWalkApp(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("addr: 127.0.0.1:9\nsecret: s\nforward-to: [http://127.0.0.1:9/]\nsecrt: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	payload := filepath.Join(dir, "p.json")
	if err := os.WriteFile(payload, []byte(`{"email": "a@example.com", "tenant_key": "t", "role": "viewer", "permission_level": "LEVEL_1", "type": "create_user"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WEBHOOK_TOOL_CONFIG": cfg}
	app.Getenv = func(k string) string { return env[k] }
	if code := Run(app, []string{"validate", payload}); code != ExitOK {
		t.Fatalf("validate: exit %d: %s", code, errb)
	}
	if got := errb.String(); strings.Count(got, "warning") != 1 || !strings.Contains(got, `"secrt" is not a flag of any command`) {
		t.Errorf("warnings %q: want one, for secrt", got)
	}
}

func head(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
