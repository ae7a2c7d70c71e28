package cli

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// addOutputFlag adds the shared --output flag with its allowed values, which
// also feed shell completion.
func addOutputFlag(cmd *cobra.Command, p *string, def string, allowed ...string) {
	cmd.Flags().StringVarP(p, "output", "o", def, "output `FORMAT`: "+strings.Join(allowed, "|"))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(allowed, cobra.ShellCompDirectiveNoFileComp))
}

// addTTYOutputFlag is --output for a command whose default depends on
// where standard output goes: the first of allowed on a terminal, json
// elsewhere. The flag's own default is "" (decided at run time), so its
// help says it.
func addTTYOutputFlag(cmd *cobra.Command, p *string, allowed ...string) {
	cmd.Flags().StringVarP(p, "output", "o", "", "output `FORMAT`: "+strings.Join(allowed, "|")+" (default "+allowed[0]+" on a terminal, else json)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(allowed, cobra.ShellCompDirectiveNoFileComp))
}

// checkOutput rejects an --output value that is not one of allowed.
func checkOutput(got string, allowed ...string) error {
	if slices.Contains(allowed, got) {
		return nil
	}
	return usageError(fmt.Errorf("unknown --output format %q", got), "use one of: "+strings.Join(allowed, ", "))
}

// stringArrayVar is pflag's StringArrayVar without a default: each use of
// the flag adds one value, commas and all. pflag's own value formats its
// default through a CSV writer when the flag is defined, which for two
// dozen repeatable flags was a tenth of building the command tree in every
// run; this one says "[]" for nothing set, and what pflag says otherwise.
func stringArrayVar(fs *pflag.FlagSet, p *[]string, name, usage string) {
	stringArrayVarP(fs, p, name, "", usage)
}

// stringArrayVarP is stringArrayVar with a one-letter shorthand.
func stringArrayVarP(fs *pflag.FlagSet, p *[]string, name, short, usage string) {
	fs.VarP(&stringArray{p: p}, name, short, usage)
	// pflag knows "[]" as no default only for its own slice types.
	fs.Lookup(name).DefValue = ""
}

// stringArray is the pflag.Value of stringArrayVar. Its type name is
// pflag's, so help shows it the same way, and it is a cobra.SliceValue, so
// completion offers the flag again.
type stringArray struct {
	p   *[]string
	set bool
}

func (s *stringArray) Set(v string) error {
	if !s.set {
		*s.p, s.set = nil, true
	}
	*s.p = append(*s.p, v)
	return nil
}

func (s *stringArray) Type() string { return "stringArray" }

func (s *stringArray) String() string {
	if len(*s.p) == 0 {
		return "[]"
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(*s.p)
	w.Flush()
	return "[" + strings.TrimSuffix(b.String(), "\n") + "]"
}

func (s *stringArray) GetSlice() []string { return slices.Clone(*s.p) }

func (s *stringArray) Append(v string) error { *s.p = append(*s.p, v); return nil }

func (s *stringArray) Replace(vs []string) error { *s.p = slices.Clone(vs); return nil }
