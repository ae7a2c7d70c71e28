package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/sigctx"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// ListenOptions is everything `listen` needs, filled from flags.
type ListenOptions struct {
	Addr, Path, Scheme, MaxBody, Record, Output, Body string
	Schema, Cert, Key, ClientCA, UI                   string
	Public, Ready                                     string
	Secrets, SchemaDirs, Profiles                     []string
	Tolerance                                         time.Duration
	Status                                            int
	TLS                                               bool
	UIGiven                                           bool // --ui was given: it must bind as given
	SchemeGiven                                       bool // --scheme was given (flag, environment or config file)
	Exec                                              listener.ExecFlags
	Program                                           listener.ProgramFlags

	// Not flags: tests shorten the waits and learn where listen serves.
	Drain   time.Duration        // how long Ctrl-C waits for the requests in flight (0: the default)
	UITries int                  // ports tried from the default --ui (0: inspect.DefaultTries)
	OnReady func(listener.Ready) // called once listen is up, after its banner
}

func newListenCmd(app *App, runF func(*ListenOptions) error) *cobra.Command {
	opts := &ListenOptions{}
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Run a local receiver that verifies, validates, records and prints deliveries",
		Long:  longHelp("listen"),
		Example: `  webhook-tool listen --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  webhook-tool listen --addr 127.0.0.1:9000 --path /hooks/ --record deliveries.ndjson
  webhook-tool listen --scheme bearer --secret "$PERMIT_WEBHOOK_TOKEN" --forward-to http://localhost:3000/webhooks
  webhook-tool listen --tls --output json | jq .schema
  webhook-tool listen --cert server.pem --key server-key.pem --client-ca ca.pem
  webhook-tool listen --respond 'status=503 times=2' --expect 3 --within 30s --ready-file listen.ready
  webhook-tool listen --profile ./github.profile.yaml --secret "$GITHUB_WEBHOOK_SECRET" --record deliveries.ndjson
  webhook-tool listen --secret "$SECRET" --exec ./provision.sh --exec-on EVENT`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.UIGiven, opts.Program.SeedGiven = cmd.Flags().Changed("ui"), cmd.Flags().Changed("seed")
			opts.SchemeGiven = flagGiven(cmd, "scheme")
			if runF != nil {
				return runF(opts)
			}
			return listenRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", listener.DefaultAddr, "listen on `HOST:PORT`, or a port alone for 127.0.0.1:PORT (port 0 picks a free one)")
	f.StringVar(&opts.Path, "path", "/", "accept deliveries under this path `PREFIX`")
	stringArrayVar(f, &opts.Secrets, "secret", "verify signatures with this `SECRET` (repeatable, for rotation)")
	f.StringVar(&opts.Scheme, "scheme", "auto", "signature `SCHEME`: auto|standard|github|stripe|bearer|none")
	f.DurationVar(&opts.Tolerance, "tolerance", signature.DefaultTolerance, "accept a signed timestamp this `DURATION` from now, either way")
	f.StringVar(&opts.MaxBody, "max-body", "1MiB", "largest body accepted (`SIZE`: bytes, or with KB, KiB, MB, MiB)")
	f.IntVar(&opts.Status, "status", http.StatusOK, "answer valid deliveries with this HTTP `STATUS`")
	f.StringVar(&opts.Record, "record", "", "append every request as an NDJSON line to `FILE`")
	addTTYOutputFlag(cmd, &opts.Output, listener.Outputs...)
	f.StringVar(&opts.Body, "body", string(listener.BodyCompact), "how pretty output shows bodies, a `MODE`: compact (a delivery in at most 40 lines), full or none")
	_ = cmd.RegisterFlagCompletionFunc("body", cobra.FixedCompletions(listener.BodyNames(), cobra.ShellCompDirectiveNoFileComp))
	addSchemaFlags(cmd, app, &opts.Schema, &opts.SchemaDirs)
	addProfileFlag(f, &opts.Profiles)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)
	stringArrayVar(f, &opts.Program.ForwardTo, "forward-to", "also pass each delivery, unchanged, to `URL`; the sender gets its answer (repeatable; 'URL event=GLOB schema=GLOB path=GLOB' takes only those that match)")
	f.DurationVar(&opts.Program.ForwardTimeout, "forward-timeout", 30*time.Second, "give the --forward-to targets of a delivery `DURATION` to answer, all together")
	f.BoolVar(&opts.TLS, "tls", false, "serve HTTPS with a generated self-signed certificate (or --cert/--key)")
	f.StringVar(&opts.Cert, "cert", "", "TLS certificate `FILE` (PEM); implies --tls")
	f.StringVar(&opts.Key, "key", "", "TLS private key `FILE` (PEM); implies --tls")
	f.StringVar(&opts.ClientCA, "client-ca", "", "require client certificates issued by the CA in `FILE` (PEM): mutual TLS; implies --tls")
	addExecFlags(cmd, &opts.Exec)
	p := &opts.Program // see help responses
	stringArrayVar(f, &p.Respond, "respond", "answer by rule: a rules `FILE.yaml`, or a rule inline such as 'status=503 times=2' (repeatable, tried in order; see help responses)")
	f.Uint64Var(&p.Seed, "seed", 0, "the `N` that makes rules' rate picks repeatable (default: one is picked, and shown)")
	stringArrayVar(f, &p.Events, "events", "print, forward and --exec only deliveries whose event or schema name matches one of `LIST` (globs, comma-separated)")
	stringArrayVar(f, &p.Expect, "expect", "exit 0 once `N|EVENT[=N]|callback=N` valid deliveries have arrived, 1 as soon as one arrives invalid (repeatable)")
	f.DurationVar(&p.Within, "within", 0, "with --expect: exit 1 if it is not met within `DURATION`")
	_ = cmd.RegisterFlagCompletionFunc("events", execOnCompletion) // the names a filter may match
	f.StringVar(&opts.UI, "ui", inspect.DefaultAddr, "serve the web inspector on `HOST:PORT` (off: none)")
	addReachFlags(cmd, opts)
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions(
		[]string{"auto", "standard", "github", "stripe", "bearer", "none"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func listenRun(ctx context.Context, app *App, opts *ListenOptions) error {
	diag := render.NewDiag(app.Err)
	cfg, err := listenConfig(app, diag, opts)
	if err != nil {
		return err
	}
	pal := render.NewPalette(app.ColorErr())
	cfg.Ready = func(r listener.Ready) {
		fmt.Fprint(app.Err, cfg.Banner(r, pal))
		if opts.OnReady != nil {
			opts.OnReady(r)
		}
	}
	cfg.Quit = sigctx.Quit(ctx) // a second Ctrl-C cuts the drain short, --exec's commands killed first
	sum, err := listener.Run(ctx, cfg)
	if err != nil {
		return listenError(err)
	}
	return listenError(sum.Report(app.Err, diag, pal))
}

// listenError maps the listener's errors to exit codes: what the user gave
// (*listener.InputError) is a usage error, anything else a failure.
func listenError(err error) error {
	var ie *listener.InputError
	var re *listener.RunError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, listener.ErrNotMet):
		return silentFail() // the report said what was missing and what was wrong
	case errors.As(err, &ie):
		return usageError(ie.Err, ie.Hint)
	case errors.As(err, &re):
		return failError(re.Err, re.Hint)
	}
	return failError(err, "")
}

