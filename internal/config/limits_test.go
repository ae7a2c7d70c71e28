package config

import (
	"fmt"
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
	text := "to: \"http://x/[{\"\nsecret:\n  - a\n  - \"b]]]]\"\n# a comment [[[[\n"
	if err := applyFile(t, "c.yaml", text); err != nil {
		t.Fatal(err)
	}
	if err := applyFile(t, "c.json", `{"to": "http://x", "secret": ["a", "b"]}`); err != nil {
		t.Fatal(err)
	}
}

// Finding the broken line of a long YAML file takes O(log n) parses, not one
// per line, and still names the line.
func TestBrokenLineSearchIsLogarithmic(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		if i == 2500 {
			b.WriteString("bad: : :\n")
			continue
		}
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	prefixParses = 0
	if got := brokenLine([]byte(b.String())); got != 2501 {
		t.Errorf("broken line %d, want 2501", got)
	}
	if prefixParses > 30 {
		t.Errorf("%d parses for 5000 lines", prefixParses)
	}
}
