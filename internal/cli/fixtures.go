package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
)

// FixturesShowOptions is everything `fixtures show` needs.
type FixturesShowOptions struct {
	Name         string
	CallbackBase string
	Sets         []string
	Profiles     []string
}

func newFixturesCmd(app *App) *cobra.Command {
	opts := &FixturesShowOptions{}
	cmd := &cobra.Command{
		Use:   "fixtures",
		Short: "List the sample payloads (bundled, or a profile's) or print one as it would be sent",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	addProfileFlag(cmd.PersistentFlags(), &opts.Profiles)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)

	var output string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the fixtures with a one-line description each",
		Long: `List the fixtures with a one-line description each: the bundled ones, or with
--profile the profile's samples (its fixtures directory, and an OpenAPI
document's examples; a webhook without an example gets a payload generated
from its schema, marked as generated).`,
		Example: `  webhook-tool fixtures list
  webhook-tool fixtures list --output json | jq -r .name
  webhook-tool fixtures list --profile ./openapi.yaml`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return fixturesListRun(app, opts.Profiles, output)
		},
	}
	addOutputFlag(list, &output, "text", "text", "json")

	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a fixture as `send` would send it: fresh ids and timestamps",
		Long: `Print a fixture as send would send it, with the fields its profile names fresh:
a payload that carries its delivery id and a callback URL gets a fresh id,
timestamp and a callback URL for that id; an invite gets a fresh id; --set
overrides fields. Each run prints different ids. ` + "`webhook-tool help profiles`" + `
shows which fields each bundled profile refreshes.`,
		Example: `  webhook-tool fixtures show NAME
  webhook-tool fixtures show NAME --set email=ada@example.com > invite.json
  webhook-tool fixtures show NAME --callback-base http://127.0.0.1:8080/webhooks/callback/
  webhook-tool fixtures show --profile ./openapi.yaml openapi.order.created`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			list, err := fixtureList(opts.Profiles) // --profile is parsed before completion
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, f := range list {
				names = append(names, f.Name)
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Name = args[0]
			return fixturesShowRun(app, opts)
		},
	}
	show.Flags().StringVar(&opts.CallbackBase, "callback-base", "", "point the payload's callback at this `URL` followed by the id (default: the fixture's own callback host)")
	stringArrayVar(show.Flags(), &opts.Sets, "set", "override a field: `PATH=VALUE`, VALUE as JSON when it parses, else a string (repeatable)")

	cmd.AddCommand(list, show)
	return cmd
}

// fixtureInfo is one line of `fixtures list --output json`.
type fixtureInfo struct {
	Name        string `json:"name"`
	Family      string `json:"family"`
	Description string `json:"description"`
	Generated   bool   `json:"generated,omitempty"`
}

// fixtureList is the fixtures of --profile's profiles.
func fixtureList(specs []string) ([]fixture.Fixture, error) {
	ps, err := loadProfiles(specs)
	if err != nil {
		return nil, err
	}
	list, err := fixture.ListOf(ps)
	if err != nil {
		return nil, profileError(err)
	}
	return list, nil
}

func fixturesListRun(app *App, specs []string, output string) error {
	if err := checkOutput(output, "text", "json"); err != nil {
		return err
	}
	list, err := fixtureList(specs)
	if err != nil {
		return err
	}
	if output == "json" {
		enc := json.NewEncoder(app.Out)
		enc.SetEscapeHTML(false)
		for _, f := range list {
			if err := enc.Encode(fixtureInfo{f.Name, f.Family, f.Description, f.Generated}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	for _, f := range list {
		fmt.Fprintf(tw, "%s\t%s\n", f.Name, f.Description)
	}
	return tw.Flush()
}

func fixturesShowRun(app *App, opts *FixturesShowOptions) error {
	list, err := fixtureList(opts.Profiles)
	if err != nil {
		return err
	}
	f, err := fixture.Find(list, opts.Name)
	if err != nil {
		return unknownFixtureError(err)
	}
	raw, err := f.Load()
	if err != nil {
		return usageError(fmt.Errorf("fixture %s: %w", f.Name, err), "")
	}
	base := opts.CallbackBase
	if base == "" {
		base = fixture.CallbackBaseOf(raw, f.Profile.Fields.Callback)
	}
	r, err := fixture.Render(raw, fixture.RenderOptions{Now: app.Now(), NewID: app.newID, CallbackBase: base, Sets: opts.Sets, Profile: f.Profile})
	if err != nil {
		return renderError(err)
	}
	warnAdded(app, r.Added)
	_, err = app.Out.Write(r.Body)
	return err
}

// warnAdded warns about each --set that added a field the payload did not
// have: usually a typo of one it has.
func warnAdded(app *App, added []fixture.AddedWarning) {
	diag := app.diag()
	for _, w := range added {
		diag.Warnf("%s", w)
	}
}

// unknownFixtureError turns fixture.Load's error into a usage error whose
// hint names the likely fixture, or how to list them: every name on one
// line would bury the one that matters.
func unknownFixtureError(err error) error {
	var ue *fixture.UnknownError
	if !errors.As(err, &ue) {
		return usageError(err, "")
	}
	return usageError(err, ue.Hint())
}

// renderError maps fixture.Render's errors: a bad --set shows the syntax, a
// payload that is not a JSON object says where.
func renderError(err error) error {
	var se *fixture.SetError
	if errors.As(err, &se) {
		return usageError(err, se.Hint())
	}
	return usageError(fmt.Errorf("invalid payload: %w", err), "")
}