// listenConfig checks listen's flags, in the order they are reported, and
// turns them into the run's configuration.
func listenConfig(app *App, diag *render.Diag, opts *ListenOptions) (listener.RunConfig, error) {
	var cfg listener.RunConfig
	view, err := listener.ParseView(opts.Output, opts.Body, opts.MaxBody, app.OutTTY)
	if err != nil {
		return cfg, listenError(err)
	}
	if cfg.Addr, err = listener.CheckAddr(diag, opts.Addr); err != nil {
		return cfg, listenError(err)
	}
	ps, err := loadProfiles(opts.Profiles)
	if err != nil {
		return cfg, err
	}
	scheme, err := signature.ParseScheme(opts.Scheme)
	if err != nil {
		return cfg, usageError(err, "")
	}
	if p := givenProfile(opts.Profiles, ps); p != nil && p.Scheme != "" && !opts.SchemeGiven {
		scheme = signature.Scheme(p.Scheme) // the one profile given says how its provider signs
	}
	secrets, dev, err := secretsFor(app, opts.Secrets, scheme != signature.None)
	if err != nil && len(opts.Secrets) == 0 {
		// Listening matters more than checking: say why nothing is checked.
		diag.Warnf("%v; signatures are reported, not checked", err)
	} else if err != nil {
		return cfg, err
	}
	if err := listener.CheckSecrets(scheme, secrets); err != nil {
		return cfg, listenError(err)
	}
	cfg.Config = listener.Config{PathPrefix: opts.Path, Scheme: scheme, Secrets: secrets, ReportOnly: dev != nil,
		Tolerance: opts.Tolerance, MaxBody: view.MaxBody, Status: opts.Status, Output: view.Output,
		Body: view.Body, Out: app.Out, Diag: diag, Palette: render.NewPalette(app.ColorOut()), Now: app.Now,
		ShutdownTimeout: opts.Drain, OtherSecrets: otherSecrets(app)}
	cfg.Record, cfg.Getenv, cfg.PublicURL, cfg.ReadyFile = opts.Record, app.Getenv, opts.Public, opts.Ready
	if dev != nil {
		cfg.DevSecretAt = dev.Path
	}
	if err := cfg.SetProgram(opts.Program); err != nil {
		return cfg, listenError(err)
	}
	if cfg.Registry, cfg.Schema, err = openProfiles(ps, opts.SchemaDirs, opts.Schema); err != nil {
		return cfg, err
	}
	// The command gets the user's environment, less the secrets; its
	// output is posted as `callback` posts with its default flags.
	base := hookexec.Config{Env: hookexec.Environ(os.Environ(), secrets), Now: app.Now, Sender: &callback.Sender{
		Client: httpClient(app, 1, nil), Timeout: defaultTimeout, Retries: 3, Header: http.Header{"User-Agent": {userAgent()}}, Now: app.Now}}
	if err := cfg.SetExec(opts.Exec, cfg.Registry, base); err != nil {
		return cfg, listenError(err)
	}
	if cfg.Cert, err = listener.LoadCert(diag, opts.TLS, opts.Cert, opts.Key, opts.ClientCA, cfg.Addr, app.Now()); err != nil {
		return cfg, listenError(err)
	}
	if opts.UI != "off" && opts.UI != "" {
		cfg.UI = &listener.UIConfig{Addr: opts.UI, Given: opts.UIGiven, Tries: opts.UITries, Replayer: newReplayer(app, secrets, scheme),
			Events: inspect.RegistryEvents(cfg.Registry)}
	}
	return cfg, nil
}

