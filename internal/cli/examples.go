package cli

import "github.com/spf13/cobra"

// exampleKey marks a command whose examples are built from the bundled
// fixtures: reading those costs every run's start-up (a few hundred µs of
// an 8 ms validate), so they are built only when help is shown, or the
// pages are generated (FillExamples).
const exampleKey = "webhook-tool/examples"

// exampleBuilders build the examples an exampleKey names.
var exampleBuilders = map[string]func() string{
	"send":     sendExamples,
	"probe":    probeExamples,
	"scenario": scenarioExamples,
}

// FillExamples sets the built examples of every command under root that
// has none yet.
func FillExamples(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if b, ok := exampleBuilders[c.Annotations[exampleKey]]; ok && c.Example == "" {
			c.Example = b()
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// lazyExamples makes root's help and usage fill the built examples first.
func lazyExamples(root *cobra.Command) {
	help, usage := root.HelpFunc(), root.UsageFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		FillExamples(c.Root())
		help(c, args)
	})
	root.SetUsageFunc(func(c *cobra.Command) error {
		FillExamples(c.Root())
		return usage(c)
	})
}
