package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// clientFlags are the flags of every command that sends HTTP requests (send,
// replay, callback, probe, scenario): where to (--to), how hard to try
// (--retries, --timeout), what to add (-H, with @FILE), whom to trust
// (--cacert, --insecure) and who we are (--cert, --key: mutual TLS). Each command registers them once and resolves them
// once, so a value is accepted or refused the same way, with the same
// message, everywhere:
//
//	var cf clientFlags
//	cf.Register(cmd.Flags(), clientDefaults{Retries: 3})
//	...
//	c, err := cf.Resolve(app, 1) // in the run function
//	resp, err := delivery.Send(ctx, c.HTTP, req, c.Policy, onRetry)
//
// --timeout 0 means no limit; negative values and negative --retries are
// usage errors. A header value with a line break is refused.
type clientFlags struct {
	To      string
	Retries int
	Timeout time.Duration
	Headers []string // -H as given: 'Name: value' or @FILE
	TLS     ClientTLS

	noTo      bool
	defaultTo string
}

// clientDefaults are what a command wants its client flags to default to
// and to say in --help; zero usage strings take the common text.
type clientDefaults struct {
	// NoTo leaves --to out: the URL is an argument (callback).
	NoTo    bool
	ToUsage string
	// To is where the command sends without --to ("" makes --to required):
	// send's is listen's address.
	To string

	Retries      int // the --retries default (send, replay and callback: 3)
	RetriesUsage string
	Timeout      time.Duration // default 0 means defaultTimeout
	TimeoutUsage string
	HeaderUsage  string
}

// defaultTimeout bounds each attempt unless a command says otherwise.
const defaultTimeout = 10 * time.Second

// toHint is the hint of every --to error.
const toHint = "give the receiver's http:// or https:// URL, e.g. --to http://127.0.0.1:8080/ (or set WEBHOOK_TOOL_TO)"

// Register adds the client flags to fs with the defaults d.
func (c *clientFlags) Register(fs *pflag.FlagSet, d clientDefaults) {
	c.noTo, c.defaultTo = d.NoTo, d.To
	if !d.NoTo {
		fs.StringVar(&c.To, "to", "", usageOr(d.ToUsage, "the receiver's `URL` (http or https)"))
	}
	fs.IntVar(&c.Retries, "retries", d.Retries,
		usageOr(d.RetriesUsage, "retry up to `N` times after a connection error or a 429, 502, 503 or 504"))
	timeout := d.Timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	fs.DurationVar(&c.Timeout, "timeout", timeout, usageOr(d.TimeoutUsage, "time limit for each attempt, a `DURATION` (0 = no limit)"))
	stringArrayVarP(fs, &c.Headers, "header", "H",
		usageOr(d.HeaderUsage, "add a header, `'Name: value'`, or @FILE of such lines (repeatable; replaces a header of the same name)"))
	fs.StringVar(&c.TLS.CACert, "cacert", "", "also trust the certificates in PEM `FILE` (e.g. the one listen --cert serves)")
	fs.BoolVarP(&c.TLS.Insecure, "insecure", "k", false, "do not verify the server's TLS certificate (a local test server only)")
	fs.StringVar(&c.TLS.Cert, "cert", "", "client certificate PEM `FILE` to present when the server asks for one (mutual TLS; with --key)")
	fs.StringVar(&c.TLS.Key, "key", "", "the client certificate's private key, PEM `FILE` (with --cert)")
	_ = cobra.MarkFlagFilename(fs, "cacert", "pem", "crt")
	_ = cobra.MarkFlagFilename(fs, "cert", "pem", "crt")
	_ = cobra.MarkFlagFilename(fs, "key", "pem", "key")
}

func usageOr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// client is what the client flags resolve to.
type client struct {
	URL       *url.URL           // --to, checked; nil with NoTo
	ToDefault bool               // no --to was given: URL is the command's default
	Policy    delivery.Policy    // --retries, --timeout, the app's clock
	HTTP      *http.Client       // no redirects, --cacert/--insecure/--cert/--key applied
	Headers   []signature.Header // -H in the order given, @FILEs expanded
	TLS       ClientTLS          // for handshakeHint
}

// Header is c.Headers as an http.Header.
func (c *client) Header() http.Header {
	h := make(http.Header, len(c.Headers))
	for _, x := range c.Headers {
		h.Add(x.Name, x.Value)
	}
	return h
}

