// Package cli wires the cobra commands: each command parses its flags into a
// plain options struct and calls a domain package that knows nothing of cobra
// or viper. Errors become exit codes in one place (errors.go).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/webhook-tool/webhook-tool/internal/config"
	"github.com/webhook-tool/webhook-tool/internal/sigctx"
	"github.com/webhook-tool/webhook-tool/internal/suggest"
)

// Main runs the tool with the process's arguments and streams and returns the
// exit code. It owns the process's one signal context: the first Ctrl-C (or
// SIGTERM) cancels the context every command runs under, so a command stops
// cleanly and reports; after it the default handling is back, and a second
// Ctrl-C ends the process at once, unless the command has taken the second
// one over to end what it started first (internal/sigctx).
func Main() int { return MainApp(NewApp(), os.Args[1:]) }

// MainApp is Main with the app and arguments given, for a test harness
// that runs the real entry point over streams of its own.
func MainApp(app *App, args []string) int {
	ctx, stop := sigctx.Notify(context.Background())
	defer stop()
	return RunContext(ctx, app, args)
}

// Run executes one command line against app and returns its exit code.
func Run(app *App, args []string) int { return RunContext(context.Background(), app, args) }

// RunContext is Run under ctx: cancelling it stops the command as Ctrl-C
// does (a listener shuts down gracefully, a load run stops and reports).
func RunContext(ctx context.Context, app *App, args []string) int {
	root := newRoot(app, soleCommand(args))
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	var ee *ExitError
	if err != nil && !errors.As(err, &ee) {
		// Everything cobra itself rejects (unknown command, bad arguments)
		// is a usage error; point at the help of the command concerned.
		path := "webhook-tool"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		err = usageError(err, fmt.Sprintf("run `%s --help` to see its usage", path))
		if name, ok := unknownCommand(err); ok && cmd != nil {
			err = unknownCommandError(cmd, name)
		}
	}
	if errors.As(err, &ee) && ee.Code == ExitUsage && ee.Err != nil && cmd != nil {
		if src := configuredFlagIn(cmd, ee.Err); src != "" {
			ee.Err = fmt.Errorf("%w (the value is from %s)", ee.Err, src)
		}
	}
	return exitCode(err, app.Err)
}

// unknownCommand reports the name in cobra's `unknown command "x" for "y"`.
func unknownCommand(err error) (string, bool) {
	rest, ok := strings.CutPrefix(err.Error(), "unknown command ")
	if !ok {
		return "", false
	}
	name, qerr := strconv.QuotedPrefix(rest)
	if qerr != nil {
		return "", false
	}
	name, qerr = strconv.Unquote(name)
	return name, qerr == nil
}

// unknownCommandError says which word is not a command of parent, and
// which one was probably meant.
func unknownCommandError(parent *cobra.Command, name string) error {
	var names []string
	for _, c := range parent.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
			names = append(names, c.Aliases...)
		}
	}
	what := "unknown command " + strconv.Quote(name)
	if parent.HasParent() {
		what += " for " + strconv.Quote(parent.CommandPath())
	}
	hint := fmt.Sprintf("run `%s --help` to see the commands", parent.CommandPath())
	if m := suggest.Closest(name, names); m != "" {
		hint = "did you mean " + m + "?"
	}
	return usageError(errors.New(what), hint)
}

// closestFlag is the flag of cmd that pflag's "unknown flag: --scheem"
// probably meant, or "".
func closestFlag(cmd *cobra.Command, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok || name == "" {
		return ""
	}
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	return suggest.Closest(name, names)
}

// configuredFlagIn returns where the value came from when err complains
// about a --flag that the environment or the config file set, so "invalid
// --count -5" says where the -5 is; "" otherwise.
func configuredFlagIn(cmd *cobra.Command, err error) string {
	var ce *config.Error
	if errors.As(err, &ce) {
		return "" // names its source already
	}
	msg, src := err.Error(), ""
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if s := config.Source(f); s != "" && src == "" && mentionsFlag(msg, f.Name) {
			src = s
		}
	})
	return src
}

// mentionsFlag reports whether msg names --name as a whole flag (not
// --schema inside --schema-dir).
func mentionsFlag(msg, name string) bool {
	name = "--" + name
	for rest := msg; ; {
		i := strings.Index(rest, name)
		if i < 0 {
			return false
		}
		rest = rest[i+len(name):]
		if rest == "" || !(rest[0] == '-' || rest[0] >= 'a' && rest[0] <= 'z') {
			return true
		}
	}
}

// NewRootCmd builds the whole command tree over app.
func NewRootCmd(app *App) *cobra.Command { return newRoot(app, "") }

