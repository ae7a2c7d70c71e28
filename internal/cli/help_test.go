package cli

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/webhook-tool/webhook-tool/internal/input"
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
	t.Parallel()
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
	t.Parallel()
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

// pflagTypeNames are what pflag shows for a flag whose usage names no
// `PLACEHOLDER`: its value's type.
var pflagTypeNames = map[string]bool{
	"string": true, "strings": true, "stringArray": true, "stringSlice": true, "stringToString": true,
	"int": true, "ints": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"float": true, "float32": true, "float64": true, "duration": true, "durations": true, "value": true, "bool": true,
}

// maxFlagLine is the longest line a flag may take in --help.
const maxFlagLine = 200

// TestFlagPlaceholdersAndLines holds every flag of every command, those
// added later included, to one way of writing help: a value's placeholder
// is named in UPPER case with backticks in its usage (never pflag's type
// name, string or duration), and no flag's line in --help runs past
// maxFlagLine characters (detail goes to the command's Long or a help
// topic).
func TestFlagPlaceholdersAndLines(t *testing.T) {
	t.Parallel()
	app, _, _ := helpWalkApp(t)
	root := NewRootCmd(app)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.InheritedFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if f.Hidden {
					return
				}
				name, _ := pflag.UnquoteUsage(f)
				if bad := badPlaceholder(f, name); bad != "" {
					t.Errorf("%s --%s: %s (usage %q)", c.CommandPath(), f.Name, bad, f.Usage)
				}
			})
			for _, line := range strings.Split(fs.FlagUsages(), "\n") {
				if n := utf8.RuneCountInString(line); n > maxFlagLine {
					t.Errorf("%s: a flag's help line is %d characters, over %d: move detail to the command's Long or a help topic:\n%s",
						c.CommandPath(), n, maxFlagLine, line)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// badPlaceholder says what is wrong with flag f's placeholder name, "" when
// nothing is: a flag that takes a value names it in upper case (after any
// quote or @), as `FILE`, `HOST:PORT`, `'Name: value'` or `@FILE`.
func badPlaceholder(f *pflag.Flag, name string) string {
	if f.Value.Type() == "bool" {
		if name != "" {
			return "a switch shows a placeholder " + strconv.Quote(name)
		}
		return ""
	}
	first := strings.TrimLeft(name, `'"@`)
	switch {
	case name == "":
		return "no placeholder"
	case pflagTypeNames[name]:
		return "the placeholder is the type name " + strconv.Quote(name) + ": name the value in its usage, e.g. `FILE`"
	case first == "" || !unicode.IsUpper([]rune(first)[0]):
		return "the placeholder " + strconv.Quote(name) + " is not in upper case"
	}
	return ""
}

// --max-size is a flag of the commands that read payload files or
// standard input, and of no other (callback's own bounds its message).
func TestMaxSizeOnlyWhereItWorks(t *testing.T) {
	t.Parallel()
	want := []string{"callback", "schemas drift", "schemas infer", "send", "sign", "validate", "verify"}
	var got []string
	for _, path := range commandPaths(t) {
		app, _, _ := helpWalkApp(t)
		cmd := findCmd(t, NewRootCmd(app), path)
		if cmd.Flags().Lookup("max-size") != nil || cmd.InheritedFlags().Lookup("max-size") != nil {
			got = append(got, strings.Join(path, " "))
			if f := cmd.Flags().Lookup("max-size"); cmd.Name() != "callback" {
				if n, err := input.ParseSize(f.DefValue); err != nil || n != input.DefaultMaxSize {
					t.Errorf("%v: --max-size defaults to %q, not the limit the readers keep (%d)", path, f.DefValue, input.DefaultMaxSize)
				}
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("--max-size is a flag of %q, want %q", got, want)
	}
}

// completion speaks in this tool's words, not the library's ("Generate the
// autocompletion script ... for the specified shell").
func TestCompletionInOurWords(t *testing.T) {
	t.Parallel()
	for _, path := range [][]string{{"completion"}, {"completion", "bash"}, {"completion", "zsh"}, {"completion", "fish"}, {"completion", "powershell"}} {
		app, out, errb := helpWalkApp(t)
		if code := Run(app, append(path, "--help")); code != ExitOK {
			t.Fatalf("%v --help: exit %d: %s", path, code, errb)
		}
		for _, cobraWords := range []string{"autocompletion", "Generate the", "specified shell", "sub-command", "disable completion descriptions"} {
			if strings.Contains(out.String(), cobraWords) {
				t.Errorf("%v --help says %q:\n%s", path, cobraWords, out)
			}
		}
		if len(path) == 2 && !strings.Contains(out.String(), "webhook-tool completion "+path[1]) {
			t.Errorf("%v --help does not say how to load the script:\n%s", path, out)
		}
	}
}