// Resolve checks the flags and builds the client: conns is how many requests
// may be in flight at once (a load run's concurrency; 1 otherwise).
func (c *clientFlags) Resolve(app *App, conns int) (*client, error) {
	out := &client{TLS: c.TLS}
	if !c.noTo {
		to := c.To
		if to == "" && c.defaultTo != "" {
			to, out.ToDefault = c.defaultTo, true
		}
		u, err := parseTarget(app, to)
		if err != nil {
			return nil, err
		}
		out.URL = u
	}
	if err := checkRetryFlags(c.Retries, c.Timeout); err != nil {
		return nil, err
	}
	hs, err := parseHeaderFlags(c.Headers)
	if err != nil {
		return nil, err
	}
	conf, err := c.TLS.config()
	if err != nil {
		return nil, err
	}
	out.Headers = hs
	out.Policy = delivery.Policy{Retries: c.Retries, Timeout: c.Timeout, Now: app.Now}
	out.HTTP = httpClient(app, conns, conf)
	return out, nil
}

func checkRetryFlags(retries int, timeout time.Duration) error {
	switch {
	case retries < 0:
		return usageErrorf("invalid --retries %d: give 0 (no retries) or more", retries)
	case timeout < 0:
		return usageErrorf("invalid --timeout %s: give a duration like 10s, or 0 for no limit", timeout)
	}
	return nil
}

// parseTarget checks --to: an absolute http(s) URL with a host, or an
// address without its scheme ("127.0.0.1:8080", "localhost:3000/hook"),
// taken as http as curl takes it, which stderr says.
func parseTarget(app *App, to string) (*url.URL, error) {
	if to == "" {
		return nil, usageError(errors.New("no --to URL: where should the webhook go?"), toHint)
	}
	if withHTTP, ok := delivery.WithoutScheme(to); ok {
		app.diag().Printf("--to %s has no scheme: sending to %s, as curl would", to, withHTTP)
		to = withHTTP
	}
	u, err := delivery.CheckURL(to)
	if err != nil {
		return nil, usageError(fmt.Errorf("invalid --to URL %q: %v", to, err), toHint)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// parseHeaderFlags reads -H values, each 'Name: value' or @FILE of such
// lines (as curl reads them, so sign's output feeds verify and send), in
// order. A value with a line break or NUL could not go on the wire as one
// header and is refused.
func parseHeaderFlags(raw []string) ([]signature.Header, error) {
	lines, err := expandHeaderFiles(raw)
	if err != nil {
		return nil, err
	}
	out := make([]signature.Header, 0, len(lines))
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, usageError(fmt.Errorf("malformed header %q", line), "write headers as -H 'Name: value'")
		}
		if !validHeaderName(name) {
			return nil, usageError(fmt.Errorf("invalid header name %q: a name is letters, digits and !#$%%&'*+-.^_`|~", name), "write headers as -H 'Name: value'")
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			return nil, usageError(fmt.Errorf("malformed header %q: the value contains a line break", name), "")
		}
		out = append(out, signature.Header{Name: name, Value: value})
	}
	return out, nil
}

// parseHeaders is parseHeaderFlags as an http.Header, for verify.
func parseHeaders(raw []string) (http.Header, error) {
	hs, err := parseHeaderFlags(raw)
	if err != nil {
		return nil, err
	}
	return (&client{Headers: hs}).Header(), nil
}

// expandHeaderFiles replaces each -H @FILE with the header lines in FILE
// (blank lines skipped).
func expandHeaderFiles(raw []string) ([]string, error) {
	var out []string
	for _, h := range raw {
		path, ok := strings.CutPrefix(h, "@")
		if !ok {
			out = append(out, h)
			continue
		}
		b, err := input.ReadFile(path, input.MaxSmallFileSize)
		if err != nil {
			return nil, usageError(fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err)), "")
		}
		for line := range strings.Lines(string(b)) {
			if line = strings.TrimRight(line, "\r\n"); strings.TrimSpace(line) != "" {
				out = append(out, line)
			}
		}
	}
	return out, nil
}

// httpClient is the app's client, or one tuned for conns connections when
// the app uses the default transport; either way it does not follow
// redirects, and has the TLS configuration of --cacert/--insecure when there
// is one.
func httpClient(app *App, conns int, conf *tls.Config) *http.Client {
	c := app.HTTPClient
	if c == nil || c.Transport == nil {
		return withTLS(delivery.NewClient(conns), conf)
	}
	cc := *c
	if cc.CheckRedirect == nil {
		cc.CheckRedirect = delivery.NoRedirects
	}
	return withTLS(&cc, conf)
}

// validHeaderName reports whether name is an HTTP field name (RFC 9110
// 5.1: a token), as net/http will insist when the request is sent.
func validHeaderName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return name != ""
}
