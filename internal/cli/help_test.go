package cli

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// helpWalkApp is an App over buffers with an empty environment, except for a
// config directory of its own so no real config file is read.
func helpWalkApp(t *testing.T) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "HOME": t.TempDir()}
	app := &App{
		Streams:    Streams{In: strings.NewReader(""), Out: &out, Err: &errb},
		Getenv:     func(k string) string { return env[k] },
		Now:        func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		HTTPClient: &http.Client{Transport: failTransport{t}},
	}
	return app, &out, &errb
}

// failTransport fails the test if --help ever reaches the network.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("--help made a request to %s", r.URL)
	return nil, io.ErrUnexpectedEOF
}

// commandPaths walks the whole tree, hidden commands and cobra's own
// (completion, help) included, and returns each command's arguments after the
// root, so new commands are covered without editing this test.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	app, _, _ := helpWalkApp(t)
	root := NewRootCmd(app)
	// Execute adds these lazily; add them now so they are walked too.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if sub.IsAdditionalHelpTopicCommand() {
				continue // a help topic has text, not usage: TestHelpTopics
			}
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(root, nil)
	return paths
}

// findCmd finds the command at path in a fresh tree, to list its flags.
func findCmd(t *testing.T, root *cobra.Command, path []string) *cobra.Command {
	t.Helper()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	c, rest, err := root.Find(path)
	if err != nil || len(rest) != 0 {
		t.Fatalf("find %v: %v (rest %v)", path, err, rest)
	}
	return c
}

func TestEveryCommandHasHelp(t *testing.T) {
	paths := commandPaths(t)
	if len(paths) < 10 {
		t.Fatalf("walked only %d commands: %v", len(paths), paths)
	}
	for _, path := range paths {
		name := strings.Join(append([]string{"webhook-tool"}, path...), " ")
		t.Run(name, func(t *testing.T) {
			app, out, errb := helpWalkApp(t)
			code := Run(app, append(append([]string(nil), path...), "--help"))
			if code != ExitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, errb)
			}
			if errb.Len() != 0 {
				t.Errorf("--help wrote to stderr:\n%s", errb)
			}
			usage := out.String()
			if !strings.Contains(usage, "Usage:") {
				t.Fatalf("no Usage: section:\n%s", usage)
			}

			// The flags of the command the user asked about, from a fresh
			// tree: local, persistent and inherited, minus hidden ones. Hidden
			// commands (not yet built, or internal) are not listed, so they
			// need no Short.
			fresh, _, _ := helpWalkApp(t)
			cmd := findCmd(t, NewRootCmd(fresh), path)
			if cmd.Short == "" && !cmd.Hidden && cmd.HasParent() {
				t.Errorf("%s has no Short description for the command list", name)
			}
			check := func(f *pflag.Flag) {
				if f.Hidden {
					return
				}
				if !strings.Contains(usage, "--"+f.Name) {
					t.Errorf("usage does not mention --%s:\n%s", f.Name, usage)
				}
				if f.Shorthand != "" && !strings.Contains(usage, "-"+f.Shorthand+", --"+f.Name) {
					t.Errorf("usage does not mention -%s for --%s", f.Shorthand, f.Name)
				}
				if f.Usage == "" {
					t.Errorf("--%s has no description", f.Name)
				}
				// Every --output names its allowed values in its description
				// (addOutputFlag does), so users need not guess.
				if f.Name == "output" && !strings.Contains(f.Usage, "|") {
					t.Errorf("--output does not list its formats: %q", f.Usage)
				}
			}
			cmd.InitDefaultHelpFlag()
			cmd.LocalFlags().VisitAll(check)
			cmd.InheritedFlags().VisitAll(check)
		})
	}
}

// TestHelpWalkCoversTheTree guards the walk itself: the commands that exist
// today must be among those walked (the walk must not silently shrink).
func TestHelpWalkCoversTheTree(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range commandPaths(t) {
		seen[strings.Join(p, " ")] = true
	}
	for _, want := range []string{"", "validate", "schemas list", "schemas show", "version", "completion bash", "completion zsh", "completion fish", "completion powershell", "help"} {
		if !seen[want] {
			t.Errorf("help walk missed %q", want)
		}
	}
}
