package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// SendOptions is everything `send` needs, filled from flags.
type SendOptions struct {
	Source       string // FIXTURE, FILE or -
	Data         string // --data: @FILE, @- or the body itself
	Client       clientFlags
	Secrets      []string
	Scheme       string
	Sets         []string
	CallbackBase string
	Schema       string
	SchemaDirs   []string
	NoValidate   bool
	DryRun       bool
	Count        int
	Concurrency  int
	Rate         float64
	Output       string
	// RetrySchedule is svix, a list of waits or a file of them; TimeScale
	// compresses its waits ("1000x").
	RetrySchedule string
	TimeScale     string
	Profiles      []string

	retriesSet  bool // --retries was given
	schemeGiven bool // --scheme was given (flag, environment or config file)
}

// defaultTo is where send delivers without --to: listen's default address,
// so the two work together with no flags.
const defaultTo = "http://" + listener.DefaultAddr + "/"

// maxConcurrency bounds --concurrency: a million workers once took 834 MB
// and six seconds to stop, and no single sender needs more than this.
const maxConcurrency = 10000

func newSendCmd(app *App, runF func(*SendOptions) error) *cobra.Command {
	opts := &SendOptions{}
	cmd := &cobra.Command{
		Use:   "send FIXTURE|FILE|- [--to URL]",
		Short: "Send a signed sample webhook (a bundled fixture or your own payload) to a URL",
		Long: `Send a webhook to --to: a fixture (` + "`webhook-tool fixtures list`" + `: the bundled ones, or
with --profile the profile's), a JSON file, - for standard input (read too when it
is a pipe and no payload is named), or --data. The payload is rendered for this
delivery at the fields its profile names (a payload that carries its own delivery
id and callback URL gets a fresh id, timestamp and a callback URL for that id under
--callback-base; an invite a fresh invite id), --set overrides fields, and the
result is validated before anything is sent (--no-validate skips that, and then a
body that is not a JSON object is sent as it is).

A callback URL is the --to origin + /webhooks/callback/{id} by default: right
when --to is a listen, whose stand-in takes it. Sent to your own app, the
callback would point back at your app (send says so on stderr); to have a
running listen take it, print and record it, aim it there:
--callback-base http://127.0.0.1:8080/webhooks/callback/.

The request is signed with --secret under --scheme (standard by default, or the
scheme of the --profile the payload is of; none sends no signature) and carries
Content-Type: application/json, the profile's event header (the schema's group)
and id header (the delivery id), and any -H headers. send prints the request line,
the headers (secrets as ****) and the response: status, time and the start of its
body.

Connection errors and 429, 502, 503 and 504 answers are retried --retries times with
exponential backoff and jitter, honouring Retry-After (up to 30s); other answers
are final. Each attempt may take --timeout. Redirects are not followed.

--retry-schedule follows a sender's documented schedule instead: svix
(immediately, then 5s, 5m, 30m, 2h, 5h, 10h and 10h after each failure), or
your own list of waits (0,5s,5m) or a file of them. Every answer but a 2xx is
retried, until one is a 2xx or the schedule ends; each attempt has the same
delivery id and a fresh timestamp and signature; --time-scale 1000x makes the
waits a thousand times shorter. A summary lists every attempt with its
scheduled and real time. See ` + "`webhook-tool help responses`" + `.

Load mode: --count N sends N deliveries, each with its own id, timestamp and
signature, from --concurrency workers over reused connections, at most --rate per
second; it prints a summary: sent, 2xx, failures by status, latency p50/p90/p99
(retries included) and deliveries per second.

Exit status: 0 when every delivery got a 2xx answer; 1 when one did not (or the
receiver could not be reached), or the payload is invalid against its schema
(nothing is sent); 2 for usage errors: an unknown fixture, a bad URL, a file
that is not JSON.`,
		Annotations: map[string]string{exampleKey: "send"},
		Args:        onePayload,
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return fixture.Names(), cobra.ShellCompDirectiveDefault // fixture names, and files
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Source = args[0]
			}
			opts.retriesSet, opts.schemeGiven = cmd.Flags().Changed("retries"), flagGiven(cmd, "scheme")
			if runF != nil {
				return runF(opts)
			}
			return sendRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	opts.Client.Register(f, clientDefaults{Retries: 3, To: defaultTo, ToUsage: "the receiver's `URL` (http or https; default " + defaultTo + ", where listen listens)"})
	stringArrayVar(f, &opts.Secrets, "secret", "signing `SECRET` (repeatable: standard and stripe carry a signature per secret)")
	addSchemeFlag(cmd, &opts.Scheme, string(signature.Standard), false)
	stringArrayVar(f, &opts.Sets, "set", "override a field: `PATH=VALUE`, VALUE as JSON when it parses, else a string (repeatable)")
	f.StringVarP(&opts.Data, "data", "d", "", "the payload: `@FILE`, @- for standard input, or the JSON itself")
	addCallbackBaseFlag(f, &opts.CallbackBase, "the --to origin + /webhooks/callback/")
	addSchemaFlags(cmd, app, &opts.Schema, &opts.SchemaDirs)
	addMaxSizeFlag(cmd, app)
	addProfileFlag(f, &opts.Profiles)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)
	f.BoolVar(&opts.NoValidate, "no-validate", false, "send the payload even if it is invalid (or not JSON)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the exact request and send nothing")
	f.IntVarP(&opts.Count, "count", "n", 1, "load mode: send `N` deliveries")
	f.IntVarP(&opts.Concurrency, "concurrency", "c", 10, "load mode: `C` deliveries in flight at once")
	f.Float64Var(&opts.Rate, "rate", 0, "load mode: start at most `R` deliveries per second (0 = no limit)")
	f.StringVar(&opts.RetrySchedule, "retry-schedule", "", "retry as a sender's schedule does: svix, a `LIST` of waits (0,5s,5m) or a FILE of them; instead of --retries")
	f.StringVar(&opts.TimeScale, "time-scale", "", "compress the --retry-schedule waits by `FACTOR`, e.g. 1000x")
	addOutputFlag(cmd, &opts.Output, "text", "text", "json")
	return cmd
}

