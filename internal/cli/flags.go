package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
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
