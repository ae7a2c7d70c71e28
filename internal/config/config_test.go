package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestMalformedFileNamesTheLine: the YAML library reports parser errors at
// the 0-based line of the enclosing construct, and first-line errors with no
// line; the message must carry the line a person has to fix.
func TestMalformedFileNamesTheLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text, want string
	}{
		{"unclosed flow list", "output: json\nschema: [\n  bad\nfoo: : :\n", "line 2: invalid YAML: did not find expected ',' or ']'"},
		{"bad indentation", "output: json\n  schema: x\n", "line 2: invalid YAML: mapping values are not allowed"},
		{"tab on first line", "\t- x\n", "line 1: invalid YAML:"},
		{"closed list then error", "list: [a,\n  b]\nother: : bad\n", "line 3: invalid YAML:"},
		{"unclosed quote", "a: \"unclosed\nb: c\n", "line 1: invalid YAML:"},
		{"repeated key", "a: 1\na: 2\n", `invalid YAML: line 2: mapping key "a" already defined at line 1`},
		{"not a mapping", "- a\n- b\n", "line 1: expected a mapping of flag names to values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			err := Apply(Options{File: path, Getenv: func(string) string { return "" }}, pflag.NewFlagSet("x", pflag.ContinueOnError))
			if err == nil {
				t.Fatal("no error")
			}
			want := "config file " + path + ": " + tc.want
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got  %s\nwant %s...", err, want)
			}
		})
	}
}

func TestWrongTypeNamesKeyAndWant(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("retries: lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Int("retries", 3, "")
	err := Apply(Options{File: path, Getenv: func(string) string { return "" }}, fs)
	want := "config file " + path + `: retries: invalid value "lots": want a whole number`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("to: http://file\nscheme: github\nsecret: [a, b]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	to := fs.String("to", "http://default", "")
	scheme := fs.String("scheme", "standard", "")
	secret := fs.StringArray("secret", []string{"d"}, "")
	addr := fs.String("addr", "127.0.0.1:8080", "")
	if err := fs.Parse([]string{"--to", "http://flag"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WEBHOOK_TOOL_TO": "http://env", "WEBHOOK_TOOL_SCHEME": "stripe"}
	if err := Apply(Options{File: path, Getenv: func(k string) string { return env[k] }}, fs); err != nil {
		t.Fatal(err)
	}
	if *to != "http://flag" || *scheme != "stripe" || strings.Join(*secret, ",") != "a,b" || *addr != "127.0.0.1:8080" {
		t.Errorf("to=%s scheme=%s secret=%v addr=%s; want flag, env, file list, default", *to, *scheme, *secret, *addr)
	}
}

// Keys that no command takes are reported, each once and in order, with
// the flag they were probably meant to be; keys some other command takes are
// not, and the rest of the file still applies.
func TestUnknownKeysWarn(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	text := "secrets: [a]\nmax_body: 2MiB\nschme: github\nzzz: 1\nto: http://file\naddr: 127.0.0.1:9\nRetries: 5\nlisten:\n  addr: x\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("send", pflag.ContinueOnError)
	to := fs.String("to", "", "")
	retries := fs.Int("retries", 3, "")
	known := []string{"addr", "max-body", "retries", "scheme", "secret", "to"}
	var warned []string
	err := Apply(Options{
		File: path, Getenv: func(string) string { return "" },
		Known: func() []string { return known },
		Warn:  func(msg string) { warned = append(warned, msg) },
	}, fs)
	if err != nil {
		t.Fatal(err)
	}
	pre := "config file " + path + ": "
	want := []string{
		pre + `"listen" is not a flag of any command; ignored (keys are flag names at the top level of the file; sections are not read)`,
		pre + `"max_body" is not a flag of any command; ignored (did you mean "max-body"?)`,
		pre + `"schme" is not a flag of any command; ignored (did you mean "scheme"?)`,
		pre + `"secrets" is not a flag of any command; ignored (did you mean "secret"?)`,
		pre + `"zzz" is not a flag of any command; ignored`,
	}
	if strings.Join(warned, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warned, "\n"), strings.Join(want, "\n"))
	}
	if *to != "http://file" || *retries != 5 {
		t.Errorf("the known keys were not applied: to %q, retries %d", *to, *retries)
	}
}

func TestNearest(t *testing.T) {
	t.Parallel()
	known := []string{"schema", "schema-dir", "scheme", "secret", "status", "to"}
	for key, want := range map[string]string{
		"schema_dir": "schema-dir", // separator
		"secrt":      "secret",     // one edit
		"stauts":     "status",     // two letters swapped
		"schem":      "",           // schema and scheme are both one edit away
		"timeout":    "",           // nothing close
	} {
		if got := nearest(key, known); got != want {
			t.Errorf("nearest(%q) = %q, want %q", key, got, want)
		}
	}
}

// An alias key sets its flag (profiles: sets --profile), is no unknown
// key, and the flag's own key or the environment still win.
func TestAliases(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("profiles: [a, b]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(env map[string]string) ([]string, []string) {
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		got := fs.StringArray("profile", nil, "")
		var warnings []string
		err := Apply(Options{File: path, Getenv: func(k string) string { return env[k] },
			Known: func() []string { return []string{"profile"} }, Warn: func(m string) { warnings = append(warnings, m) },
			Aliases: map[string]string{"profiles": "profile"}}, fs)
		if err != nil {
			t.Fatal(err)
		}
		return *got, warnings
	}
	if got, warn := run(nil); strings.Join(got, ",") != "a,b" || len(warn) != 0 {
		t.Errorf("from the file: %v, warnings %v", got, warn)
	}
	if got, _ := run(map[string]string{"WEBHOOK_TOOL_PROFILE": "c,d"}); strings.Join(got, "|") != "c,d" {
		t.Errorf("from the environment: %v (one value, split by the profile loader)", got)
	}
}