// newRoot builds the root and, under it, the command named only, or every
// command when only is "".
func newRoot(app *App, only string) *cobra.Command {
	root := &cobra.Command{
		Use:   "webhook-tool",
		Short: "Validate, send, receive and answer access-management webhooks",
		Long: `webhook-tool is one binary for the receiving end of webhooks: Permit.io Elements
webhooks, Sycorr Permission Assist catch hooks, and any other JSON webhook.

It validates payload files against JSON Schemas, sends signed sample webhooks,
runs a local listener that verifies, validates, records and prints deliveries,
and posts plain-text callbacks. No account, no cloud.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Run says "did you mean" itself, on a hint line.
		DisableSuggestions: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyConfig(app, cmd); err != nil {
				return err
			}
			return parseMaxSize(app)
		},
	}
	root.SetIn(app.In)
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	root.PersistentFlags().StringVar(&app.configPath, "config", "", "read settings from `FILE` (default $XDG_CONFIG_HOME/webhook-tool/config.yaml)")
	root.PersistentFlags().BoolVar(&app.noColor, "no-color", false, "never colour the output (NO_COLOR is honoured too)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		var ive *pflag.InvalidValueError
		if errors.As(err, &ive) {
			// pflag's own text ends in strconv's ("strconv.ParseInt:
			// parsing "abc": invalid syntax"); say what the flag takes.
			if want := config.Want(ive.GetFlag().Value.Type()); want != "" {
				err = fmt.Errorf("invalid value %q for --%s: want %s", ive.GetValue(), ive.GetFlag().Name, want)
			}
		}
		hint := fmt.Sprintf("run `%s --help` to see its flags", cmd.CommandPath())
		if m := closestFlag(cmd, err); m != "" {
			hint = "did you mean --" + m + "?"
		}
		return usageError(err, hint)
	})

	for _, c := range commands {
		if only == "" || c.name == only {
			root.AddCommand(c.build(app))
		}
	}
	if only == "" {
		addTopics(root, topicCmds())
	} else {
		root.Annotations = map[string]string{partialTree: only}
		// Of the topics, only the one that is this command's long help.
		if t := topicCmd(only); t != nil {
			addTopics(root, []*cobra.Command{t})
		}
	}
	if only == "" {
		ownCompletion(root)
	}
	lazyExamples(root)
	return root
}

// partialTree annotates a root built with one command (newRoot's only).
const partialTree = "partial-tree"

// commands are the top-level commands, by name, in the order help lists
// them.
var commands = []struct {
	name  string
	build func(*App) *cobra.Command
}{
	{"validate", func(a *App) *cobra.Command { return newValidateCmd(a, nil) }},
	{"schemas", newSchemasCmd},
	{"fixtures", newFixturesCmd},
	{"profiles", newProfilesCmd},
	{"send", func(a *App) *cobra.Command { return newSendCmd(a, nil) }},
	{"sign", func(a *App) *cobra.Command { return newSignCmd(a, nil) }},
	{"verify", func(a *App) *cobra.Command { return newVerifyCmd(a, nil) }},
	{"listen", func(a *App) *cobra.Command { return newListenCmd(a, nil) }},
	{"inspect", func(a *App) *cobra.Command { return newInspectCmd(a, nil) }},
	{"replay", func(a *App) *cobra.Command { return newReplayCmd(a, nil) }},
	{"export", func(a *App) *cobra.Command { return newExportCmd(a, nil) }},
	{"mcp", func(a *App) *cobra.Command { return newMCPCmd(a, nil) }},
	{"callback", func(a *App) *cobra.Command { return newCallbackCmd(a, nil) }},
	{"probe", func(a *App) *cobra.Command { return newProbeCmd(a, nil) }},
	{"scenario", func(a *App) *cobra.Command { return newScenarioCmd(a, nil) }},
	{"secret", func(a *App) *cobra.Command { return newSecretCmd(a, nil) }},
	{"version", newVersionCmd},
}

// soleCommand is the command a command line runs when its first word names
// one: then only that command's part of the tree need be built (every run
// builds it, and the whole tree was most of a one-file validate's own
// time). "" when the line starts otherwise (a flag, help, completion, a
// word that is no command): those need the whole tree.
func soleCommand(args []string) string {
	if len(args) == 0 {
		return ""
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.name
		}
	}
	return ""
}

// applyConfig fills the flags the user did not set from the environment and
// the config file (flag > WEBHOOK_TOOL_* > file > default).
func applyConfig(app *App, cmd *cobra.Command) error {
	if cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd {
		// Completion must keep working with a broken config file: shells
		// hide its errors, and a user fixing the file wants completion.
		return nil
	}
	path, explicit := app.configPath, app.configPath != ""
	if !explicit {
		if env := app.Getenv(config.EnvName("config")); env != "" {
			path, explicit = env, true
		} else {
			path = config.DefaultPath(app.Getenv)
		}
	}
	copts := config.Options{
		File:     path,
		Explicit: explicit,
		Getenv:   app.Getenv,
		Skip:     []string{"config"},
		Aliases:  map[string]string{"profiles": "profile"},
		Known:    func() []string { return allFlagNames(fullTree(app, cmd)) },
		Warn: func(msg string) {
			app.diag().Warnf("%s", msg)
		},
	}
	err := config.Apply(copts, cmd.Flags())
	if err != nil {
		hint := "fix the value, or point --config at another file"
		var ce *config.Error
		switch {
		case errors.Is(err, fs.ErrNotExist) && app.configPath == "":
			hint = "create the file, or unset " + config.EnvName("config") + " to use " + config.DefaultPath(app.Getenv)
		case errors.Is(err, fs.ErrNotExist):
			hint = "create the file, or leave out --config to use " + config.DefaultPath(app.Getenv)
		case errors.As(err, &ce) && strings.HasPrefix(ce.Source, config.EnvPrefix):
			hint = "fix or unset " + ce.Source
		}
		return usageError(err, hint)
	}
	app.shadowedSecrets = shadowedSecrets(copts, cmd)
	return nil
}

// fullTree is the whole command tree: cmd's own when it was built whole,
// else one built over a copy of app, whose flags the copy's fields take, so
// that app keeps what its command line set.
func fullTree(app *App, cmd *cobra.Command) *cobra.Command {
	root := cmd.Root()
	if root.Annotations[partialTree] == "" {
		return root
	}
	cp := *app
	return NewRootCmd(&cp)
}

// allFlagNames lists the flags of every command under root: the keys a
// config file may hold.
func allFlagNames(root *cobra.Command) []string {
	var names []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.PersistentFlags(), c.LocalFlags()} {
			fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	slices.Sort(names)
	return slices.Compact(names)
}
