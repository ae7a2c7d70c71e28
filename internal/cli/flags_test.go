package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// stringArrayVar behaves as pflag's StringArrayVar: one value per use,
// commas kept, no default shown, a slice to the config file and to
// completion.
func TestStringArrayFlag(t *testing.T) {
	t.Parallel()
	var got []string
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	stringArrayVarP(fs, &got, "secret", "s", "a `SECRET`")
	if err := fs.Parse([]string{"--secret", "a,b", "-s", `c "d"`, "--secret="}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a,b", `c "d"`, ""}; !slices.Equal(got, want) {
		t.Errorf("values %q, want %q", got, want)
	}
	f := fs.Lookup("secret")
	ref := pflag.NewFlagSet("ref", pflag.ContinueOnError)
	ref.StringArray("secret", nil, "")
	_ = ref.Parse([]string{"--secret", "a,b", "--secret", `c "d"`, "--secret="})
	if want := ref.Lookup("secret").Value; f.Value.Type() != want.Type() || f.Value.String() != want.String() {
		t.Errorf("type %q, text %q; pflag's: %q, %q", f.Value.Type(), f.Value.String(), want.Type(), want.String())
	}
	if u := fs.FlagUsages(); strings.Contains(u, "default") || !strings.Contains(u, "--secret SECRET") {
		t.Errorf("usage %q", u)
	}
	sv, ok := f.Value.(cobra.SliceValue)
	if !ok || !slices.Equal(sv.GetSlice(), got) {
		t.Fatalf("not a cobra.SliceValue, or GetSlice differs")
	}
	ps := f.Value.(pflag.SliceValue)
	if err := ps.Replace([]string{"x"}); err != nil || !slices.Equal(got, []string{"x"}) {
		t.Errorf("Replace: %q", got)
	}
	if err := ps.Append("y"); err != nil || !slices.Equal(got, []string{"x", "y"}) {
		t.Errorf("Append: %q", got)
	}
	var none []string
	stringArrayVar(fs, &none, "empty", "nothing")
	if s := fs.Lookup("empty").Value.String(); s != "[]" {
		t.Errorf("empty: %q", s)
	}
}
