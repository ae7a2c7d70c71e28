package cli

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// InspectOptions is everything `inspect` needs, filled from flags.
type InspectOptions struct {
	File     string
	UI       string
	UIGiven  bool // --ui was given: it must bind as given
	UITries  int  // not a flag: ports tried from the default --ui (0: inspect.DefaultTries)
	Follow   bool
	To       string
	Secrets  []string
	Scheme   string
	Profiles []string
}

// followInterval is how often inspect --follow looks for new lines.
const followInterval = 500 * time.Millisecond

func newInspectCmd(app *App, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect RECORD.ndjson",
		Short: "Browse a record file in the web inspector",
		Long: `Serve the web inspector over a record file written by ` + "`listen --record`" + `,
so a recording from CI or a colleague can be browsed: the list of deliveries,
each one's headers, body, verdicts, schema errors and callbacks, Replay,
Edit and send, Copy as curl and Diff. --follow shows lines appended later.

The page is at --ui (default 127.0.0.1:4040, or the next free port up to
4049). It answers only this machine unless --ui names another address.
Replay re-signs with --secret, as ` + "`webhook-tool replay`" + ` does; without one
with the development secret (` + "`webhook-tool secret`" + `). --profile reads the deliveries'
events as the provider's profile says (its event field).`,
		Example: `  webhook-tool inspect deliveries.ndjson
  webhook-tool inspect deliveries.ndjson --follow --ui 127.0.0.1:5050
  webhook-tool inspect ci-run.ndjson --to http://localhost:3000/webhooks --secret "$WEBHOOK_SECRET"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.UIGiven = cmd.Flags().Changed("ui")
			if runF != nil {
				return runF(opts)
			}
			return inspectRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.UI, "ui", inspect.DefaultAddr, "serve the page on `HOST:PORT`")
	f.BoolVar(&opts.Follow, "follow", false, "show record lines appended to the file later")
	f.StringVar(&opts.To, "to", "", "the page's default Replay target `URL`")
	stringArrayVar(f, &opts.Secrets, "secret", "re-sign replays with `SECRET` (repeatable: signed with each, as send does)")
	f.StringVar(&opts.Scheme, "scheme", "auto", "re-sign in `SCHEME`: auto (as recorded)|standard|github|stripe|bearer")
	addProfileFlag(f, &opts.Profiles)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)
	_ = cmd.MarkFlagFilename("", "ndjson", "jsonl", "json")
	return cmd
}

// inspectSummaryBytes is the summary budget of `inspect FILE`.
const inspectSummaryBytes = 64 << 20

func inspectRun(ctx context.Context, app *App, opts *InspectOptions) error {
	scheme, err := signature.ParseScheme(opts.Scheme)
	if err != nil {
		return usageError(err, "")
	}
	if opts.UI == "off" {
		return usageErrorf("inspect has nothing to do with --ui off: give an address, or leave --ui out")
	}
	ps, err := loadProfiles(opts.Profiles)
	if err != nil {
		return err
	}
	reg, err := payload.Open(ps)
	if err != nil {
		return profileError(err)
	}
	// A file opened to be read, not one listen is writing for hours: a
	// larger summary budget keeps filters over it quick (about 150,000
	// deliveries at 400 bytes each).
	store, err := inspect.OpenFileWith(opts.File, inspect.FileOptions{Events: inspect.RegistryEvents(reg), SummaryBytes: inspectSummaryBytes})
	if err != nil {
		return usageError(fmt.Errorf("cannot inspect %s: %w", opts.File, unwrapPathErr(err)), "inspect reads the file `listen --record` writes")
	}
	defer store.Close()
	// As replay signs: the given secrets, else the development secret.
	secrets, _, err := secretsFor(app, opts.Secrets, scheme != signature.None)
	if err != nil {
		return err
	}

	srv := inspect.NewServer(inspect.Config{
		Store: store, Replayer: newReplayer(app, secrets, scheme), ReplayTo: opts.To,
		Secrets: secrets, Host: uiHost(opts.UI),
	})
	url, done, err := startUI(app, ctx, opts, srv)
	if err != nil {
		return err
	}
	go store.Warm(ctx)
	if opts.Follow {
		tick := time.NewTicker(followInterval)
		defer tick.Stop()
		go store.Run(ctx, tick.C)
	}
	pal := render.NewPalette(app.ColorErr())
	in := store.Info()
	size := fmt.Sprintf("%d %s", in.Records, plural(in.Records, "line", "lines"))
	if in.Indexing {
		size = "a large file: its newest lines at once, the rest indexed in the background"
	}
	if in.TooLong > 0 {
		size += fmt.Sprintf("; %d %s longer than %d MiB skipped unread", in.TooLong, plural(in.TooLong, "line", "lines"), in.MaxLine>>20)
	}
	fmt.Fprintf(app.Err, "inspecting %s (%s) at %s\n", opts.File, size, pal.Bold(url))
	if opts.Follow {
		fmt.Fprintf(app.Err, "  following: lines appended to %s appear as they come\n", opts.File)
	}
	fmt.Fprintf(app.Err, "press Ctrl-C to stop\n")
	if err := <-done; err != nil {
		return failError(fmt.Errorf("inspector stopped: %w", err), "")
	}
	return nil
}

// startUI serves srv at --ui until ctx is done. A default address whose
// port is taken moves on to the next free one, up to opts.UITries;
// an address the user gave must bind as given. A non-loopback address
// gets a warning: anyone who reaches it can read and replay deliveries.
func startUI(app *App, ctx context.Context, opts *InspectOptions, srv *inspect.Server) (string, <-chan error, error) {
	addr, tries := opts.UI, opts.UITries
	if tries <= 0 {
		tries = inspect.DefaultTries
	}
	if opts.UIGiven {
		tries = 1
	}
	url, done, err := inspect.Start(ctx, addr, tries, srv, log.New(prefixErr{app}, "", 0))
	if err != nil {
		if errors.Is(err, inspect.ErrNoFreePort) {
			return "", nil, err
		}
		return "", nil, usageError(fmt.Errorf("cannot serve the inspector on %s: %w", addr, listener.BindReason(err)),
			"choose another --ui HOST:PORT, or --ui off")
	}
	if !inspect.Loopback(addr) {
		render.NewDiag(app.Err).Warnf("the inspector on %s can be reached from other machines, and whoever reaches it can read and replay deliveries", addr)
	}
	return url, done, nil
}

func uiHost(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return ""
}

// prefixErr gives net/http's complaints the tool's prefix. A log.Logger
// writes one line per Write, ending in a newline.
type prefixErr struct{ app *App }

func (p prefixErr) Write(b []byte) (int, error) {
	render.NewDiag(p.app.Err).Printf("inspector: %s", strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}
