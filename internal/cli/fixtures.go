package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
)

// FixturesShowOptions is everything `fixtures show` needs.
type FixturesShowOptions struct {
	Name         string
	CallbackBase string
	Sets         []string
}

func newFixturesCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fixtures",
		Short: "List the bundled sample payloads or print one as it would be sent",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}

	var output string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the bundled fixtures with a one-line description each",
		Example: `  webhook-tool fixtures list
  webhook-tool fixtures list --output json | jq -r .name`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return fixturesListRun(app, output)
		},
	}
	addOutputFlag(list, &output, "text", "text", "json")

	opts := &FixturesShowOptions{}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a fixture as `send` would send it: fresh ids and timestamps",
		Long: `Print a bundled fixture as send would send it: a Permission Assist payload gets a
fresh id, createdDate and a callback URL for that id; a Permit invite gets a fresh
user_invite_id; --set overrides fields. Each run prints different ids.`,
		Example: `  webhook-tool fixtures show permission_assist.access_request_created
  webhook-tool fixtures show permit.invite_user --set email=ada@example.com > invite.json
  webhook-tool fixtures show permission_assist.access_request_approved \
      --callback-base http://127.0.0.1:8080/webhooks/callback/`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return fixture.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Name = args[0]
			return fixturesShowRun(app, opts)
		},
	}
	show.Flags().StringVar(&opts.CallbackBase, "callback-base", "", "point a Permission Assist callback at this `URL` followed by the id (default: the fixture's own callback host)")
	show.Flags().StringArrayVar(&opts.Sets, "set", nil, "override a field: `PATH=VALUE`, VALUE as JSON when it parses, else a string (repeatable)")

	cmd.AddCommand(list, show)
	return cmd
}

// fixtureInfo is one line of `fixtures list --output json`.
type fixtureInfo struct {
	Name        string `json:"name"`
	Family      string `json:"family"`
	Description string `json:"description"`
}

func fixturesListRun(app *App, output string) error {
	if err := checkOutput(output, "text", "json"); err != nil {
		return err
	}
	list := fixture.List()
	if output == "json" {
		enc := json.NewEncoder(app.Out)
		enc.SetEscapeHTML(false)
		for _, f := range list {
			if err := enc.Encode(fixtureInfo{f.Name, f.Family, f.Description}); err != nil {
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
	raw, err := fixture.Load(opts.Name)
	if err != nil {
		return unknownFixtureError(err)
	}
	base := opts.CallbackBase
	if base == "" {
		base = callbackBaseOf(raw)
	}
	r, err := fixture.Render(raw, fixture.RenderOptions{Now: app.Now(), NewID: app.newID, CallbackBase: base, Sets: opts.Sets})
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

// callbackBaseOf keeps a fixture's callback host and path when its id
// changes: "https://pa.example.com/webhooks/callback/<id>" gives
// "https://pa.example.com/webhooks/callback/". "" when there is no callback.
func callbackBaseOf(raw []byte) string {
	var doc struct {
		Callback string `json:"callback"`
	}
	if json.Unmarshal(raw, &doc) != nil || doc.Callback == "" {
		return ""
	}
	i := strings.LastIndexByte(doc.Callback, '/')
	if i < 0 {
		return ""
	}
	return doc.Callback[:i+1]
}

// unknownFixtureError turns fixture.Load's error into a usage error whose
// hint names the likely fixture, or how to list them: fourteen names on one
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
