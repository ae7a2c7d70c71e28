package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// ListenOptions is everything `listen` needs, filled from flags.
type ListenOptions struct {
	Addr       string
	Path       string
	Secrets    []string
	Scheme     string
	Tolerance  time.Duration
	MaxBody    string
	Status     int
	Record     string
	Output     string
	Body       string
	Schema     string
	SchemaDirs []string
	ForwardTo  string
	TLS        bool
	Cert       string
	Key        string
	Exec       ExecOptions
	UI         string
	UIGiven    bool // --ui was given: it must bind as given
}

var listenOutputs = []string{"pretty", "json", "quiet"}

// listenDrain is how long listen waits at Ctrl-C for the requests in flight
// before it closes their connections (tests shorten it).
var listenDrain = listener.DefaultShutdownTimeout

func newListenCmd(app *App, runF func(*ListenOptions) error) *cobra.Command {
	opts := &ListenOptions{}
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Run a local receiver that verifies, validates, records and prints deliveries",
		Long: `Run a local webhook receiver. For every request it reads the body (at most
--max-body; larger gets 413), verifies the signature, validates the payload against the
detected schema, records it (--record), prints it, and answers --status.

Every request that reaches the receiver is recorded, rejected ones too, and
its record line is written before the answer is sent: if the record cannot be
written the delivery is answered 500, so the sender retries.

Without --secret (or WEBHOOK_TOOL_SECRET, or a config-file secret) signatures
are checked with the development secret (` + "`webhook-tool secret`" + `) and the verdict
is shown and recorded, but every delivery is answered as usual, so curl works;
with --secret a bad or missing signature gets 401 with the reason.

POST {path}webhooks/callback/{id} stands in for Permission Assist's callback
endpoint: 200 the first time, 409 when a callback URL is reused.

--output pretty (the default on a terminal) prints a coloured summary line per
delivery, the headers that matter (delivery id, signature), its indented body
and any validation errors, in at most 40 lines (--body compact folds what is
nested deeper than three levels and cuts the rest; --body full shows it all,
--body none leaves it out); json (the default otherwise) prints each record
line, unchanged by --body; quiet prints nothing. Diagnostics and the
summary at Ctrl-C go to stderr.` + execHelp,
		Example: `  webhook-tool listen --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  webhook-tool listen --addr 127.0.0.1:9000 --path /hooks/ --record deliveries.ndjson
  webhook-tool listen --scheme bearer --secret "$PERMIT_WEBHOOK_TOKEN" --forward-to http://localhost:3000/webhooks
  webhook-tool listen --tls --output json | jq .schema
  webhook-tool listen --secret "$PA_SECRET" --exec ./provision.sh --exec-on AccessRequestProvisioning`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.UIGiven = cmd.Flags().Changed("ui")
			if runF != nil {
				return runF(opts)
			}
			return listenRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", listener.DefaultAddr, "listen on `HOST:PORT`, or a port alone for 127.0.0.1:PORT (port 0 picks a free one)")
	f.StringVar(&opts.Path, "path", "/", "accept deliveries under this path `PREFIX`")
	f.StringArrayVar(&opts.Secrets, "secret", nil, "verify signatures with this `SECRET` (repeatable, for rotation)")
	f.StringVar(&opts.Scheme, "scheme", "auto", "signature `SCHEME`: auto|standard|github|stripe|bearer|none")
	f.DurationVar(&opts.Tolerance, "tolerance", signature.DefaultTolerance, "how far a signed timestamp may be from now, either way")
	f.StringVar(&opts.MaxBody, "max-body", "1MiB", "largest body accepted (`SIZE`: bytes, or with KB, KiB, MB, MiB)")
	f.IntVar(&opts.Status, "status", http.StatusOK, "answer valid deliveries with this HTTP `STATUS`")
	f.StringVar(&opts.Record, "record", "", "append every request as an NDJSON line to `FILE`")
	addOutputFlag(cmd, &opts.Output, "", listenOutputs...)
	f.StringVar(&opts.Body, "body", string(listener.BodyCompact), "pretty output: how much of each body to show: compact (a delivery in at most 40 lines), full or none")
	_ = cmd.RegisterFlagCompletionFunc("body", cobra.FixedCompletions(bodyModes(), cobra.ShellCompDirectiveNoFileComp))
	addSchemaFlags(cmd, app, &opts.Schema, &opts.SchemaDirs)
	f.StringVar(&opts.ForwardTo, "forward-to", "", "also pass each delivery, headers and body unchanged, to `URL` (a path below --path and a query are kept); the sender gets its answer")
	f.BoolVar(&opts.TLS, "tls", false, "serve HTTPS with a generated self-signed certificate (or --cert/--key)")
	f.StringVar(&opts.Cert, "cert", "", "TLS certificate `FILE` (PEM); implies --tls")
	f.StringVar(&opts.Key, "key", "", "TLS private key `FILE` (PEM); implies --tls")
	addExecFlags(cmd, &opts.Exec)
	f.StringVar(&opts.UI, "ui", inspect.DefaultAddr, "serve the web inspector on `HOST:PORT` (off: none)")
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions(
		[]string{"auto", "standard", "github", "stripe", "bearer", "none"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func listenRun(ctx context.Context, app *App, opts *ListenOptions) error {
	cfg, err := listenConfig(app, opts)
	if err != nil {
		return err
	}
	cert, err := listenCert(app, opts)
	if err != nil {
		return err
	}
	if cert != nil {
		cfg.TLS = cert.Config
	}
	// Output never holds up a delivery: stdout is written through a
	// bounded queue that drops lines when it cannot keep up, and a closed
	// stdout (| head) is an EPIPE to give up on, not a SIGPIPE to die of.
	signal.Ignore(syscall.SIGPIPE)
	out := listener.NewOutQueue(app.Out, render.NewDiag(app.Err), listener.OutQueueOptions{})
	cfg.Out = out
	ui := openListenUI(opts)
	defer ui.close()
	records, closeRecords, err := openRecords(app, opts, cfg.Output, out, ui.tap())
	if err != nil {
		return err
	}
	defer closeRecords()
	cfg.Records = records
	// A second Ctrl-C cuts the drain short, the --exec commands killed
	// first, rather than ending the process with them still running.
	cfg.Quit = quitContext(ctx)
	l, err := listener.New(cfg)
	if err != nil {
		return failError(err, "")
	}
	defer tuneGC(app.Getenv, listenGC)()

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return usageError(fmt.Errorf("cannot listen on %s: %w", opts.Addr, listenAddrErr(err)),
			"choose another --addr; 127.0.0.1:0 picks a free port")
	}
	uiLine, err := ui.start(app, opts, listenBase(cert, ln.Addr().String())+l.Prefix(), cfg.Scheme, cfg.Secrets)
	if err != nil {
		ln.Close()
		return err
	}
	printListenBanner(app, opts, cfg, l.Prefix(), ln.Addr().String(), cert, uiLine)

	served, announced := make(chan struct{}), make(chan struct{})
	flushBy := time.Now().Add(1<<63 - 1) // the drain limit's end, once stopping
	go func() {
		defer close(announced)
		select {
		case <-ctx.Done():
			flushBy = time.Now().Add(listenDrain)
			// A second Ctrl-C now ends the drain at once (cfg.Quit); what
			// was answered is already recorded.
			fmt.Fprintln(app.Err, "shutting down: finishing the deliveries in flight (Ctrl-C again to quit now)")
		case <-served:
		}
	}()
	// Serve returns only once every handler has finished, its request
	// recorded (or reported NOT RECORDED): closing the writer now loses
	// nothing, and the counts below match the record.
	serveErr := l.Serve(ctx, ln)
	close(served)
	<-announced
	records.Close()
	dropped := out.Close(min(outFlushLimit, time.Until(flushBy)))
	st := l.Stats()
	printListenSummary(app, opts, st, dropped)
	return listenExit(app, serveErr, st)
}

// outFlushLimit is how long listen waits at exit for stdout to take the
// output still queued: a terminal or a reading pipe takes 8 MiB in far
// less, and a stalled one would never; it is cut to what is left of the
// drain limit, so SIGTERM still ends listen within it.
const outFlushLimit = 2 * time.Second

// listenConfig checks listen's flags and turns them into the listener's
// configuration (all but TLS and the record writer).
func listenConfig(app *App, opts *ListenOptions) (listener.Config, error) {
	output := opts.Output
	if output == "" {
		output = "json"
		if app.OutTTY {
			output = "pretty"
		}
	}
	if output == "text" {
		// What the other commands call their human output, so one
		// "output: text" in a shared config file works here too.
		output = "pretty"
	}
	if err := checkOutput(output, listenOutputs...); err != nil {
		return listener.Config{}, err
	}
	if err := checkListenShape(app, opts); err != nil {
		return listener.Config{}, err
	}
	scheme, err := signature.ParseScheme(opts.Scheme)
	if err != nil {
		return listener.Config{}, usageError(err, "")
	}
	secrets, dev, err := secretsFor(app, opts.Secrets, scheme != signature.None)
	if err != nil && len(opts.Secrets) == 0 {
		// Listening matters more than checking: say why nothing is checked.
		fmt.Fprintf(app.Err, "webhook-tool: warning: %v; signatures are reported, not checked\n", err)
	} else if err != nil {
		return listener.Config{}, err
	}
	if err := checkListenSecrets(scheme, secrets); err != nil {
		return listener.Config{}, err
	}
	maxBody, err := render.ParseSize(opts.MaxBody)
	if err != nil {
		return listener.Config{}, usageError(fmt.Errorf("invalid --max-body %q: %w", opts.MaxBody, err), "")
	}
	if opts.Status < 200 || opts.Status > 599 {
		// 1xx are interim answers: net/http sends them and then a 200.
		return listener.Config{}, usageErrorf("bad --status %d: give a final HTTP status, 200 to 599", opts.Status)
	}
	if opts.Tolerance < 0 {
		return listener.Config{}, usageErrorf("bad --tolerance %s: it cannot be negative", opts.Tolerance)
	}
	if opts.ForwardTo != "" {
		if _, err := delivery.CheckURL(opts.ForwardTo); err != nil {
			shown := opts.ForwardTo // as typed, unless it parses: then without its password
			if u, perr := url.Parse(shown); perr == nil {
				shown = u.Redacted()
			}
			hint := "give your app's full URL, e.g. http://localhost:3000/webhooks"
			if withHTTP, ok := delivery.WithoutScheme(opts.ForwardTo); ok {
				hint = "did you mean --forward-to " + withHTTP + "?"
			}
			return listener.Config{}, usageError(fmt.Errorf("invalid --forward-to URL %q: %w", shown, err), hint)
		}
	}
	reg, schema, err := openRegistry(opts.SchemaDirs, opts.Schema)
	if err != nil {
		return listener.Config{}, err
	}
	execCfg, err := execConfig(app, &opts.Exec, reg, scheme, secrets)
	if err != nil {
		return listener.Config{}, err
	}
	return listener.Config{
		PathPrefix: opts.Path,
		Scheme:     scheme,
		Secrets:    secrets,
		ReportOnly: dev != nil,
		Tolerance:  opts.Tolerance,
		MaxBody:    maxBody,
		Status:     opts.Status,
		Registry:   reg,
		Schema:     schema,
		Output:     listener.Output(output),
		Body:       listener.Body(opts.Body),
		Out:        app.Out,
		Diag:       render.NewDiag(app.Err),
		Palette:    render.NewPalette(app.ColorOut()),
		Now:        app.Now,
		ForwardTo:  opts.ForwardTo,

		ShutdownTimeout: listenDrain,
		Exec:            execCfg,
		OtherSecrets:    otherSecrets(app),
	}, nil
}

// listenCert is the certificate --tls, --cert and --key ask for, or nil.
func listenCert(app *App, opts *ListenOptions) (*listener.ServerCert, error) {
	if !opts.TLS && opts.Cert == "" && opts.Key == "" {
		return nil, nil
	}
	if (opts.Cert == "") != (opts.Key == "") {
		return nil, usageErrorf("--cert and --key go together: give both, or neither for a self-signed certificate")
	}
	host, _, _ := net.SplitHostPort(opts.Addr)
	cert, err := listener.LoadServerCert(opts.Cert, opts.Key, host, app.Now())
	var le *listener.CertLoadError
	switch {
	case errors.As(err, &le):
		return nil, usageError(err, "both files must be PEM, the key matching the certificate")
	case err != nil:
		return nil, failError(err, "")
	}
	if opts.Cert != "" && app.Now().After(cert.NotAfter) {
		fmt.Fprintf(app.Err, "webhook-tool: warning: %s expired on %s\n", opts.Cert, cert.NotAfter.Format(time.DateOnly))
	}
	return cert, nil
}

// openRecords is the record sink: the --record file, or nowhere; either way
// it numbers the records and, for --output json, mirrors them to stdout.
func openRecords(app *App, opts *ListenOptions, output listener.Output, out io.Writer, tap func([]byte)) (*record.Writer, func(), error) {
	var dst io.Writer = io.Discard
	closeFile := func() {}
	if opts.Record != "" {
		f, err := record.OpenFile(opts.Record)
		if err != nil {
			hint := "check that the directory exists and is writable"
			if errors.Is(err, record.ErrNoFIFOReader) {
				hint = "" // the message says what to do
			}
			return nil, nil, usageError(err, hint)
		}
		dst, closeFile = f, func() { f.Close() }
	}
	wopts := record.Options{Tap: tap}
	if output == "json" {
		wopts.Mirror = out // an OutQueue: it never fails, and never blocks
	}
	w := record.NewWriter(dst, wopts)
	return w, func() { w.Close(); closeFile() }, nil
}

// listenExit is listen's exit status once the listener has stopped.
func listenExit(app *App, serveErr error, st listener.Stats) error {
	if errors.Is(serveErr, context.Canceled) {
		// The second Ctrl-C: as at the drain limit, but now.
		fmt.Fprintln(app.Err, "webhook-tool: warning: told to quit: the connections still open were closed (their requests recorded, see the summary)")
	} else if errors.Is(serveErr, context.DeadlineExceeded) {
		// Not a failure of listen's: the connections still open after the
		// drain limit were closed, and every request that had reached the
		// handler is recorded (one whose body never finished as 503). The
		// exit status is decided by the record alone, below.
		fmt.Fprintf(app.Err, "webhook-tool: warning: requests were still in flight after %s; their connections were closed (recorded, see the summary)\n",
			listenDrain)
	} else if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return failError(fmt.Errorf("listener stopped: %w", serveErr), "")
	}
	if st.RecordFailures > 0 {
		return failError(fmt.Errorf("%d %s could not be recorded and %s answered 500", st.RecordFailures,
			plural(int(st.RecordFailures), "request", "requests"), plural(int(st.RecordFailures), "was", "were")),
			"check the disk and the --record file")
	}
	return nil
}

func listenAddrErr(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	return err
}
