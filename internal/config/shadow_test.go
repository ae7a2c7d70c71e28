package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spf13/pflag"
)

// TestShadowed: what a higher source overrode is reported, with where it
// is; what was used, and what nothing overrode, is not.
func TestShadowed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("secret: [staging-1, staging-2]\nto: http://file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := "config file " + path
	for _, c := range []struct {
		name string
		args []string
		env  string
		want []Value
	}{
		{"flag over env and file", []string{"--secret", "prod"}, "env-secret",
			[]Value{{"WEBHOOK_TOOL_SECRET", "env-secret"}, {file, "staging-1"}, {file, "staging-2"}}},
		{"flag over file", []string{"--secret", "prod"}, "", []Value{{file, "staging-1"}, {file, "staging-2"}}},
		{"env over file", nil, "env-secret", []Value{{file, "staging-1"}, {file, "staging-2"}}},
		{"file used", nil, "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
			fs.StringArray("secret", nil, "")
			fs.String("to", "", "")
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			opts := Options{File: path, Getenv: func(k string) string {
				if k == "WEBHOOK_TOOL_SECRET" {
					return c.env
				}
				return ""
			}}
			if err := Apply(opts, fs); err != nil {
				t.Fatal(err)
			}
			got, err := Shadowed(opts, fs, "secret")
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Shadowed = %v, %v; want %v", got, err, c.want)
			}
			if got, _ := Shadowed(opts, fs, "to"); got != nil {
				t.Errorf("to: %v", got)
			}
		})
	}
}
