package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// CallbackOptions is everything `callback` needs, filled from flags.
type CallbackOptions struct {
	Args        []string // URL then message words; only words with --from-payload
	File        string
	FromPayload string
	Client      clientFlags // no --to: the URL is an argument
	MaxSize     string
	Output      string
}

func newCallbackCmd(app *App, runF func(*CallbackOptions) error) *cobra.Command {
	opts := &CallbackOptions{}
	cmd := &cobra.Command{
		Use:   "callback URL [MESSAGE...|-]",
		Short: "POST a plain-text callback message to a Permission Assist callback URL",
		Long: `Answer a Permission Assist delivery through its callback URL. The message is
posted once as text/plain; charset=utf-8, byte for byte, and Permission Assist
logs it in the access request's Activity.

The message is the words after the URL joined by single spaces, standard input
with -, or --file FILE (both kept exactly: newlines, UTF-8). --from-payload
DELIVERY.json takes the URL from a delivery's callback field (or from a
` + "`listen --record`" + ` line); then every argument is the message.

A failed connect (refused, DNS, no route) is retried up to --retries times:
nothing reached the server, so nothing can be logged twice. Anything after the
request was sent (a timeout, an error status) is never retried. Redirects are
not followed.

Exit status: 0 a 2xx answer, 1 any other answer or a network failure, 2 a
usage or input error (no URL, bad URL, empty message, unreadable file).`,
		Example: `  webhook-tool callback https://pa.example.com/webhooks/callback/7f1c Provisioning complete.
  printf 'Removed rjohnson from cash advance.\nTicket CHG-1042.\n' | webhook-tool callback URL -
  webhook-tool callback --from-payload delivery.json "Provisioning complete."
  webhook-tool callback URL --file note.txt --output json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return callbackRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.File, "file", "f", "", "read the message from `FILE` (- for standard input), bytes as they are")
	f.StringVar(&opts.FromPayload, "from-payload", "", "take the URL from the callback field of `DELIVERY.json` or a listen --record line (- for stdin)")
	opts.Client.Register(f, clientDefaults{
		NoTo:         true,
		Retries:      3,
		RetriesUsage: "retry a failed connect up to `N` times (never a request that was sent)",
		HeaderUsage:  "add a request header `'Name: value'`, or @FILE of such lines (repeatable)",
	})
	f.StringVar(&opts.MaxSize, "max-size", input.FormatSize(callback.DefaultMaxSize), "refuse messages larger than `SIZE` (e.g. 65536, 64KB, 1MB)")
	addOutputFlag(cmd, &opts.Output, "text", "text", "json")
	_ = cmd.MarkFlagFilename("file")
	_ = cmd.MarkFlagFilename("from-payload", "json", "ndjson")
	return cmd
}

// callbackReport is `callback --output json`: one object, whatever happened
// once a request was attempted.
type callbackReport struct {
	URL        string  `json:"url"`
	OK         bool    `json:"ok"`
	Status     int     `json:"status"`
	Reason     string  `json:"reason,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	Attempts   int     `json:"attempts"`
	Sent       bool    `json:"sent"`
	Bytes      int     `json:"bytes"`
	Response   string  `json:"response"`
	Location   string  `json:"location,omitempty"`
	Error      string  `json:"error,omitempty"`
}

func callbackRun(ctx context.Context, app *App, opts *CallbackOptions) error {
	if err := checkOutput(opts.Output, "text", "json"); err != nil {
		return err
	}
	limit, err := input.ParseSize(opts.MaxSize)
	if err != nil {
		return usageError(fmt.Errorf("invalid --max-size %q: %w", opts.MaxSize, err), "")
	}
	c, err := opts.Client.Resolve(app, 1)
	if err != nil {
		return err
	}
	header := c.Header()
	if header.Get("User-Agent") == "" {
		header.Set("User-Agent", userAgent())
	}

	rawURL, words, err := callbackURL(app, opts)
	if err != nil {
		return err
	}
	u, err := callback.ParseURL(rawURL)
	if err != nil {
		return inputError(err)
	}
	msg, err := callbackMessage(app, opts, words, int(limit))
	if err != nil {
		return err
	}
	if callback.PlainHTTPToRemote(u) {
		app.diag().Warnf("plain http to %s: the message and headers travel unencrypted", u.Host)
	}

	s := &callback.Sender{
		Client:  c.HTTP,
		Timeout: c.Policy.Timeout,
		Retries: c.Policy.Retries,
		Header:  header,
		Now:     app.Now,
		OnRetry: func(r callback.Retry) {
			app.diag().Printf("%s, nothing sent; retrying in %s (attempt %d of %d)",
				delivery.Describe(r.Err), r.Wait, r.Attempt+1, r.Of)
		},
	}
	res := s.Post(ctx, rawURL, msg)
	return reportCallback(app, opts, c, res, len(msg))
}

// callbackURL splits the arguments into the URL and the message words.
func callbackURL(app *App, opts *CallbackOptions) (string, []string, error) {
	if opts.FromPayload == "" {
		if len(opts.Args) == 0 {
			return "", nil, usageError(errors.New("missing the callback URL"),
				"run `webhook-tool callback URL MESSAGE...`, or `webhook-tool callback --from-payload DELIVERY.json MESSAGE...`")
		}
		return opts.Args[0], opts.Args[1:], nil
	}
	// With --from-payload every argument is message; a URL in first place is
	// almost surely a mistake that would otherwise be posted as text.
	if len(opts.Args) > 0 && len(opts.Args[0]) > 0 && !strings.ContainsAny(opts.Args[0], " \n") {
		if _, err := callback.ParseURL(opts.Args[0]); err == nil {
			return "", nil, usageError(fmt.Errorf("--from-payload gives the URL, but the first argument %q is a URL too", opts.Args[0]),
				"drop the URL to use the payload's callback, or drop --from-payload")
		}
	}
	name := opts.FromPayload
	var data []byte
	var err error
	if name == "-" {
		if app.InTTY {
			return "", nil, usageError(errors.New("--from-payload -: standard input is a terminal"),
				"pipe the delivery in, e.g. `tail -n1 record.ndjson | webhook-tool callback --from-payload - MESSAGE`")
		}
		name = "standard input"
		data, err = input.ReadAll(app.In, "standard input", app.inputLimit())
	} else {
		data, err = readRegularFile(opts.FromPayload)
	}
	if err != nil {
		return "", nil, usageError(fmt.Errorf("cannot read --from-payload %s: %w", opts.FromPayload, unwrapPathErr(err)), "")
	}
	raw, err := callback.URLFromPayload(data, name)
	if err != nil {
		return "", nil, inputError(err)
	}
	return raw, opts.Args, nil
}

// callbackMessage gets the message from exactly one place and checks it.
func callbackMessage(app *App, opts *CallbackOptions, words []string, limit int) ([]byte, error) {
	stdin := len(words) == 1 && words[0] == "-"
	sources := 0
	for _, given := range []bool{len(words) > 0 && !stdin, stdin, opts.File != ""} {
		if given {
			sources++
		}
	}
	switch {
	case sources == 0:
		return nil, usageError(errors.New("no message to send"),
			"give the message as words after the URL, - to read standard input, or --file FILE")
	case sources > 1:
		return nil, usageError(errors.New("the message is given more than once"),
			"give it one way: as words, - for standard input, or --file FILE")
	}
	if opts.File == "-" {
		stdin = true
	}
	var msg []byte
	switch {
	case stdin:
		if opts.FromPayload == "-" {
			return nil, usageError(errors.New("standard input cannot hold both the delivery and the message"),
				"pass the delivery as a file, or the message as words or --file")
		}
		if app.InTTY {
			return nil, usageError(errors.New("standard input is a terminal, not a message"),
				"pipe the message in (echo 'Provisioning complete.' | webhook-tool callback URL -) or pass it as words")
		}
		b, err := callback.ReadMessage(app.In, limit, "standard input")
		if err != nil {
			return nil, inputError(err)
		}
		msg = b
	case opts.File != "":
		f, err := openRegularFile(opts.File)
		if err != nil {
			return nil, usageError(fmt.Errorf("cannot read --file %s: %w", opts.File, unwrapPathErr(err)), "")
		}
		defer f.Close()
		b, err := callback.ReadMessage(f, limit, opts.File)
		if err != nil {
			return nil, inputError(err)
		}
		msg = b
	default:
		msg = callback.JoinWords(words)
	}
	if err := callback.CheckMessage(msg, limit); err != nil {
		return nil, inputError(err)
	}
	return msg, nil
}

// openRegularFile opens path for reading, refusing a directory up front with
// a plain message rather than a read error later.
func openRegularFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, errors.New("is a directory")
	}
	return f, nil
}