// execCommand is the --exec flag: it sets Given too, as an empty --exec is
// a mistake to report, not a listener without a command.
type execCommand listener.ExecFlags

func (c *execCommand) String() string { return c.Command }
func (c *execCommand) Type() string   { return "string" }
func (c *execCommand) Set(v string) error {
	c.Command, c.Given = v, true
	return nil
}

func addExecFlags(cmd *cobra.Command, o *listener.ExecFlags) {
	f := cmd.Flags()
	f.Var((*execCommand)(o), "exec", "run `COMMAND` (/bin/sh -c; cmd /C on Windows) for each verified, valid, new delivery, the body on stdin; its output is posted as the callback (see below)")
	stringArrayVar(f, &o.On, "exec-on", "run --exec only for deliveries matching `FILTER`: a schema name or an event name, the value at a profile's event field (repeatable: any one matches)")
	f.DurationVar(&o.Timeout, "exec-timeout", hookexec.DefaultTimeout, "kill a command, with every process it started, after `DURATION` (0: no limit)")
	f.IntVar(&o.Concurrency, "exec-concurrency", hookexec.DefaultConcurrency, "run at most `N` commands at once; the rest wait in arrival order")
	f.BoolVar(&o.Callback, "exec-callback", true, "post a command's output to the delivery's callback URL (false: never post)")
	_ = cmd.RegisterFlagCompletionFunc("exec-on", execOnCompletion)
}

// execOnCompletion offers what a filter may name: the bundled profiles'
// schemas and the events at their event fields.
func execOnCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	reg, err := payload.Bundled()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return append(reg.Names(), hookexec.EventNames(reg)...), cobra.ShellCompDirectiveNoFileComp
}
