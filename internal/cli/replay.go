package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/export"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/replay"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// ReplayOptions is everything `replay` needs, filled from flags.
type ReplayOptions struct {
	File    string
	Client  clientFlags
	Seqs    []string
	Path    string
	Secrets []string
	Scheme  string
	Output  string
	// AsRecorded sends the recorded signature headers instead of signing
	// afresh.
	AsRecorded bool
}

var replayOutputs = []string{"text", "json"}

func newReplayCmd(app *App, runF func(*ReplayOptions) error) *cobra.Command {
	opts := &ReplayOptions{}
	cmd := &cobra.Command{
		Use:   "replay RECORD.ndjson|FILE.har --to URL",
		Short: "Re-send deliveries recorded by listen --record",
		Long: `Re-send the deliveries in a record file written by ` + "`listen --record`" + `, in order,
to --to, each with its recorded method, headers and exact body, and report each
response. A HAR file (` + "`webhook-tool export`" + `'s, or a browser's) replays as its
entries: it is told apart by its content, or a .har name.

--seq picks records by number (3, 5-9, or several; repeatable) and --path by
the recorded path prefix. Callbacks and requests listen refused before reading
their body (413, 404, 405) are skipped, and so is a line that is not a record
(one a crash cut short), with a warning naming it.

Each delivery is re-signed, with a fresh webhook id and the current time, in
--scheme (default: the scheme it was recorded with, else standard), with
--secret (default: the development secret, ` + "`webhook-tool secret`" + `), one signature
per secret where the scheme carries several, as send signs; its recorded
signature headers are dropped. --as-recorded sends the recorded headers as
they were instead: a GitHub signature still verifies, a timestamped one
(standard, stripe) is likely stale by now, and a bearer token was redacted in
the record and cannot be sent.

Exit status: 0 every delivery got a 2xx, 1 any did not, 2 usage or unreadable record.`,
		Example: `  webhook-tool replay deliveries.ndjson --to http://localhost:3000/webhooks
  webhook-tool replay deliveries.ndjson --to http://localhost:3000/webhooks --seq 3 --seq 7-9
  webhook-tool replay deliveries.ndjson --to https://staging.example.com/hooks --secret "$WEBHOOK_SECRET"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return replayRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	opts.Client.Register(f, clientDefaults{
		ToUsage:      "send the deliveries to `URL` (required)",
		Retries:      3,
		RetriesUsage: "retry each delivery up to `N` times on connection errors, 429, 502, 503, 504",
		HeaderUsage:  "add or replace a header, `'Name: value'`, or @FILE of such lines (repeatable)",
	})
	stringArrayVar(f, &opts.Seqs, "seq", "only the records numbered `N`, N-M or N,M,... (repeatable)")
	f.StringVar(&opts.Path, "path", "", "only the records whose path starts with `PREFIX`")
	stringArrayVar(f, &opts.Secrets, "secret", "re-sign each delivery with `SECRET` (repeatable: standard and stripe carry a signature per secret; default: the development secret)")
	f.BoolVar(&opts.AsRecorded, "as-recorded", false, "send the recorded signature headers as they were instead of re-signing")
	f.StringVar(&opts.Scheme, "scheme", "auto", "re-sign in `SCHEME`: auto (as recorded)|standard|github|stripe|bearer|none")
	addOutputFlag(cmd, &opts.Output, "text", replayOutputs...)
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions(
		[]string{"auto", "standard", "github", "stripe", "bearer", "none"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagFilename("", "ndjson", "jsonl", "json")
	return cmd
}

func replayRun(ctx context.Context, app *App, opts *ReplayOptions) error {
	app, done := maskedApp(app, opts.Secrets)
	return done(replayUnmasked(ctx, app, opts))
}

func replayUnmasked(ctx context.Context, app *App, opts *ReplayOptions) error {
	if err := checkOutput(opts.Output, replayOutputs...); err != nil {
		return err
	}
	c, err := opts.Client.Resolve(app, 1)
	if err != nil {
		return err
	}
	ro, err := replayPlanOptions(app, opts, c)
	if err != nil {
		return err
	}
	seqs, err := replay.ParseSeqs(opts.Seqs)
	if err != nil {
		return usageError(err, "write --seq 3, --seq 5-9 or --seq 1,4,7")
	}
	sel := replay.Selection{Seqs: seqs, Path: opts.Path}
	in, closeIn, err := openRecordFile(app, opts.File)
	if err != nil {
		return err
	}
	defer closeIn()

	pal := render.NewPalette(app.ColorOut())
	enc := json.NewEncoder(app.Out)
	enc.SetEscapeHTML(false)
	// A HAR file (an export, a browser's capture) replays as its entries.
	r := export.OpenInput(in, opts.File, func(msg string) { app.diag().Warnf("%s", msg) })
	var sent, failed, skipped int
	var handshakeErr error // the first failed TLS handshake, for the hint
	for ctx.Err() == nil {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return usageError(fmt.Errorf("%s: %w", opts.File, err), "replay reads the file `listen --record` writes")
		}
		if !sel.Match(rec) {
			continue
		}
		if why := replay.Skip(rec); why != "" {
			skipped++
			app.diag().Printf("skipping #%d: %s", rec.Seq, render.Escape(why))
			continue
		}
		plan, err := replay.Plan(rec, ro)
		if err != nil {
			return usageError(err, "")
		}
		rep, err := replayOne(ctx, app, c, rec.Seq, plan)
		sent++
		if err != nil && handshakeErr == nil && c.TLS.handshakeHint(err) != "" {
			handshakeErr = err
		}
		if !rep.OK {
			failed++
		}
		if opts.Output == "json" {
			_ = enc.Encode(rep)
		} else {
			writeReplayLine(app.Out, pal, rep)
		}
	}
	return replaySummary(app, opts, replayCounts{sent, failed, skipped, r.Skipped()}, ctx.Err() != nil, c.TLS.handshakeHint(handshakeErr))
}

// replayPlanOptions checks --secret, --scheme and --as-recorded and turns
// the flags into the planner's options. Without --secret a delivery is
// re-signed with the development secret, as every command signs.
func replayPlanOptions(app *App, opts *ReplayOptions, c *client) (replay.Options, error) {
	scheme, err := signature.ParseScheme(opts.Scheme)
	if err != nil {
		return replay.Options{}, usageError(err, "")
	}
	if opts.AsRecorded && (len(opts.Secrets) > 0 || scheme != signature.Auto) {
		return replay.Options{}, usageErrorf("--as-recorded sends the recorded signature headers: give no --secret or --scheme with it")
	}
	secrets, _, err := secretsFor(app, opts.Secrets, !opts.AsRecorded)
	if err != nil {
		return replay.Options{}, err
	}
	if err := checkSigningSecrets(scheme, secrets); err != nil {
		return replay.Options{}, err
	}
	return replay.Options{URL: c.URL.String(), Secrets: secrets, Scheme: scheme, Extra: c.Header(), Now: app.Now, NewID: app.newID}, nil
}

// openRecordFile opens a record file, or standard input for "-".
func openRecordFile(app *App, name string) (io.Reader, func(), error) {
	if name == "-" {
		return app.In, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, usageError(fmt.Errorf("cannot read %s: %w", name, unwrapPathErr(err)), "")
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		// Only the deliveries the file held when replay started: a
		// listen recording to this same file would otherwise feed
		// replay its own deliveries without end.
		return io.LimitReader(f, st.Size()), func() { f.Close() }, nil
	}
	return f, func() { f.Close() }, nil
}

// replayOne sends one planned delivery and reports it.
func replayOne(ctx context.Context, app *App, c *client, seq int64, plan replay.Planned) (replay.Report, error) {
	resp, err := delivery.Send(ctx, c.HTTP, plan.Request, c.Policy, func(a delivery.Attempt) {
		what := delivery.Explain(a.Err)
		if a.Err == nil {
			what = delivery.StatusText(a.Status)
		}
		app.diag().Printf("#%d: %s; retrying in %s", seq, what, a.Wait.Round(time.Millisecond))
	})
	return replay.NewReport(seq, plan, resp, err), err
}

type replayCounts struct{ sent, failed, skipped, notRecords int }

// replaySummary is replay's last word: the summary line and exit status.
func replaySummary(app *App, opts *ReplayOptions, n replayCounts, interrupted bool, hint string) error {
	if interrupted {
		return failError(errors.New("interrupted"), "")
	}
	if n.sent == 0 {
		what := "no deliveries in " + opts.File
		if len(opts.Seqs) > 0 || opts.Path != "" {
			what += " match --seq/--path"
		}
		if n.skipped > 0 {
			what += fmt.Sprintf(" (%d skipped)", n.skipped)
		}
		what += notRecordsNote(n.notRecords)
		return usageError(errors.New(what), "")
	}
	if opts.Output == "text" {
		summary := fmt.Sprintf("replayed %d %s: %d ok, %d failed", n.sent, plural(n.sent, "delivery", "deliveries"), n.sent-n.failed, n.failed)
		if n.skipped > 0 {
			summary += fmt.Sprintf(", %d skipped", n.skipped)
		}
		summary += notRecordsNote(n.notRecords)
		if n.failed > 0 {
			return failError(errors.New(summary), hint)
		}
		app.diag().Printf("%s", summary)
	}
	if n.failed > 0 {
		// JSON output has no summary line; a hint still says how to fix a
		// failed handshake.
		return &ExitError{Code: ExitFail, Hint: hint, Silent: hint == ""}
	}
	return nil
}

// newRecordReader reads the records of the file named name from in, for
// replay and verify --recorded: a line that is not a record, such as one a
// crash cut short, is skipped with a warning naming it.
func newRecordReader(app *App, in io.Reader, name string) *record.Reader {
	r := record.NewReader(in)
	diag := app.diag()
	r.Skip = func(line int) {
		diag.Warnf("%s:%d: not a record (a line cut short by a crash?); skipped", name, line)
	}
	return r
}

// notRecordsNote is the part of a summary that counts the lines skipped as
// not records, "" when there were none.
func notRecordsNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d %s skipped as not records", n, plural(n, "line", "lines"))
}

// writeReplayLine prints a replay's outcome. The method, path and id come
// from the record, which is anyone's text: they are escaped as pretty
// output escapes them.
func writeReplayLine(w io.Writer, pal *render.Palette, rep replay.Report) {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s ", rep.Seq, render.Escape(rep.Method), render.Escape(rep.URL))
	if rep.Resigned {
		b.WriteString("(re-signed " + rep.Scheme)
		if rep.WebhookID != "" {
			b.WriteString(", " + render.Escape(rep.WebhookID))
		}
		b.WriteString(") ")
	}
	switch {
	case rep.Status == 0:
		b.WriteString(pal.Red("failed: " + render.Escape(rep.Error)))
	case rep.OK:
		b.WriteString(pal.Green(delivery.StatusText(rep.Status)))
	default:
		b.WriteString(pal.Red(delivery.StatusText(rep.Status)))
	}
	if rep.Status != 0 {
		b.WriteString(" in " + render.Millis(rep.DurationMS))
		if rep.Attempts > 1 {
			fmt.Fprintf(&b, " after %d attempts", rep.Attempts)
		}
		if body := render.FirstLine(rep.Body); body != "" {
			b.WriteString(": " + pal.Dim(body))
		}
	}
	b.WriteByte('\n')
	io.WriteString(w, b.String())
}
