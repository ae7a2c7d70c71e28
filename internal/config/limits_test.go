package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func applyFile(t *testing.T, name, text string) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("to", "", "")
	fs.StringArray("secret", nil, "")
	return Apply(Options{File: path, Explicit: true, Getenv: func(string) string { return "" }}, fs)
}

// A config nested thousands of levels (which took the parsers 12 s to
// minutes) or larger than MaxFileSize is refused before it is parsed.
func TestAbsurdConfigRefused(t *testing.T) {
	t.Parallel()
	var yamlDeep strings.Builder
	for i := range 500 {
		yamlDeep.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	for _, tc := range []struct{ name, file, text, want string }{
		{"deep JSON", "c.json", strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000), "nested more than 32 levels deep"},
		{"deep YAML flow", "c.yaml", "to: " + strings.Repeat("[", 4000) + strings.Repeat("]", 4000), "nested more than 32 levels deep"},
		{"deep YAML blocks", "c.yaml", yamlDeep.String(), "nested more than 32 levels deep"},
		{"deep YAML lists", "c.yaml", "to:\n" + strings.Repeat("- ", 100) + "x\n", "nested more than 32 levels deep"},
		{"huge", "c.yaml", "to: x\n# " + strings.Repeat("x", MaxFileSize) + "\n", "larger than 1MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := applyFile(t, tc.file, tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// A real config file, with lists, quotes and brackets in strings, passes.
func TestOrdinaryConfigPasses(t *testing.T) {
	t.Parallel()
	text := "to: \"http://x/[{\"\nsecret:\n  - a\n  - \"b]]]]\"\n# a comment [[[[\n"
	if err := applyFile(t, "c.yaml", text); err != nil {
		t.Fatal(err)
	}
	if err := applyFile(t, "c.json", `{"to": "http://x", "secret": ["a", "b"]}`); err != nil {
		t.Fatal(err)
	}
}

// A small config whose secret list is hundreds of aliases of one long
// string (300 x 200 KB: 60 MB of secrets handed to every command, which
// took send --dry-run seconds) is refused at the alias that takes the file
// past MaxFileSize once expanded, before viper expands it.
func TestConfigAliasBombRefused(t *testing.T) {
	t.Parallel()
	text := "to: http://127.0.0.1:1/\nsecret:\n  - &s " + strings.Repeat("k", 200_000) + "\n" + strings.Repeat("  - *s\n", 299)
	err := applyFile(t, "c.yaml", text)
	// The anchor and four aliases come to 1,000,005 bytes; the fifth
	// alias, on line 8, passes 1 MiB.
	want := "line 8: the file comes to more than 1 MiB once its YAML aliases are expanded"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
	// Aliases that stay within the limit are as good as writing it out.
	if err := applyFile(t, "c.yaml", "to: &u http://x/\nsecret: [*u, *u]\n"); err != nil {
		t.Error(err)
	}
}

// A long config file with a list left open on line 2 names line 2. The
// search for the line used to parse most of the file once per halving of
// it (20 parses, seconds, for 2,000 such lines); it now takes three
// parses after the first (yamlcheck.Parse).
func TestLongBrokenConfigNamesTheLine(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("to: http://127.0.0.1:1/\nsecret: [a,\n")
	for range 1000 {
		b.WriteString("  " + strings.Repeat("y, ", 160) + "\n")
	}
	err := applyFile(t, "c.yaml", b.String())
	want := ": line 2: invalid YAML: did not find expected node content"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("got %v, want ...%q", err, want)
	}
}
