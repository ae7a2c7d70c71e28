package cli

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// InspectOptions is everything `inspect` needs, filled from flags.
type InspectOptions struct {
	File    string
	UI      string
	UIGiven bool // --ui was given: it must bind as given
	Follow  bool
	To      string
	Secrets []string
	Scheme  string
}

// followInterval is how often inspect --follow looks for new lines.
const followInterval = 500 * time.Millisecond

// uiTries is how many ports from the default --ui are tried (tests shorten
// it).
var uiTries = inspect.DefaultTries

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
with the development secret (` + "`webhook-tool secret`" + `).`,
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
	f.StringArrayVar(&opts.Secrets, "secret", nil, "re-sign replays with `SECRET` (repeatable: signed with each, as send does)")
	f.StringVar(&opts.Scheme, "scheme", "auto", "re-sign in `SCHEME`: auto (as recorded)|standard|github|stripe|bearer")
	_ = cmd.MarkFlagFilename("", "ndjson", "jsonl", "json")
	return cmd
}

func inspectRun(ctx context.Context, app *App, opts *InspectOptions) error {
	scheme, err := signature.ParseScheme(opts.Scheme)
	if err != nil {
		return usageError(err, "")
	}
	if opts.UI == "off" {
		return usageErrorf("inspect has nothing to do with --ui off: give an address, or leave --ui out")
	}
	store, err := inspect.OpenFile(opts.File)
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
	url, done, err := startUI(app, ctx, opts.UI, opts.UIGiven, srv)
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

// startUI serves srv at addr until ctx is done. A default address whose
// port is taken moves on to the next free one, up to inspect.DefaultTries;
// an address the user gave must bind as given. A non-loopback address
// gets a warning: anyone who reaches it can read and replay deliveries.
func startUI(app *App, ctx context.Context, addr string, given bool, srv *inspect.Server) (string, <-chan error, error) {
	tries := uiTries
	if given {
		tries = 1
	}
	url, done, err := inspect.Start(ctx, addr, tries, srv, log.New(prefixErr{app}, "", 0))
	if err != nil {
		if errors.Is(err, inspect.ErrNoFreePort) {
			return "", nil, err
		}
		return "", nil, usageError(fmt.Errorf("cannot serve the inspector on %s: %w", addr, listenAddrErr(err)),
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

// The ring listen --ui keeps without --record: this many requests, and no
// more than this many bytes of record lines, oldest dropped first.
const (
	uiRingLines = 1000
	uiRingBytes = 64 << 20
)

// listenUI is listen's inspector (--ui): an index over the --record file
// when it is a regular file, else a ring of this run's requests; either is
// fed by the record writer's Tap, which never waits. The store is made in
// start, once the record file exists; the Tap passes nothing on before.
type listenUI struct {
	store atomic.Pointer[inspect.Store]
	ring  bool
	stop  context.CancelFunc
}

// openListenUI is the page's place in listen, before the record writer is
// made; nil for --ui off.
func openListenUI(opts *ListenOptions) *listenUI {
	if opts.UI == "off" || opts.UI == "" {
		return nil
	}
	return &listenUI{}
}

// tap is the record.Options.Tap that feeds the page, nil without one.
func (u *listenUI) tap() func([]byte) {
	if u == nil {
		return nil
	}
	return func(batch []byte) {
		if s := u.store.Load(); s != nil {
			s.Tap(batch)
		}
	}
}

// openStore is the --record file's index, or a ring without one (or when
// it is not a regular file: a FIFO, /dev/stdout).
func (u *listenUI) openStore(opts *ListenOptions) (*inspect.Store, error) {
	if opts.Record != "" {
		if st, err := os.Stat(opts.Record); err == nil && st.Mode().IsRegular() {
			s, err := inspect.OpenFile(opts.Record)
			if err != nil {
				return nil, usageError(fmt.Errorf("--ui: %w", err), "use another --record file, or --ui off")
			}
			return s, nil
		}
	}
	u.ring = true
	return inspect.NewMemory(uiRingLines, uiRingBytes), nil
}

// start serves the page and returns listen's banner line for it ("" for
// --ui off). listen is the listener's own URL, offered on the page as a
// Replay target; Replay signs in scheme with secrets, the ones listen
// verifies with (the development secret without --secret).
func (u *listenUI) start(app *App, opts *ListenOptions, listen string, scheme signature.Scheme, secrets []string) (string, error) {
	if u == nil {
		return "", nil
	}
	store, err := u.openStore(opts)
	if err != nil {
		return "", err
	}
	u.store.Store(store)
	ctx, stop := context.WithCancel(context.Background())
	u.stop = stop
	srv := inspect.NewServer(inspect.Config{
		Store: store, Replayer: newReplayer(app, secrets, scheme), ReplayTo: opts.ForwardTo,
		Listener: listen, Secrets: secrets, Host: uiHost(opts.UI),
	})
	url, _, err := startUI(app, ctx, opts.UI, opts.UIGiven, srv)
	if errors.Is(err, inspect.ErrNoFreePort) {
		return fmt.Sprintf("not started: %v (choose one with --ui HOST:PORT)", err), nil
	}
	if err != nil {
		return "", err
	}
	go store.Run(ctx, nil)
	what := "the --record file"
	if u.ring {
		what = fmt.Sprintf("this run's last %d requests, in memory (no --record)", uiRingLines)
	}
	return fmt.Sprintf("%s (%s)", render.NewPalette(app.ColorErr()).Bold(url), what), nil
}

func (u *listenUI) close() {
	if u == nil {
		return
	}
	if u.stop != nil {
		u.stop()
	}
	if s := u.store.Load(); s != nil {
		s.Close()
	}
}