func sendRun(ctx context.Context, app *App, opts *SendOptions) error {
	app, done := maskedApp(app, opts.Secrets)
	return done(sendUnmasked(ctx, app, opts))
}

func sendUnmasked(ctx context.Context, app *App, opts *SendOptions) error {
	if err := checkOutput(opts.Output, "text", "json"); err != nil {
		return err
	}
	if err := checkSendNumbers(opts); err != nil {
		return err
	}
	sched, err := resolveSchedule(opts)
	if err != nil {
		return err
	}
	c, err := opts.Client.Resolve(app, opts.Concurrency)
	if err != nil {
		return err
	}
	src, err := sendSource(opts)
	if err != nil {
		return err
	}
	scheme, secrets, err := signingFlags(app, src.scheme(opts), opts.Secrets)
	if err != nil {
		return err
	}
	opts.Secrets = secrets
	raw, name, err := loadPayload(app, opts, src)
	if err != nil {
		return err
	}
	base, err := callbackBase(opts.CallbackBase, callback.BaseFor(c.URL))
	if err != nil {
		return err
	}
	tmpl, err := delivery.NewTemplate(raw, delivery.TemplateOptions{
		Now: app.Now(), CallbackBase: base, Sets: opts.Sets, AsIs: opts.NoValidate, NewID: app.newID,
		Profile: src.fixtureProfile(), Profiles: src.profiles,
	})
	if err != nil {
		return notAnObject(app, name, raw, err)
	}
	warnAdded(app, tmpl.Added())
	if opts.CallbackBase == "" {
		noteDefaultCallback(app, tmpl.Body(), c.URL)
	}
	schema, err := checkOutgoing(app, opts, src, name, tmpl.Body())
	if err != nil {
		return err
	}
	build := &delivery.Builder{
		URL: c.URL.String(), Scheme: scheme, Secrets: opts.Secrets, Extra: c.Headers, Template: tmpl, Now: app.Now,
		UserAgent: userAgent(),
	}
	build.Event, build.IDHeader = src.headers(schema)
	if opts.Count > 1 {
		return sendLoad(ctx, app, opts, build, c)
	}
	out, err := build.Next()
	if err != nil {
		return usageError(err, "")
	}
	if opts.DryRun {
		return printDryRun(app, opts.Output, out)
	}
	return sendOne(ctx, app, opts, out, c, sendPlan{build: build, schedule: sched})
}

// userAgent is what every request webhook-tool sends says it is.
func userAgent() string { return "webhook-tool/" + buildInfo().Version }

// The --rate range: below one delivery in 1,000 s a load run is not a
// load run (and 1e-300 made the pause between starts overflow to none);
// above a million a second the pause is under a microsecond, which is no
// limit at all.
const (
	minRate = 0.001
	maxRate = 1e6
)

// onePayload refuses more than one payload argument, in the tool's words
// rather than cobra's ("accepts at most 1 arg(s)").
func onePayload(_ *cobra.Command, args []string) error {
	if len(args) <= 1 {
		return nil
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = strconv.Quote(a)
	}
	return usageError(fmt.Errorf("send takes one payload, got %d: %s", len(args), strings.Join(quoted, " ")),
		"send one FIXTURE, FILE or - at a time (--count N sends it N times); quote a --set value with spaces: --set 'name=Ada Lovelace'")
}

func checkSendNumbers(opts *SendOptions) error {
	switch {
	case opts.Count < 1:
		return usageErrorf("invalid --count %d: give the number of deliveries, 1 or more", opts.Count)
	case opts.Concurrency < 1:
		return usageErrorf("invalid --concurrency %d: give 1 or more", opts.Concurrency)
	case opts.Concurrency > maxConcurrency:
		return usageError(fmt.Errorf("invalid --concurrency %d: at most %d deliveries can be in flight at once", opts.Concurrency, maxConcurrency),
			"each one holds a connection and a goroutine; a receiver that needs more is better tested from several machines")
	case opts.Rate != 0 && !(opts.Rate >= minRate && opts.Rate <= maxRate): // NaN fails both
		return usageErrorf("invalid --rate %g: give deliveries per second, %g to %g, or 0 for no limit", opts.Rate, minRate, maxRate)
	case opts.DryRun && opts.Count > 1:
		return usageError(errors.New("--dry-run prints one request and cannot be combined with --count"),
			"drop --count to see the request a load run would send")
	}
	return nil
}

