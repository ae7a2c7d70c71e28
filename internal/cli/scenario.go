package cli

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/scenario"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// ScenarioRunOptions is everything `scenario run` needs, filled from flags.
type ScenarioRunOptions struct {
	Source          string // NAME or FILE
	Client          clientFlags
	Secrets         []string
	Scheme          string
	CallbackBase    string
	CallbackAddr    string
	CallbackTimeout time.Duration
	NoValidate      bool
	Delay           time.Duration
	Duplicate       bool
	Shuffle         bool
	Seed            uint64
	SeedSet         bool
	KeepGoing       bool
	Output          string
	Profiles        []string
}

func newScenarioCmd(app *App, runF func(*ScenarioRunOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario",
		Short: "Send a whole flow of deliveries, one consistent story from its first event to its last",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var output string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the bundled scenarios with a one-line description each",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return scenarioListRun(app, output) },
	}
	addOutputFlag(list, &output, "text", "text", "json")
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a bundled scenario file, a starting point for your own",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return scenario.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			src, err := scenario.BundledSource(args[0])
			if err != nil {
				return scenarioError(err)
			}
			_, err = app.Out.Write(src)
			return err
		},
	}
	cmd.AddCommand(list, show, newScenarioRunCmd(app, runF))
	return cmd
}

func newScenarioRunCmd(app *App, runF func(*ScenarioRunOptions) error) *cobra.Command {
	opts := &ScenarioRunOptions{}
	cmd := &cobra.Command{
		Use:   "run NAME|FILE --to URL",
		Short: "Send a scenario's steps as one consistent story, in order, repeated or shuffled",
		Long: `Send every step of a bundled scenario (` + "`webhook-tool scenario list`" + `) or of your own
scenario file to --to, as one story: when the steps' profile tells a story (as
the bundled profile whose deliveries carry an access request does), every step is
the same subject (same id, number, target, reporter, privileges), each delivery
with its own id and callback, its time advancing, status, dates and reviews
fitting each event, and the log growing by one entry a step. A step's set lines
override fields as send --set does; a value may refer to an earlier step's
payload as ${STEP:PATH}. --profile makes a profile's fixtures (and story) the
ones steps name; its scheme signs unless --scheme says otherwise, and its event
and id headers are sent.

Every step is rendered and validated before anything is sent (--no-validate skips
validation); a file problem is reported with its line, as is a file past the limits:
1 MiB and 500 steps, set values 4 MiB together once YAML aliases and ${STEP:PATH}
references are expanded, rendered steps 64 MiB together. Steps are then signed and
sent in order, --delay apart. A step passes when its answer is 2xx (or the
expect.status it names) and, with expect.callback, when the receiver POSTs the
delivery's callback URL, which then points at scenario's own stand-in
(--callback-addr); with --callback-base too, the stand-in passes each callback on
there (a running listen, say) and answers with what that answers. A failed step
stops the run unless --keep-going.

--duplicate sends each delivery twice, identical bytes and headers, as an
at-least-once sender does; --shuffle sends the steps in a random order, printed,
which --seed repeats.

Exit status: 0 when every step passed; 1 when one failed or a payload is invalid;
2 for usage errors and scenario file errors.`,
		Annotations: map[string]string{exampleKey: "scenario"},
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(fmt.Errorf("scenario run takes one scenario, a bundled name or a file; got %d arguments", len(args)),
					"`webhook-tool scenario list` shows the bundled scenarios")
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return scenario.Names(), cobra.ShellCompDirectiveDefault // names, and files
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Source, opts.SeedSet = args[0], cmd.Flags().Changed("seed")
			if runF != nil {
				return runF(opts)
			}
			return scenarioRun(cmd.Context(), app, opts, flagGiven(cmd, "scheme"))
		},
	}
	f := cmd.Flags()
	opts.Client.Register(f, clientDefaults{Retries: 3})
	stringArrayVar(f, &opts.Secrets, "secret", "signing `SECRET` (repeatable: standard and stripe carry a signature per secret)")
	addSchemeFlag(cmd, &opts.Scheme, string(signature.Standard), false)
	addCallbackBaseFlag(f, &opts.CallbackBase, "the --to origin + /webhooks/callback/")
	addProfileFlag(f, &opts.Profiles)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)
	f.StringVar(&opts.CallbackAddr, "callback-addr", "127.0.0.1:0", "`HOST:PORT` the callback stand-in listens on when a step expects a callback")
	f.DurationVar(&opts.CallbackTimeout, "callback-timeout", scenario.DefaultCallbackTimeout, "wait this `DURATION` for a step's callback")
	f.BoolVar(&opts.NoValidate, "no-validate", false, "send the steps even if one is invalid")
	f.DurationVar(&opts.Delay, "delay", 0, "wait `D` between steps (a step's own delay wins)")
	f.BoolVar(&opts.Duplicate, "duplicate", false, "send each delivery twice, identical bytes and headers")
	f.BoolVar(&opts.Shuffle, "shuffle", false, "send the steps in a random order (printed; --seed repeats it)")
	f.Uint64Var(&opts.Seed, "seed", 0, "the `N` that makes --shuffle's order repeatable")
	f.BoolVar(&opts.KeepGoing, "keep-going", false, "send the remaining steps after one fails")
	addOutputFlag(cmd, &opts.Output, "text", "text", "json")
	return cmd
}