func readRegularFile(path string) ([]byte, error) {
	f, err := openRegularFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return input.ReadAll(f, path, input.DefaultMaxSize)
}

// inputError maps the domain's input errors (with their hints) to exit 2.
func inputError(err error) error {
	var ie *callback.InputError
	if errors.As(err, &ie) {
		return usageError(err, ie.Hint)
	}
	return usageError(err, "")
}

func reportCallback(app *App, opts *CallbackOptions, c *client, res callback.Result, size int) error {
	desc := ""
	if res.Err != nil {
		desc = delivery.Describe(res.Err)
		if strings.Contains(desc, "timed out") && c.Policy.Timeout > 0 && !strings.Contains(desc, "connecting") {
			desc += " after " + c.Policy.Timeout.String()
		}
	}
	if opts.Output == "json" {
		enc := json.NewEncoder(app.Out)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(callbackReport{
			URL: res.URL, OK: res.OK(), Status: res.Status, Reason: res.Reason,
			DurationMS: float64(res.Duration.Microseconds()) / 1000, Attempts: res.Attempts,
			Sent: res.Sent, Bytes: size, Response: res.Excerpt, Location: res.Location, Error: desc,
		})
	}

	pal := render.NewPalette(app.ColorOut())
	took := render.Duration(res.Duration)
	if res.Attempts > 1 {
		took += fmt.Sprintf(", %d attempts", res.Attempts)
	}
	switch {
	case res.OK():
		if opts.Output != "json" {
			fmt.Fprintf(app.Out, "callback accepted: %s in %s\n", pal.Green(res.Reason), took)
		}
		return nil

	case res.Err != nil && !res.Sent:
		hint := "nothing reached the server, so running the command again cannot duplicate the callback"
		if h := c.TLS.handshakeHint(res.Err); h != "" {
			hint = h
		}
		msg := "callback not sent: " + desc
		if res.Attempts > 1 {
			msg += fmt.Sprintf(" (%d attempts)", res.Attempts)
		}
		return failError(errors.New(msg), hint)

	case res.Err != nil:
		return failError(fmt.Errorf("callback may have been delivered: %s", desc),
			"the server got the request and may have logged it: check the access request's Activity before sending again")
	}

	// An answer that is not 2xx: the request arrived, so it is never retried.
	errPal := render.NewPalette(app.ColorErr())
	verb := "rejected"
	if res.Status/100 == 3 {
		verb = "redirected"
	}
	line := fmt.Sprintf("callback %s: %s in %s", verb, errPal.Red(res.Reason), took)
	if res.Location != "" && res.Status/100 == 3 {
		line += " to " + render.Escape(res.Location) // the server's choice
	}
	diag := app.diag()
	diag.Printf("%s", line)
	if res.Excerpt != "" && opts.Output != "json" {
		for _, l := range strings.Split(res.Excerpt, "\n") {
			fmt.Fprintf(app.Err, "  %s\n", l)
		}
	}
	if hint := statusHint(res.Status); hint != "" {
		diag.Hintf("%s", hint)
	}
	return silentFail()
}

// statusHint says what an error status usually means for a callback.
func statusHint(status int) string {
	switch {
	case status/100 == 3:
		return "redirects are not followed for callbacks; if you trust the new address, run again with it"
	case status == http.StatusConflict || status == http.StatusGone:
		return "a callback URL takes one answer: each delivery has its own callback URL; do not reuse one"
	case status == http.StatusNotFound:
		return "check the URL: it is the delivery's callback field, unique to that delivery"
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "the server refused the request; add the header it expects with -H 'Name: value'"
	case status == http.StatusRequestEntityTooLarge:
		return "the message is too large for the server; shorten it"
	case status/100 == 5:
		return "the server failed after receiving the callback; it was not retried, since it may have been logged"
	}
	return ""
}
