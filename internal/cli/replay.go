package cli

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// ReplayOptions is everything `replay` needs, filled from flags.
type ReplayOptions struct {
	File    string
	To      string
	Seqs    []string
	Path    string
	Secrets []string
	Scheme  string
	Headers []string
	Retries int
	Timeout time.Duration
	Output  string
	TLS     ClientTLS
}

var replayOutputs = []string{"text", "json"}

func newReplayCmd(app *App) *cobra.Command {
	opts := &ReplayOptions{}
	cmd := &cobra.Command{
		Use:   "replay RECORD.ndjson --to URL",
		Short: "Re-send deliveries recorded by listen --record",
		Long: `Re-send the deliveries in a record file written by ` + "`listen --record`" + `, in order,
to --to, each with its recorded method, headers and exact body, and report each
response.

--seq picks records by number (3, 5-9, or several; repeatable) and --path by
the recorded path prefix. Callbacks and requests listen refused before reading
their body (413, 404, 405) are skipped, and so is a line that is not a record
(one a crash cut short), with a warning naming it.

With --secret the deliveries are re-signed, with a fresh webhook id and the
current time, in --scheme (default: the scheme each delivery was recorded
with, else standard); their recorded signature headers are dropped. Without
--secret the recorded headers are sent as they were: a GitHub signature still
verifies, a timestamped one (standard, stripe) is likely stale by now, and a
bearer token was redacted in the record and cannot be sent.

Exit status: 0 every delivery got a 2xx, 1 any did not, 2 usage or unreadable record.`,
		Example: `  webhook-tool replay deliveries.ndjson --to http://localhost:3000/webhooks
  webhook-tool replay deliveries.ndjson --to http://localhost:3000/webhooks --seq 3 --seq 7-9
  webhook-tool replay deliveries.ndjson --to https://staging.example.com/hooks --secret "$WEBHOOK_SECRET"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return replayRun(app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.To, "to", "", "send the deliveries to `URL` (required)")
	f.StringArrayVar(&opts.Seqs, "seq", nil, "only the records numbered `N`, N-M or N,M,... (repeatable)")
	f.StringVar(&opts.Path, "path", "", "only the records whose path starts with `PREFIX`")
	f.StringArrayVar(&opts.Secrets, "secret", nil, "re-sign each delivery with `SECRET` (the first is used)")
	f.StringVar(&opts.Scheme, "scheme", "auto", "re-sign in `SCHEME`: auto (as recorded)|standard|github|stripe|bearer|none")
	f.StringArrayVarP(&opts.Headers, "header", "H", nil, "add or replace a header, `'Name: value'` (repeatable)")
	f.IntVar(&opts.Retries, "retries", 3, "retry each delivery up to `N` times on connection errors, 429, 502, 503, 504")
	f.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "give up on an attempt after this long")
	addClientTLSFlags(cmd, &opts.TLS)
	addOutputFlag(cmd, &opts.Output, "text", replayOutputs...)
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions(
		[]string{"auto", "standard", "github", "stripe", "bearer", "none"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagFilename("", "ndjson", "jsonl", "json")
	return cmd
}

// replayReport is one line of `replay --output json`.
type replayReport struct {
	Seq        int64   `json:"seq"`
	Method     string  `json:"method"`
	URL        string  `json:"url"`
	WebhookID  string  `json:"webhook_id,omitempty"`
	Scheme     string  `json:"scheme"`
	Resigned   bool    `json:"resigned"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Attempts   int     `json:"attempts"`
	Body       string  `json:"body"`
	OK         bool    `json:"ok"`
	Error      string  `json:"error,omitempty"`
}

func replayRun(app *App, opts *ReplayOptions) error {
	if err := checkOutput(opts.Output, replayOutputs...); err != nil {
		return err
	}
	if opts.To == "" {
		return usageError(errors.New("no --to URL"), "say where to send the deliveries: --to http://localhost:3000/webhooks")
	}
	if _, err := delivery.CheckURL(opts.To); err != nil {
		return usageError(fmt.Errorf("invalid --to URL %q: %w", opts.To, err), "give a full http(s) URL, e.g. http://localhost:3000/webhooks")
	}
	scheme, err := signature.ParseScheme(opts.Scheme)
	if err != nil {
		return usageError(err, "")
	}
	secret := ""
	for _, s := range opts.Secrets {
		if s != "" {
			secret = s
			break
		}
	}
	if secret == "" && scheme != signature.Auto && scheme != signature.None {
		return usageError(fmt.Errorf("--scheme %s re-signs, and needs a --secret", scheme), "pass --secret, or leave --scheme out to send the recorded headers")
	}
	if secret != "" && scheme != signature.Auto {
		if err := signature.CheckSecret(scheme, secret); err != nil {
			return usageError(fmt.Errorf("--secret: %w", err), "")
		}
	}
	seqs, err := parseSeqs(opts.Seqs)
	if err != nil {
		return usageError(err, "write --seq 3, --seq 5-9 or --seq 1,4,7")
	}
	extra, err := parseHeaders(opts.Headers)
	if err != nil {
		return err
	}
	if opts.Retries < 0 {
		return usageErrorf("bad --retries %d: it cannot be negative", opts.Retries)
	}

	var in io.Reader
	if opts.File == "-" {
		in = app.In
	} else {
		f, err := os.Open(opts.File)
		if err != nil {
			return usageError(fmt.Errorf("cannot read %s: %w", opts.File, unwrapPathErr(err)), "")
		}
		defer f.Close()
		in = f
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tlsConf, err := opts.TLS.config()
	if err != nil {
		return err
	}
	client := withTLS(delivery.NewClient(1), tlsConf)
	policy := delivery.Policy{Retries: opts.Retries, Timeout: opts.Timeout, Now: app.Now}
	pal := render.NewPalette(app.ColorOut())
	enc := json.NewEncoder(app.Out)
	enc.SetEscapeHTML(false)

	r := newRecordReader(app, in, opts.File)
	var sent, failed, skipped int
	var handshakeErr error // the first failed TLS handshake, for the hint
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return usageError(fmt.Errorf("%s: %w", opts.File, err), "replay reads the file `listen --record` writes")
		}
		if !seqs.has(rec.Seq) || !strings.HasPrefix(rec.Path, opts.Path) {
			continue
		}
		if why := unreplayable(rec); why != "" {
			skipped++
			fmt.Fprintf(app.Err, "webhook-tool: skipping #%d: %s\n", rec.Seq, why)
			continue
		}
		body, err := rec.RawBody()
		if err != nil {
			return usageError(err, "")
		}
		req := delivery.Request{Method: rec.Method, URL: opts.To, Header: replayHeaders(rec, secret != ""), Body: body}
		rep := replayReport{Seq: rec.Seq, Method: req.Method, URL: opts.To}
		if secret != "" {
			s := scheme
			if s == signature.Auto {
				s = signature.Standard
				if rec.Signature != nil {
					if rs, err := signature.ParseScheme(rec.Signature.Scheme); err == nil && rs != signature.Auto && rs != signature.None {
						s = rs
					}
				}
			}
			id := newMessageID()
			hs, err := signature.Sign(s, secret, id, app.Now(), body)
			if err != nil {
				return usageError(fmt.Errorf("cannot re-sign #%d: %w", rec.Seq, err), "")
			}
			for _, h := range hs {
				req.Header.Set(h.Name, h.Value)
			}
			rep.Scheme, rep.Resigned = string(s), true
			if s == signature.Standard {
				rep.WebhookID = id
			}
		} else {
			rep.Scheme = "as recorded"
			if rec.Signature != nil {
				rep.Scheme = rec.Signature.Scheme + " (as recorded)"
			}
			rep.WebhookID = signature.MessageID(req.Header)
		}
		for k, vs := range extra {
			req.Header[k] = vs
		}

		seq := rec.Seq
		resp, err := delivery.Send(ctx, client, req, policy, func(a delivery.Attempt) {
			what := delivery.Explain(a.Err)
			if a.Err == nil {
				what = delivery.StatusText(a.Status)
			}
			fmt.Fprintf(app.Err, "webhook-tool: #%d: %s; retrying in %s\n", seq, what, a.Wait.Round(time.Millisecond))
		})
		sent++
		rep.Attempts = resp.Attempts
		rep.Status = resp.Status
		rep.DurationMS = float64(resp.Duration.Microseconds()) / 1000
		rep.Body = render.Excerpt(resp.Body, 5, 512)
		rep.OK = err == nil && resp.OK()
		if err != nil {
			rep.Error = delivery.Explain(err)
			if handshakeErr == nil && opts.TLS.handshakeHint(err) != "" {
				handshakeErr = err
			}
		}
		if !rep.OK {
			failed++
		}
		if opts.Output == "json" {
			_ = enc.Encode(rep)
		} else {
			writeReplayLine(app.Out, pal, rep)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil {
		return failError(errors.New("interrupted"), "")
	}
	if sent == 0 {
		what := "no deliveries in " + opts.File
		if len(opts.Seqs) > 0 || opts.Path != "" {
			what += " match --seq/--path"
		}
		if skipped > 0 {
			what += fmt.Sprintf(" (%d skipped)", skipped)
		}
		what += notRecordsNote(r.Skipped())
		return usageError(errors.New(what), "")
	}
	hint := ""
	if handshakeErr != nil {
		hint = opts.TLS.handshakeHint(handshakeErr)
	}
	if opts.Output == "text" {
		summary := fmt.Sprintf("replayed %d %s: %d ok, %d failed", sent, plural(sent, "delivery", "deliveries"), sent-failed, failed)
		if skipped > 0 {
			summary += fmt.Sprintf(", %d skipped", skipped)
		}
		summary += notRecordsNote(r.Skipped())
		if failed > 0 {
			return failError(errors.New(summary), hint)
		}
		fmt.Fprintf(app.Err, "webhook-tool: %s\n", summary)
	}
	if failed > 0 {
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
	pal := render.NewPalette(app.ColorErr())
	r.Skip = func(line int) {
		fmt.Fprintf(app.Err, "webhook-tool: %s %s:%d: not a record (a line cut short by a crash?); skipped\n", pal.Yellow("warning:"), name, line)
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

// unreplayable says why a record is not re-sent, or "" when it is.
func unreplayable(rec *record.Record) string {
	switch {
	case rec.Kind == record.KindCallback:
		return "a callback, not a delivery"
	case rec.Kind != record.KindDelivery:
		return "unknown kind " + strconv.Quote(rec.Kind)
	case rec.Signature == nil:
		why := "listen refused it before reading the body"
		if rec.Error != "" {
			why += " (" + rec.Error + ")"
		}
		return why
	}
	return ""
}

// replayDropped are recorded headers never re-sent: the transport sets them
// for the new connection, or they described the old one.
var replayDropped = map[string]bool{
	"Content-Length": true, "Host": true, "Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true, "Accept-Encoding": true,
}

// signatureHeaders are dropped when a delivery is re-signed.
var signatureHeaders = []string{
	signature.HeaderWebhookID, signature.HeaderWebhookTimestamp, signature.HeaderWebhookSignature,
	signature.HeaderSvixID, signature.HeaderSvixTimestamp, signature.HeaderSvixSignature,
	signature.HeaderGitHubSignature, signature.HeaderGitHubSHA1, signature.HeaderStripeSignature,
	signature.HeaderAuthorization,
}

// replayHeaders rebuilds a request's headers from the record: hop-by-hop and
// redacted values left out, and the signature headers too when resigning.
func replayHeaders(rec *record.Record, resigning bool) http.Header {
	h := make(http.Header, len(rec.Headers))
	for k, v := range rec.Headers {
		ck := http.CanonicalHeaderKey(k)
		if replayDropped[ck] || v == signature.Mask || strings.HasSuffix(v, " "+signature.Mask) {
			continue
		}
		h.Set(ck, v)
	}
	if resigning {
		for _, k := range signatureHeaders {
			h.Del(k)
		}
	}
	return h
}

func writeReplayLine(w io.Writer, pal *render.Palette, rep replayReport) {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s ", rep.Seq, rep.Method, rep.URL)
	if rep.Resigned {
		b.WriteString("(re-signed " + rep.Scheme)
		if rep.WebhookID != "" {
			b.WriteString(", " + rep.WebhookID)
		}
		b.WriteString(") ")
	}
	switch {
	case rep.Status == 0:
		b.WriteString(pal.Red("failed: " + rep.Error))
	case rep.OK:
		b.WriteString(pal.Green(delivery.StatusText(rep.Status)))
	default:
		b.WriteString(pal.Red(delivery.StatusText(rep.Status)))
	}
	if rep.Status != 0 {
		fmt.Fprintf(&b, " in %sms", strconv.FormatFloat(rep.DurationMS, 'f', 1, 64))
		if rep.Attempts > 1 {
			fmt.Fprintf(&b, " after %d attempts", rep.Attempts)
		}
		if body := strings.TrimSpace(rep.Body); body != "" {
			if i := strings.IndexByte(body, '\n'); i >= 0 {
				body = body[:i] + " ..."
			}
			b.WriteString(": " + pal.Dim(body))
		}
	}
	b.WriteByte('\n')
	io.WriteString(w, b.String())
}

// newMessageID is a fresh Standard Webhooks message id.
func newMessageID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return "msg_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// seqSet is the --seq selection; empty means every record.
type seqSet [][2]int64

func (s seqSet) has(n int64) bool {
	if len(s) == 0 {
		return true
	}
	for _, r := range s {
		if n >= r[0] && n <= r[1] {
			return true
		}
	}
	return false
}

func parseSeqs(vals []string) (seqSet, error) {
	var s seqSet
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			lo, hi, isRange := strings.Cut(part, "-")
			a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
			b := a
			var err2 error
			if isRange {
				b, err2 = strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
			}
			if err1 != nil || err2 != nil || a < 1 || b < a {
				return nil, fmt.Errorf("bad --seq %q", v)
			}
			s = append(s, [2]int64{a, b})
		}
	}
	return s, nil
}