// scenarioInfo is one line of `scenario list --output json`.
type scenarioInfo struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Steps       []string `json:"steps"`
}

func scenarioListRun(app *App, output string) error {
	if err := checkOutput(output, "text", "json"); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	for _, s := range scenario.List() {
		if output == "json" {
			if err := writeJSON(app, scenarioInfo{s.Name, s.Description, s.Steps}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Description)
	}
	return tw.Flush()
}

// scenarioError turns the scenario package's errors into usage errors
// with their hints.
func scenarioError(err error) error {
	var se *scenario.Error
	var ue *scenario.UnknownError
	switch {
	case errors.As(err, &se):
		return usageError(err, se.Hint)
	case errors.As(err, &ue):
		return usageError(err, ue.Hint())
	}
	return usageError(err, "")
}

func checkScenarioFlags(opts *ScenarioRunOptions) error {
	switch {
	case opts.Delay < 0:
		return usageErrorf("invalid --delay %s: give a duration like 500ms, or 0", opts.Delay)
	case opts.CallbackTimeout <= 0:
		return usageErrorf("invalid --callback-timeout %s: give a duration like 10s", opts.CallbackTimeout)
	case opts.SeedSet && !opts.Shuffle:
		return usageError(errors.New("--seed orders a shuffled run, and --shuffle is not set"), "add --shuffle, or drop --seed")
	}
	if _, err := callbackBase(opts.CallbackBase, ""); err != nil {
		return err
	}
	return checkOutput(opts.Output, "text", "json")
}

// scenarioRun runs a scenario; schemeGiven says --scheme was given, so a
// profile's scheme does not replace it.
func scenarioRun(ctx context.Context, app *App, opts *ScenarioRunOptions, schemeGiven bool) error {
	if err := checkScenarioFlags(opts); err != nil {
		return err
	}
	c, err := opts.Client.Resolve(app, 1)
	if err != nil {
		return err
	}
	ps, err := loadProfiles(opts.Profiles)
	if err != nil {
		return err
	}
	sch := opts.Scheme
	if p := givenProfile(opts.Profiles, ps); p != nil && p.Scheme != "" && !schemeGiven {
		sch = p.Scheme
	}
	scheme, secrets, err := signingFlags(app, sch, opts.Secrets)
	if err != nil {
		return err
	}
	opts.Secrets = secrets
	signer, err := signature.NewSigner(scheme, opts.Secrets...)
	if err != nil {
		return usageError(err, "")
	}
	sc, ds, standIn, err := loadScenario(ctx, app, opts, c, ps)
	if err != nil {
		return err
	}
	if standIn != nil {
		defer standIn.Close()
	}
	if ctx.Err() != nil {
		return errNothingSent
	}
	if opts.Shuffle && !opts.SeedSet {
		opts.Seed = rand.Uint64() >> 1 // small enough to type back
	}

	run := scenario.RunOptions{
		URL: c.URL.String(), Client: c.HTTP, Policy: c.Policy, Signer: signer, Extra: c.Headers, UserAgent: userAgent(),
		Delay: opts.Delay, Duplicate: opts.Duplicate, Shuffle: opts.Shuffle, Seed: opts.Seed,
		KeepGoing: opts.KeepGoing, CallbackTimeout: opts.CallbackTimeout, Now: app.Now,
		OnRetry: func(d scenario.Delivery, a delivery.Attempt) {
			app.diag().Printf("step %s: attempt %d of %d: %s; retrying in %s",
				d.Step, a.N, opts.Client.Retries+1, attemptText(a), render.Duration(a.Wait))
		},
	}
	if standIn != nil {
		run.Callbacks = standIn.StandIn
	}
	out := scenario.NewPrinter(app.Out, app.diag(), opts.Output == "json", render.NewPalette(app.ColorOut()), ds)
	if opts.Shuffle {
		out.Order(scenario.Order(len(ds), opts.Seed), opts.Seed)
	}
	sum, err := scenario.Run(ctx, ds, run, out.Step)
	if errors.Is(err, context.Canceled) {
		return failError(errors.New("interrupted: the step in flight may or may not have arrived"), "")
	} else if err != nil {
		return failError(err, "")
	}
	out.Summary(sc.Name, sum, len(ds), c.URL.Host)
	if sum.Failed > 0 {
		return failError(fmt.Errorf("%d of %d %s failed", sum.Failed, len(ds), plural(len(ds), "step", "steps")), failHint(sum, c.URL.Host, c.TLS))
	}
	return nil
}

// errNothingSent is a scenario run stopped by a signal before it sent
// anything: while it read, rendered or checked the steps.
var errNothingSent = failError(errors.New("interrupted: nothing was sent"), "")

// loadScenario reads, renders and checks the scenario before anything is
// sent, with the callback stand-in started when a step waits for a
// callback (the caller closes it). Ctrl-C and SIGTERM stop it whatever it
// is doing: a FIFO that never ends, a large file to parse and check.
func loadScenario(ctx context.Context, app *App, opts *ScenarioRunOptions, c *client, ps []*profile.Profile) (*scenario.Scenario, []scenario.Delivery, *callback.Server, error) {
	list, err := fixture.ListOf(ps)
	if err != nil {
		return nil, nil, nil, profileError(err)
	}
	reg, err := payload.Open(ps)
	if err != nil {
		return nil, nil, nil, profileError(err)
	}
	sc, err := interruptible(ctx, func() (*scenario.Scenario, error) { return scenario.OpenWith(opts.Source, list) })
	if ctx.Err() != nil {
		return nil, nil, nil, errNothingSent
	} else if err != nil {
		return nil, nil, nil, scenarioError(err)
	}
	standIn, base, err := callbackStandIn(sc, opts, c)
	if err != nil {
		return nil, nil, nil, err
	}
	ds, err := interruptible(ctx, func() ([]scenario.Delivery, error) {
		return scenario.Prepare(ctx, sc, scenario.PrepareOptions{Start: app.Now(), NewID: app.newID, CallbackBase: base, Delay: opts.Delay,
			Profiles: ps, Registry: reg})
	})
	switch {
	case ctx.Err() != nil:
		err = errNothingSent
	case err != nil:
		err = scenarioError(err)
	case !opts.NoValidate:
		err = validateSteps(ctx, app, reg, ds)
	}
	if err != nil {
		if standIn != nil {
			standIn.Close()
		}
		return nil, nil, nil, err
	}
	return sc, ds, standIn, nil
}

func failHint(sum scenario.Summary, host string, tls ClientTLS) string {
	var na *scenario.NoAnswerError
	switch {
	case errors.As(sum.FirstFailure, &na) && delivery.NotSent(na.Err):
		return fmt.Sprintf("is the receiver running? `webhook-tool listen --addr %s` starts one", host)
	case na != nil && tls.handshakeHint(na.Err) != "":
		return tls.handshakeHint(na.Err)
	case sum.Skipped > 0:
		return fmt.Sprintf("%d later %s not sent; --keep-going sends them all the same", sum.Skipped, plural(sum.Skipped, "step was", "steps were"))
	}
	return ""
}

func attemptText(a delivery.Attempt) string {
	if a.Err != nil {
		return delivery.Explain(a.Err)
	}
	return delivery.StatusText(a.Status)
}

// callbackStandIn starts scenario's own callback stand-in when a step
// expects a callback (relaying to --callback-base when there is one), and
// returns the callback base the payloads get.
func callbackStandIn(sc *scenario.Scenario, opts *ScenarioRunOptions, c *client) (*callback.Server, string, error) {
	def := callback.BaseFor(c.URL)
	var waits []string
	for _, s := range sc.Steps {
		if s.Expect.Callback {
			waits = append(waits, s.Name)
		}
	}
	if len(waits) == 0 {
		if opts.CallbackBase != "" {
			return nil, opts.CallbackBase, nil
		}
		return nil, def, nil
	}
	standIn := &callback.StandIn{}
	if base := opts.CallbackBase; base != "" {
		// The stand-in sees each callback and passes it on to --callback-base
		// (a running listen, say), answering with what that answers.
		standIn.Relay = callback.RelayTo(&callback.Sender{Client: c.HTTP, Timeout: c.Policy.Timeout}, base)
	}
	srv, err := standIn.Start(opts.CallbackAddr)
	if err != nil {
		return nil, "", usageError(fmt.Errorf("cannot start the callback stand-in on --callback-addr %s: %w", opts.CallbackAddr, err), "")
	}
	return srv, srv.URL, nil
}

// validateSteps checks every rendered step before anything is sent, and
// prints the errors of the invalid ones as validate does.
func validateSteps(ctx context.Context, app *App, reg *payload.Registry, ds []scenario.Delivery) error {
	checked, err := interruptible(ctx, func() ([]scenario.Checked, error) {
		return scenario.Validate(ctx, reg, ds)
	})
	if ctx.Err() != nil {
		return errNothingSent
	} else if err != nil {
		return usageError(err, "")
	}
	pal, bad := render.NewPalette(app.ColorErr()), 0
	for _, c := range checked {
		if c.NoSchema || c.Result.Valid {
			continue
		}
		bad++
		writeFileResult(app.Err, pal, fmt.Sprintf("step %s (%s)", c.Step, c.Source), c.Result)
	}
	if bad > 0 {
		return failError(fmt.Errorf("%d %s invalid against %s schema; nothing was sent", bad, plural(bad, "step is", "steps are"), plural(bad, "its", "their")),
			"fix the step's set lines or file, or pass --no-validate to send anyway")
	}
	return nil
}

// scenarioExamples are scenario run's examples, built from the bundled
// scenarios.
func scenarioExamples() string {
	names := scenario.Names()
	a, b := "NAME", "NAME"
	if len(names) > 0 {
		a, b = names[min(1, len(names)-1)], names[min(2, len(names)-1)]
	}
	return "  webhook-tool scenario run " + a + " --to http://127.0.0.1:8080/ --secret \"$SECRET\"\n" +
		"  webhook-tool scenario run " + b + " --to http://127.0.0.1:3000/hooks --duplicate --shuffle --seed 7\n" +
		"  webhook-tool scenario run my-flow.yaml --profile ./github.profile.yaml --to http://127.0.0.1:3000/hooks --secret \"$SECRET\" --output json"
}