// loadPayload reads the payload from the FIXTURE|FILE|- argument or --data,
// and returns it with the name messages use for it.
func loadPayload(app *App, opts *SendOptions, src *sendSrc) ([]byte, string, error) {
	switch {
	case opts.Data != "" && opts.Source != "":
		return nil, "", usageErrorf("two payloads: give a FIXTURE, FILE or - argument, or --data, not both")
	case opts.Data != "":
		if path, ok := strings.CutPrefix(opts.Data, "@"); ok {
			b, err := readBody(app, path)
			if path == "-" {
				path = stdinName
			}
			return b, path, err
		}
		return []byte(opts.Data), "--data", nil
	case opts.Source == "" && !app.InTTY:
		// Piped in, as validate reads it: echo '{...}' | webhook-tool send
		b, err := readBody(app, "-")
		if err == nil && len(bytes.TrimSpace(b)) == 0 {
			err = usageError(errors.New("nothing to send: standard input is empty; name a fixture, a JSON file, or pipe a payload in"),
				"`webhook-tool fixtures list` shows the bundled fixtures")
		}
		return b, stdinName, err
	case opts.Source == "":
		return nil, "", usageError(errors.New("nothing to send: name a fixture, a JSON file, or - for standard input"),
			"`webhook-tool fixtures list` shows the bundled fixtures")
	case opts.Source == "-":
		b, err := readBody(app, "-")
		return b, stdinName, err
	}
	if src.fixture != nil {
		b, err := src.fixture.Load()
		if err != nil {
			return nil, "", usageError(fmt.Errorf("fixture %s: %w", opts.Source, err), "")
		}
		return b, opts.Source, nil
	}
	st, err := os.Stat(opts.Source)
	switch {
	case err == nil && st.IsDir():
		return nil, "", usageErrorf("%s is a directory: send one file at a time", opts.Source)
	case err == nil:
		b, err := readBody(app, opts.Source)
		return b, opts.Source, err
	case strings.ContainsAny(opts.Source, `/\`):
		return nil, "", usageError(fmt.Errorf("cannot read %s: %w", opts.Source, unwrapPathErr(err)), "")
	}
	_, lerr := fixture.Find(src.list, opts.Source)
	var ue *fixture.UnknownError
	if errors.As(lerr, &ue) && strings.HasSuffix(strings.ToLower(opts.Source), ".json") && !strings.HasPrefix(ue.Hint(), "did you mean") {
		// Meant as a file, not a fixture.
		return nil, "", usageError(fmt.Errorf("cannot read %s: %w", opts.Source, unwrapPathErr(err)), "")
	}
	err = unknownFixtureError(lerr)
	var ee *ExitError
	if errors.As(err, &ee) && ee.Hint != "" {
		ee.Hint += "; or give a JSON file's path"
	}
	return nil, "", err
}

// notAnObject reports a payload that is not one JSON object: invalid JSON
// gets its line and column as validate shows them. Other errors pass.
func notAnObject(app *App, name string, raw []byte, err error) error {
	var ie *fixture.InputError
	if !errors.As(err, &ie) {
		return renderError(err)
	}
	const hint = "send one JSON object, or pass --no-validate to send the bytes as they are"
	if _, serr := payload.Decode(raw); serr != nil {
		writeFileResult(app.Err, render.NewPalette(app.ColorErr()), name, payload.Result{Errors: []payload.Error{*serr}})
		return usageError(fmt.Errorf("%s is not JSON; nothing was sent", name), hint)
	}
	return usageError(fmt.Errorf("invalid payload %s: %w; nothing was sent", name, err), hint)
}

// validateOutgoing checks the rendered payload before anything is sent and
// prints its errors as validate does. It returns the schema the payload is
// for, "" when no schema matches it.
func validateOutgoing(app *App, opts *SendOptions, reg *payload.Registry, schema, name string, body []byte) (string, error) {
	res, err := reg.Check(body, schema)
	if err != nil {
		var nm payload.NoMatchError
		if errors.As(err, &nm) {
			app.diag().Printf("note: no schema matches %s, so it is sent unvalidated (pass --schema to check it)", name)
			return "", nil
		}
		return "", usageError(err, "")
	}
	if res.Valid {
		return res.Schema, nil
	}
	writeFileResult(app.Err, render.NewPalette(app.ColorErr()), name, res)
	hint := "fix the payload, or pass --no-validate to send it anyway"
	if len(opts.Sets) > 0 {
		hint = "fix the payload or the --set values, or pass --no-validate to send it anyway"
	}
	if res.Schema == "" {
		return "", usageError(fmt.Errorf("%s is not JSON; nothing was sent", name), hint)
	}
	// Exit 1, not 2: an invalid payload is "the thing checked failed" (PRODUCT.md).
	return "", failError(fmt.Errorf("%s is invalid against %s; nothing was sent", name, res.Schema), hint)
}
