package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/probe"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/report"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// ProbeOptions is everything `probe` needs, filled from flags.
type ProbeOptions struct {
	Client         clientFlags
	Family         string
	Fixtures       []string
	Secrets        []string
	Scheme         string
	Tolerance      time.Duration
	AckWithin      time.Duration
	CallbackWithin time.Duration
	ExpectCallback bool
	CallbackAddr   string
	CallbackBase   string
	Output         string
	Profiles       []string

	schemeGiven bool // --scheme was given (flag, environment or config file)
}

// probeFamilies are the bundled profiles, whose fixtures --family sends.
func probeFamilies() []string { return profile.BundledNames() }

func newProbeCmd(app *App, runF func(*ProbeOptions) error) *cobra.Command {
	opts := &ProbeOptions{}
	cmd := &cobra.Command{
		Use:   "probe --to URL (--family F | --fixture NAME...)",
		Short: "Grade your receiver: signed, unsigned, tampered, stale, duplicate, unknown-field, malformed, callback and key-rotation checks",
		Long: `Send a battery of deliveries to your receiving endpoint and grade how it answers:

  valid           each fixture, correctly signed: answered 2xx
  ack-time        those 2xx answers came within --ack-within
  unsigned        no signature or auth header: answered 4xx
  tampered        one body byte changed after signing: 4xx
  wrong-secret    signed (or bearer token) with another secret: 4xx
  stale, future   a timestamp twice --tolerance in the past, in the future: 4xx
  duplicate       the same delivery twice, byte for byte: both 2xx
  unknown-fields  fields no schema knows, at several depths: 2xx
  malformed-json  a signed body that is not JSON: 4xx (2xx warns; 5xx fails, senders retry it)
  callback        each accepted delivery that carries its own callback URL posts a
                  text/plain callback within --callback-within (missing: warn; with
                  --expect-callback: fail)
  callback-once   the duplicated delivery gets at most one callback
  rotation-order  two signatures in the header, an unknown one first and the
                  valid one last (a sender mid-rotation): 2xx
  rotation-secrets  with two or more --secret, signed only with the last: 2xx
  svix-headers    standard: the delivery under svix-id, svix-timestamp and
                  svix-signature (Svix-based providers): 2xx, a 4xx warns

Deliveries whose profile names a callback field carry a callback URL on probe's
own stand-in, which listens on --callback-addr (a free loopback port by default)
for the run. A receiver that reaches it at another address (in a container, or
through a tunnel) needs that address in the deliveries: --callback-base, e.g.
--callback-addr 0.0.0.0:9999 --callback-base http://host.docker.internal:9999/webhooks/callback/
(the stand-in takes callbacks at the base's path). A check the scheme cannot
express is skipped with the reason.

--family NAME sends every fixture of the profile NAME: a bundled one, or one
--profile gives (` + "`webhook-tool help profiles`" + `); with one --profile and neither --family nor
--fixture, its fixtures are sent. The deliveries carry the profile's event
header (the schema's group) and id header, and are signed in its scheme unless
--scheme says otherwise. Each request may take
--timeout (0 is refused: probe bounds every request) and is sent once unless
--retries asks for more; requests go out in parallel where order does not matter.

Exit status: 0 when no check failed (warnings allowed); 1 when one failed or the
receiver could not be reached; 2 for usage errors.`,
		Annotations: map[string]string{exampleKey: "probe"},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.schemeGiven = flagGiven(cmd, "scheme")
			if runF != nil {
				return runF(opts)
			}
			return probeRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	opts.Client.Register(f, clientDefaults{
		RetriesUsage: "retry a delivery up to `N` times after a connection error or a 429, 502, 503 or 504 (0: each is sent once)",
		TimeoutUsage: "time limit for each attempt, a `DURATION` (probe refuses 0: every request is bounded)",
		HeaderUsage:  "add a header to every delivery, `'Name: value'`, or @FILE of such lines (repeatable)",
	})
	f.StringVar(&opts.Family, "family", "", "send every fixture of this profile `NAME`: "+strings.Join(probeFamilies(), "|")+", or one --profile gives")
	stringArrayVar(f, &opts.Fixtures, "fixture", "send this fixture `NAME` (repeatable)")
	addProfileFlag(f, &opts.Profiles)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)
	stringArrayVar(f, &opts.Secrets, "secret", "the `SECRET` your endpoint verifies with (repeatable: signed with each, as send does; whsk_... signs v1a)")
	addSchemeFlag(cmd, &opts.Scheme, string(signature.Standard), false)
	f.DurationVar(&opts.Tolerance, "tolerance", signature.DefaultTolerance, "your endpoint's timestamp tolerance, a `DURATION`; stale and future are signed twice as far off")
	f.DurationVar(&opts.AckWithin, "ack-within", probe.DefaultAckWithin, "a correct delivery must be answered 2xx within this `DURATION`")
	f.DurationVar(&opts.CallbackWithin, "callback-within", probe.DefaultCallbackWithin, "a callback must arrive within this `DURATION` of its delivery's answer")
	f.BoolVar(&opts.ExpectCallback, "expect-callback", false, "a missing callback fails the run (else it warns)")
	f.StringVar(&opts.CallbackAddr, "callback-addr", probe.DefaultCallbackAddr, "serve the callback stand-in on `HOST:PORT`")
	addCallbackBaseFlag(f, &opts.CallbackBase, "the stand-in's own URL; see above")
	addOutputFlag(cmd, &opts.Output, "text", "text", "json", "junit")
	_ = cmd.RegisterFlagCompletionFunc("family", cobra.FixedCompletions(probeFamilies(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fixture", cobra.FixedCompletions(fixture.Names(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func probeRun(ctx context.Context, app *App, opts *ProbeOptions) error {
	if err := checkOutput(opts.Output, "text", "json", "junit"); err != nil {
		return err
	}
	c, err := opts.Client.Resolve(app, 8)
	if err != nil {
		return err
	}
	ps, err := loadProfiles(opts.Profiles)
	if err != nil {
		return err
	}
	list, err := fixture.ListOf(ps)
	if err != nil {
		return profileError(err)
	}
	fixtures, err := probeFixtures(opts, ps, list)
	if err != nil {
		return err
	}
	scheme, secrets, err := signingFlags(app, probeScheme(opts, ps, list, fixtures), opts.Secrets)
	if err != nil {
		return err
	}
	if err := checkProbeDurations(opts); err != nil {
		return err
	}
	if _, err := callbackBase(opts.CallbackBase, ""); err != nil {
		return err
	}
	secret := ""
	if len(secrets) > 0 {
		secret = secrets[0]
	}

	rep, err := probe.Run(ctx, probe.Options{
		URL: c.URL.String(), Fixtures: fixtures, Profiles: ps, Scheme: scheme, Secret: secret, Secrets: secrets,
		Tolerance: opts.Tolerance, AckWithin: opts.AckWithin, CallbackWithin: opts.CallbackWithin, ExpectCallback: opts.ExpectCallback,
		Header: c.Headers, UserAgent: "webhook-tool/" + buildInfo().Version,
		Client: c.HTTP, Policy: c.Policy, CallbackAddr: opts.CallbackAddr, CallbackBase: opts.CallbackBase, Now: app.Now, NewID: app.newID,
	})
	if err != nil {
		return probeError(err, c)
	}

	switch opts.Output {
	case "json":
		err = probe.WriteJSON(app.Out, rep)
	case "junit":
		err = report.WriteJUnit(app.Out, probe.Suite(rep))
	default:
		err = probe.WriteText(app.Out, rep, render.NewPalette(app.ColorOut()))
	}
	if err != nil {
		return failError(fmt.Errorf("cannot write the report: %w", err), "")
	}
	if failed := rep.Failed(); len(failed) > 0 {
		return failError(fmt.Errorf("%d of %d checks failed: %s", len(failed), len(rep.Checks), strings.Join(failed, ", ")), "")
	}
	return nil
}

// probeFixtures resolves --family and --fixture to the fixture names to
// send, from the fixtures of the profiles in use (list).
func probeFixtures(opts *ProbeOptions, ps []*profile.Profile, list []fixture.Fixture) ([]string, error) {
	family, names := opts.Family, opts.Fixtures
	var families []string
	for _, p := range ps {
		families = append(families, p.Name)
	}
	hint := "--family " + strings.Join(families, " or --family ") + " sends every fixture of that profile; --fixture NAME chooses (`webhook-tool fixtures list`)"
	if len(opts.Profiles) == 0 {
		hint = "--family " + strings.Join(families, " or --family ") + " sends every bundled fixture of that family; --fixture NAME chooses (`webhook-tool fixtures list`)"
	}
	if p := givenProfile(opts.Profiles, ps); p != nil && family == "" && len(names) == 0 {
		family = p.Name // the one profile given: its fixtures
	}
	switch {
	case family != "" && len(names) > 0:
		return nil, usageError(errors.New("--family and --fixture both given"), "give one: "+hint)
	case len(names) > 0:
		for _, n := range names {
			if _, err := fixture.Find(list, n); err != nil {
				return nil, unknownFixtureError(err)
			}
		}
		return slices.Compact(slices.Clone(names)), nil
	case family == "":
		return nil, usageError(errors.New("nothing to send: give --family or --fixture"), hint)
	}
	var out []string
	for _, f := range list {
		if f.Family == family {
			out = append(out, f.Name)
		}
	}
	if len(out) == 0 {
		return nil, usageError(fmt.Errorf("unknown --family %q", family), "use one of: "+strings.Join(families, ", "))
	}
	return out, nil
}

// probeScheme is the scheme to sign in: --scheme when it was given, else
// the scheme of the --profile the fixtures are of when they are all of one
// that names a scheme, else --scheme's default.
func probeScheme(opts *ProbeOptions, ps []*profile.Profile, list []fixture.Fixture, names []string) string {
	if opts.schemeGiven || len(opts.Profiles) == 0 {
		return opts.Scheme
	}
	var p *profile.Profile
	for _, n := range names {
		f, err := fixture.Find(list, n)
		if err != nil || (p != nil && f.Profile != p) {
			return opts.Scheme
		}
		p = f.Profile
	}
	if p == nil || p.Scheme == "" {
		return opts.Scheme
	}
	return p.Scheme
}

// probeExamples are probe's examples, built from the bundled fixtures.
func probeExamples() string {
	cb, other := exampleFixture(0), exampleFixture(1)
	for _, f := range exampleFixtures() {
		if f.Profile != nil && f.Profile.Fields.Callback != "" {
			cb = f
		} else {
			other = f
		}
	}
	lines := []string{
		fmt.Sprintf("webhook-tool probe --to http://127.0.0.1:3000/webhooks --family %s --secret \"$SECRET\"", cb.Family),
		fmt.Sprintf("webhook-tool probe --to https://staging.example.com/hooks/%s --profile %s --secret \"$TOKEN\"", other.Family, other.Family),
		"webhook-tool probe --to http://127.0.0.1:3000/webhooks --profile ./github.profile.yaml --secret \"$SECRET\"",
		fmt.Sprintf("webhook-tool probe --to http://127.0.0.1:3000/webhooks --fixture %s \\\n      --secret \"$SECRET\" --expect-callback --output junit > probe.xml", cb.Name),
	}
	return "  " + strings.Join(lines, "\n  ")
}

func checkProbeDurations(opts *ProbeOptions) error {
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{
		{"--tolerance", opts.Tolerance}, {"--ack-within", opts.AckWithin},
		{"--callback-within", opts.CallbackWithin},
	} {
		if d.v <= 0 {
			return usageErrorf("invalid %s %s: give a duration above zero, like 10s", d.flag, d.v)
		}
	}
	if opts.Client.Timeout == 0 {
		return usageErrorf("invalid --timeout 0: probe bounds every request; give a duration like 10s")
	}
	return nil
}

// probeError maps the errors that stop a run before it is graded.
func probeError(err error, c *client) error {
	var ue *probe.UnreachableError
	var ae *probe.CallbackAddrError
	switch {
	case errors.Is(err, context.Canceled):
		return failError(errors.New("interrupted: no report"), "")
	case errors.As(err, &ue):
		hint := c.TLS.handshakeHint(ue.Err)
		if hint == "" && delivery.NotSent(ue.Err) {
			hint = "is the receiver running and is --to its URL? nothing was graded"
		}
		return failError(err, hint)
	case errors.As(err, &ae):
		return usageError(fmt.Errorf("invalid --callback-addr: %w", err), "choose another HOST:PORT; 127.0.0.1:0 picks a free port")
	}
	var fe *fixture.UnknownError
	if errors.As(err, &fe) {
		return unknownFixtureError(err)
	}
	return failError(err, "")
}
