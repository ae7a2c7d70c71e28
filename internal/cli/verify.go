package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// VerifyOptions is everything `verify` needs.
type VerifyOptions struct {
	File      string
	Headers   []string
	Secrets   []string
	Scheme    string
	Tolerance time.Duration
	Recorded  string
	Output    string
	Explain   bool
}

func newVerifyCmd(app *App, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify FILE|- -H 'Name: value'... | verify --recorded RECORD.ndjson",
		Short: "Check signature headers against a body",
		Long: `Check the signature headers a request came with (-H, repeatable) against its body
(FILE, or - for standard input), as a receiver would: exit 0 when valid, 1 with the
reason when not (missing header, malformed header, stale timestamp, no signature
matched).

--scheme auto (the default) detects the scheme from the headers. Several --secret
values are tried in turn, as during a rotation. A whpk_ public key checks the
Standard Webhooks v1a (Ed25519) signatures, a whsec_ secret the v1 ones; a header
carrying both kinds is valid when one the keys can check matches. Timestamps may be --tolerance away
from now in either direction (default 5m; 0 turns the check off, for old deliveries).

--recorded FILE checks every delivery of an NDJSON record instead: the lines
` + "`listen --record`" + ` writes ({"headers":{...},"body":"..."}), each against the time it
was received (received_at), so --tolerance applies as it did when it arrived;
callbacks and requests listen refused before reading them (a GET answered 405)
are skipped, and so is a line that is not a record (one a crash cut short),
with a warning.
A record holds no bearer secret (it is stored as Bearer ****), so a bearer
delivery is reported "not checked", with the listener's verdict, and is not
counted as a failure: exit 0 when every delivery that could be checked is
valid, 1 when one is not, 2 when none could be checked.

When a signature does not match, verify tries the usual causes (the body
re-serialised or given a newline, CRLF or BOM; the secret read raw instead of
base64 or with stray whitespace, or another configured secret; the signature
in the wrong encoding; the clock) and names the one that makes it match.
--explain prints every candidate tried, with its outcome.`,
		Example: `  webhook-tool verify body.json --secret "$SECRET" \
      -H 'webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek' -H 'webhook-timestamp: 1614265330' \
      -H 'webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' --tolerance 0
  webhook-tool verify --recorded deliveries.ndjson --secret "$SECRET"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(app, opts)
		},
	}
	stringArrayVarP(cmd.Flags(), &opts.Headers, "header", "H", "a header the request came with, `'Name: value'`, or @FILE of such lines (repeatable)")
	stringArrayVar(cmd.Flags(), &opts.Secrets, "secret", "`SECRET` to verify with (repeatable: any one may match; whpk_... checks v1a)")
	addSchemeFlag(cmd, &opts.Scheme, "auto", true)
	cmd.Flags().DurationVar(&opts.Tolerance, "tolerance", signature.DefaultTolerance, "accept a signed timestamp this `DURATION` from now, either way (0 = no check)")
	cmd.Flags().StringVar(&opts.Recorded, "recorded", "", "verify every delivery in this NDJSON `FILE` (as listen --record writes)")
	addMaxSizeFlag(cmd, app)
	cmd.Flags().BoolVar(&opts.Explain, "explain", false, "print every change the signature doctor tried on a failure, with its outcome")
	addOutputFlag(cmd, &opts.Output, "text", "text", "json")
	return cmd
}

// verdict is one line of `verify --output json`.
type verdict struct {
	Line   int    `json:"line,omitempty"` // in --recorded
	Scheme string `json:"scheme"`
	Valid  bool   `json:"valid"`
	Reason string `json:"reason"`
	Kind   string `json:"kind"`
	Header string `json:"header,omitempty"`
	Secret int    `json:"secret,omitempty"` // 1-based index of the secret that matched
	doctorFindings
}

func verifyRun(app *App, opts *VerifyOptions) error {
	app, done := maskedApp(app, opts.Secrets)
	return done(verifyUnmasked(app, opts))
}

func verifyUnmasked(app *App, opts *VerifyOptions) error {
	if err := checkOutput(opts.Output, "text", "json"); err != nil {
		return err
	}
	scheme, err := signature.ParseScheme(opts.Scheme)
	if err != nil {
		return usageError(fmt.Errorf("invalid --scheme: %w", err), "use one of: auto, standard, github, stripe, bearer, none")
	}
	if opts.Tolerance < 0 {
		return usageErrorf("invalid --tolerance %s: give a duration like 5m, or 0 for no timestamp check", opts.Tolerance)
	}
	secrets, dev, err := secretsFor(app, opts.Secrets, true)
	if err != nil {
		return err
	}
	warnSigningKeys(app, secrets)
	vo := signature.VerifyOptions{Scheme: scheme, Secrets: secrets, Tolerance: opts.Tolerance, Now: app.Now()}
	if opts.Tolerance == 0 {
		vo.Tolerance = -1 // the package's "no check"
	}
	do := doctorOptions{DiagnoseOptions: signature.DiagnoseOptions{VerifyOptions: vo, Others: otherSecrets(app)},
		verifier: signature.NewVerifier(vo), explain: opts.Explain}

	if opts.Recorded != "" {
		if opts.File != "" || len(opts.Headers) > 0 {
			return usageErrorf("--recorded reads bodies and headers from the record: give no FILE or -H with it")
		}
		return verifyRecorded(app, opts, do)
	}
	if opts.File == "" {
		return usageError(errors.New("nothing to verify: give the body's FILE (or - for standard input) and its headers with -H"),
			"or check a record of deliveries with --recorded FILE")
	}
	lines, err := expandHeaderFiles(opts.Headers)
	if err != nil {
		return err
	}
	headers, err := parseHeaders(lines)
	if err != nil {
		return err
	}
	body, err := readBody(app, opts.File)
	if err != nil {
		return err
	}
	v, err := verifyOne(do, headers, body)
	if err != nil {
		return err
	}
	writeVerdict(app, opts.Output, v, "")
	if !v.Valid {
		if v.Scheme == string(signature.None) {
			return failError(fmt.Errorf("not signed: %s", v.Reason), "")
		}
		hint := verifyHint(v)
		if dev != nil && v.Kind == signature.NoMatch.String() {
			hint = "checked with the development secret (no --secret given); pass --secret if the sender signs with another"
		}
		return failError(fmt.Errorf("invalid %s signature: %s", v.Scheme, v.Reason), hint)
	}
	return nil
}

// verifyOne checks one request, against the clock do.Now. Problems of the
// configuration rather than of the request (no secret, an unusable secret)
// are usage errors.
func verifyOne(do doctorOptions, h http.Header, body []byte) (verdict, error) {
	res := do.verifier.Verify(h, body, do.Now)
	switch res.Kind {
	case signature.NoSecret:
		return verdict{}, usageError(errors.New(res.Reason), "pass --secret S (or set WEBHOOK_TOOL_SECRET)")
	case signature.InvalidSecret, signature.UnknownScheme:
		return verdict{}, usageError(errors.New(res.Reason), "")
	}
	v := verdict{Scheme: string(res.Scheme), Valid: res.Valid, Reason: res.Reason, Kind: res.Kind.String(), Header: res.Header}
	if res.Valid && res.Scheme != signature.None {
		v.Secret = res.SecretIndex + 1
	}
	v.doctorFindings = do.diagnose(h, body, res)
	return v, nil
}

func verifyHint(v verdict) string {
	switch {
	case v.Kind == signature.StaleTimestamp.String():
		return "the signature itself matched; for an old delivery pass --tolerance 0"
	case v.Kind == signature.FutureTimestamp.String():
		return "the signature itself matched; the sender's clock is ahead of this one (check both clocks, or pass --tolerance 0)"
	case v.Diagnosis != nil:
		// The reason already says how far off a timestamp is; for any
		// other failure the likely cause is the hint.
		return likelyCause(v.Diagnosis)
	case v.Kind == signature.NoMatch.String() && v.Scheme == string(signature.Bearer):
		return "check that the token the sender puts in Authorization is one of the --secret values"
	case v.Kind == signature.NoMatch.String():
		return "check the secret and that the body is byte for byte what was signed (a trailing newline counts)"
	}
	return ""
}

func writeVerdict(app *App, output string, v verdict, prefix string) {
	if output == "json" {
		enc := json.NewEncoder(app.Out)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
		return
	}
	pal := render.NewPalette(app.ColorOut())
	defer writeFindings(app.Out, v.doctorFindings, prefix)
	reason := render.Escape(v.Reason) // in --recorded, partly the record's text
	switch {
	case v.Kind == record.Unchecked:
		fmt.Fprintf(app.Out, "%s%s (%s): %s\n", prefix, pal.Yellow("not checked"), v.Scheme, reason)
	case v.Valid:
		fmt.Fprintf(app.Out, "%s%s (%s signature, secret %d)\n", prefix, pal.Green("valid"), v.Scheme, v.Secret)
	case prefix != "":
		// In a record each line reports; a single request's reason is the error.
		fmt.Fprintf(app.Out, "%s%s (%s): %s\n", prefix, pal.Red("invalid"), v.Scheme, reason)
	}
}

func verifyRecorded(app *App, opts *VerifyOptions, vo doctorOptions) error {
	f, err := os.Open(opts.Recorded)
	if err != nil {
		return usageError(fmt.Errorf("cannot read %s: %w", opts.Recorded, unwrapPathErr(err)), "")
	}
	defer f.Close()
	r := newRecordReader(app, f, opts.Recorded)
	var n, bad, unchecked, refused int
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var nre *record.NotRecordError
		if errors.As(err, &nre) {
			return usageError(fmt.Errorf("%s:%d: not a record line: %v", opts.Recorded, nre.Line, nre.Err), "give a file `listen --record` wrote")
		}
		if err != nil {
			return usageError(fmt.Errorf("cannot read %s: %w", opts.Recorded, err), "")
		}
		line := r.Line()
		if rec.Kind == record.KindCallback || rec.Kind == record.KindExec {
			continue
		}
		if rec.Signature == nil && rec.Error != "" {
			// Refused before it was read (a GET answered 405, a 404, a
			// 413): no delivery to judge.
			refused++
			if opts.Output == "text" {
				fmt.Fprintf(app.Out, "%s:%d: %s (listen answered %d: %s)\n", opts.Recorded, line,
					render.NewPalette(app.ColorOut()).Dim("not a delivery"), rec.Status, render.Escape(rec.Error))
			}
			continue
		}
		h := rec.HTTPHeader()
		body, err := rec.RawBody()
		if err != nil {
			return usageError(fmt.Errorf("%s:%d: %v", opts.Recorded, line, err), "")
		}
		v, ok := redactedVerdict(vo.Scheme, h, rec.Signature)
		if ok {
			unchecked++
		} else {
			// Judged as listen judged it: against the time it arrived,
			// not against now.
			at := vo
			if !rec.ReceivedAt.IsZero() {
				at.Now = rec.ReceivedAt
			}
			if v, err = verifyOne(at, h, body); err != nil {
				return err
			}
			n++
			if !v.Valid {
				bad++
			}
		}
		v.Line = line
		writeVerdict(app, opts.Output, v, fmt.Sprintf("%s:%d: ", opts.Recorded, line))
	}
	// A delivery that could not be checked is neither valid nor a failure:
	// with nothing checked at all, "valid" would be a lie, as without a
	// secret.
	torn := notRecordsNote(r.Skipped())
	switch {
	case n == 0 && unchecked == 0 && refused > 0:
		return usageErrorf("%s holds no deliveries, only %d %s listen refused before reading%s", opts.Recorded, refused, plural(refused, "request", "requests"), torn)
	case n == 0 && unchecked == 0:
		return usageErrorf("%s holds no deliveries%s", opts.Recorded, torn)
	case n == 0:
		return usageError(fmt.Errorf("none of the %d deliveries in %s could be checked: their bearer tokens were redacted when recorded%s", unchecked, opts.Recorded, torn),
			"a record never holds a bearer token; check bearer deliveries as they arrive, with listen --secret")
	case bad > 0 && unchecked > 0:
		return failError(fmt.Errorf("%d of %d checked deliveries failed verification; %d more could not be checked%s", bad, n, unchecked, torn), "")
	case bad > 0:
		return failError(fmt.Errorf("%d of %d deliveries failed verification%s", bad, n, torn), "")
	}
	diag := app.diag()
	if unchecked > 0 {
		diag.Warnf("%d of %d deliveries could not be checked: their bearer tokens were redacted when recorded",
			unchecked, n+unchecked)
	}
	if k := r.Skipped(); k > 0 {
		diag.Warnf("%d %s valid; %d %s of %s skipped as not records",
			n, plural(n, "delivery", "deliveries"), k, plural(k, "line", "lines"), opts.Recorded)
	}
	return nil
}

// redactedVerdict reports a bearer delivery whose token listen redacted when
// it recorded it ("Bearer ****"): the secret is not in the record, so the
// delivery cannot be checked, and comparing the mask with the secret would
// call a delivery the listener accepted invalid. The verdict says so, with
// the listener's own (sig, from the record). ok is false for any other
// delivery, which verify checks as usual.
func redactedVerdict(scheme signature.Scheme, h http.Header, sig *record.Signature) (v verdict, ok bool) {
	if scheme == signature.Auto {
		scheme = signature.Detect(h)
	}
	if scheme != signature.Bearer {
		return verdict{}, false
	}
	values := h.Values(signature.HeaderAuthorization)
	if len(values) == 0 {
		return verdict{}, false
	}
	shown := strings.TrimSpace(values[0])
	what := "the bearer token"
	if shown != redact.Mask {
		word, rest, found := strings.Cut(shown, " ")
		if !found || !strings.EqualFold(word, "Bearer") || strings.TrimSpace(rest) != redact.Mask {
			return verdict{}, false
		}
	} else {
		what = "the " + signature.HeaderAuthorization + " header"
	}
	reason := fmt.Sprintf("%s was redacted when recorded (%s), so it cannot be checked; ", what, shown)
	switch {
	case sig == nil:
		reason += "the record holds no verdict of the listener"
	case sig.Kind == record.Unchecked:
		reason += "the listener did not check it (no --secret)"
	case sig.Valid:
		reason += "the listener's verdict was: valid"
	case sig.Reason != "":
		reason += "the listener's verdict was: invalid (" + sig.Reason + ")"
	default:
		reason += "the listener's verdict was: invalid"
	}
	return verdict{Scheme: string(signature.Bearer), Reason: reason, Kind: record.Unchecked}, true
}
