package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/probe"
	"github.com/webhook-tool/webhook-tool/internal/redact"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Bounds on a send's and a probe's time.
const (
	defaultTimeout = 10 * time.Second
	maxTimeout     = 60 * time.Second
	maxRetries     = 5
)

// Signing is how a send or a probe signs: shared by both tools' input.
type Signing struct {
	Scheme  string   `json:"scheme,omitempty" jsonschema:"signature scheme: standard (default), github, stripe, bearer or none"`
	Secrets []string `json:"secrets,omitempty" jsonschema:"signing secrets (several for a rotation); default: the server's configured secret, else the development secret. Never echoed back"`
}

// SendIn is send_fixture's input.
type SendIn struct {
	URL          string   `json:"url" jsonschema:"where to send it: an http or https URL (the only place anything is sent)"`
	Fixture      string   `json:"fixture,omitempty" jsonschema:"a bundled fixture's name (give fixture or payload)"`
	Payload      string   `json:"payload,omitempty" jsonschema:"a JSON payload of your own, as text (give fixture or payload)"`
	Set          []string `json:"set,omitempty" jsonschema:"overrides, each PATH=VALUE as send --set takes them"`
	CallbackBase string   `json:"callback_base,omitempty" jsonschema:"Permission Assist callback URL prefix, plus the delivery id (default: the url's origin + /webhooks/callback/, where listen answers)"`
	Headers      []string `json:"headers,omitempty" jsonschema:"extra headers, each 'Name: value'; they replace one of the same name"`
	NoValidate   bool     `json:"no_validate,omitempty" jsonschema:"send even when the payload is invalid against its schema"`
	Retries      int      `json:"retries,omitempty" jsonschema:"retries on connection errors, 429, 502, 503, 504 (0 to 5; default 0)"`
	Timeout      int      `json:"timeout_seconds,omitempty" jsonschema:"time allowed for each attempt, in seconds (default 10, at most 60)"`
	Signing
}

// Header is one request header as sent (secrets masked).
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SendOut is send_fixture's output.
type SendOut struct {
	URL            string   `json:"url"`
	DeliveryID     string   `json:"delivery_id"`
	Scheme         string   `json:"scheme"`
	RequestHeaders []Header `json:"request_headers" jsonschema:"the headers sent; secrets and bearer tokens as ****"`
	Body           string   `json:"body" jsonschema:"the payload sent"`
	BodyTruncated  bool     `json:"body_truncated,omitempty"`
	Validation     *Verdict `json:"validation,omitempty" jsonschema:"the payload checked before sending (absent with no_validate or when no schema matches)"`
	Status         int      `json:"status" jsonschema:"the receiver's HTTP status; 0 when it could not be reached"`
	OK             bool     `json:"ok" jsonschema:"the receiver answered 2xx"`
	DurationMS     float64  `json:"duration_ms"`
	Attempts       int      `json:"attempts"`
	Response       string   `json:"response_body" jsonschema:"the start of the receiver's answer"`
	ResponseCut    bool     `json:"response_truncated,omitempty"`
	Error          string   `json:"error,omitempty" jsonschema:"why nothing came back"`
}

// ProbeIn is probe's input.
type ProbeIn struct {
	URL            string   `json:"url" jsonschema:"the receiver to grade: an http or https URL"`
	Family         string   `json:"family,omitempty" jsonschema:"send every fixture of this family (a profile's name, as list_fixtures gives them); give family or fixtures"`
	Fixtures       []string `json:"fixtures,omitempty" jsonschema:"the bundled fixtures to send"`
	CallbackWithin int      `json:"callback_within_seconds,omitempty" jsonschema:"how long to wait for each Permission Assist callback (default 10, at most 60)"`
	ExpectCallback bool     `json:"expect_callback,omitempty" jsonschema:"a missing callback fails rather than warns"`
	Signing
}

// ProbeCheck is one graded check.
type ProbeCheck struct {
	Check  string `json:"check"`
	Result string `json:"result" jsonschema:"pass, fail, warn or skip"`
	Detail string `json:"detail"`
	Hint   string `json:"hint,omitempty" jsonschema:"what to change in the receiver"`
}

// ProbeOut is probe's output.
type ProbeOut struct {
	URL     string       `json:"url"`
	Scheme  string       `json:"scheme"`
	Checks  []ProbeCheck `json:"checks"`
	Summary string       `json:"summary"`
	Failed  []string     `json:"failed,omitempty" jsonschema:"the checks that failed"`
}

func (s *server) addSendTools(srv *mcp.Server) {
	add(srv, s, &mcp.Tool{Name: "send_fixture", Description: "Send a signed webhook (a bundled fixture or your payload, with overrides) to the URL you give, and return what the receiver answered. Secrets are never returned."},
		s.send)
	add(srv, s, &mcp.Tool{Name: "probe", Description: "Grade a webhook receiver at the URL you give: it must take correctly signed deliveries and refuse unsigned, tampered, wrongly keyed and stale ones, take a redelivery, ignore unknown fields, not answer bad JSON with 5xx, and post Permission Assist callbacks once."},
		s.probe)
}

// signing resolves a tool's scheme and secrets: the input's, else the
// server's.
func (s *server) signing(in Signing) (signature.Scheme, []string, error) {
	name := in.Scheme
	if name == "" {
		name = string(signature.Standard)
	}
	scheme, err := signature.ParseScheme(name)
	if err != nil || scheme == signature.Auto {
		return "", nil, fmt.Errorf("unknown scheme %q: use standard, github, stripe, bearer or none", in.Scheme)
	}
	secrets := in.Secrets
	if slices.Contains(secrets, "") {
		return "", nil, errors.New("a secret is empty")
	}
	if len(secrets) == 0 && scheme != signature.None {
		if secrets, err = s.opts.Secrets(); err != nil {
			return "", nil, err
		}
	}
	for _, sec := range secrets {
		if err := signature.CheckSigningSecret(scheme, sec); err != nil {
			return "", nil, newMasker(secrets).err(fmt.Errorf("cannot sign with a secret: %w", err))
		}
	}
	return scheme, secrets, nil
}

func (s *server) send(ctx context.Context, in SendIn) (SendOut, error) {
	scheme, secrets, err := s.signing(in.Signing)
	if err != nil {
		return SendOut{}, err
	}
	m := newMasker(secrets)
	out, err := s.sendMasked(ctx, in, scheme, secrets, m)
	return out, m.err(err)
}

func (s *server) sendMasked(ctx context.Context, in SendIn, scheme signature.Scheme, secrets []string, m masker) (SendOut, error) {
	u, err := delivery.CheckURL(in.URL)
	if err != nil {
		return SendOut{}, fmt.Errorf("invalid url: %w", err)
	}
	policy, err := policyOf(in.Retries, in.Timeout, s.opts.Now)
	if err != nil {
		return SendOut{}, err
	}
	raw, err := payloadOf(in)
	if err != nil {
		return SendOut{}, err
	}
	extra, err := headersOf(in.Headers)
	if err != nil {
		return SendOut{}, err
	}
	base := in.CallbackBase
	if base == "" {
		base = callback.BaseFor(u)
	}
	tmpl, err := delivery.NewTemplate(raw, delivery.TemplateOptions{Now: s.opts.Now(), CallbackBase: base, Sets: in.Set, AsIs: in.NoValidate, NewID: s.opts.NewID})
	if err != nil {
		return SendOut{}, renderError(err)
	}
	out := SendOut{URL: m.url(in.URL), Scheme: string(scheme)}
	if !in.NoValidate {
		v, err := s.check(tmpl.Body(), "")
		var nm payload.NoMatchError
		switch {
		case errors.As(err, &nm): // a payload of the user's own: sent unvalidated
		case err != nil:
			return SendOut{}, err
		case !v.Valid:
			return SendOut{}, invalidError(v)
		default:
			out.Validation = &v
		}
	}
	b := &delivery.Builder{URL: u.String(), Scheme: scheme, Secrets: secrets, Extra: extra, Template: tmpl, Now: s.opts.Now, UserAgent: s.opts.UserAgent}
	og, err := b.Next()
	if err != nil {
		return SendOut{}, err
	}
	out.DeliveryID = og.ID
	for _, h := range og.Headers {
		out.RequestHeaders = append(out.RequestHeaders, Header{h.Name, m.text(redact.Header(h.Name, h.Value))})
	}
	out.Body, out.BodyTruncated = cut(m.text(string(og.Req.Body)))
	resp, err := delivery.Send(ctx, s.client(), og.Req, policy, nil)
	out.Status, out.OK, out.Attempts = resp.Status, resp.OK(), resp.Attempts
	out.DurationMS = float64(resp.Duration.Microseconds()) / 1000
	out.Response, out.ResponseCut = cut(m.text(string(resp.Body)))
	if err != nil {
		out.Error = m.text(delivery.Explain(err))
	}
	return out, nil
}

// invalidError lists why a payload was not sent.
func invalidError(v Verdict) error {
	var b strings.Builder
	fmt.Fprintf(&b, "the payload is invalid against %s; nothing was sent (no_validate sends it anyway):", v.Schema)
	for _, e := range v.Errors {
		fmt.Fprintf(&b, "\n  %s (line %d, column %d): %s", e.Pointer, e.Line, e.Column, e.Message)
	}
	if v.ErrorsOmitted > 0 {
		fmt.Fprintf(&b, "\n  and %d more", v.ErrorsOmitted)
	}
	if v.Schema == "" {
		return errors.New("the payload is not JSON; nothing was sent (no_validate sends it anyway)")
	}
	return errors.New(b.String())
}

func payloadOf(in SendIn) ([]byte, error) {
	switch {
	case (in.Fixture == "") == (in.Payload == ""):
		return nil, errors.New("give a bundled fixture's name or a payload, one of the two")
	case in.Payload != "":
		return []byte(in.Payload), nil
	}
	raw, err := fixture.Load(in.Fixture)
	return raw, fixtureError(err)
}

// headersOf reads 'Name: value' lines. net/http refuses a bad name when
// sending; a line break in a value is refused here.
func headersOf(lines []string) ([]signature.Header, error) {
	var hs []signature.Header
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || strings.ContainsAny(name, " \t") || strings.ContainsAny(value, "\r\n\x00") {
			return nil, fmt.Errorf("malformed header %q: write 'Name: value' on one line", l)
		}
		hs = append(hs, signature.Header{Name: name, Value: value})
	}
	return hs, nil
}

func policyOf(retries, timeout int, now func() time.Time) (delivery.Policy, error) {
	t, err := seconds("timeout_seconds", timeout, defaultTimeout)
	if err != nil {
		return delivery.Policy{}, err
	}
	if retries < 0 || retries > maxRetries {
		return delivery.Policy{}, fmt.Errorf("retries %d: give 0 to %d", retries, maxRetries)
	}
	return delivery.Policy{Retries: retries, Timeout: t, Now: now}, nil
}

// seconds reads a duration input: 0 means def, and at most maxTimeout.
func seconds(name string, n int, def time.Duration) (time.Duration, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0 || time.Duration(n)*time.Second > maxTimeout:
		return 0, fmt.Errorf("%s %d: give 1 to %d", name, n, int(maxTimeout/time.Second))
	}
	return time.Duration(n) * time.Second, nil
}

func (s *server) client() *http.Client {
	if s.opts.Client != nil {
		return s.opts.Client
	}
	return delivery.NewClient(8)
}

func (s *server) probe(ctx context.Context, in ProbeIn) (ProbeOut, error) {
	scheme, secrets, err := s.signing(in.Signing)
	if err != nil {
		return ProbeOut{}, err
	}
	m := newMasker(secrets)
	out, err := s.probeMasked(ctx, in, scheme, secrets, m)
	return out, m.err(err)
}

func (s *server) probeMasked(ctx context.Context, in ProbeIn, scheme signature.Scheme, secrets []string, m masker) (ProbeOut, error) {
	u, err := delivery.CheckURL(in.URL)
	if err != nil {
		return ProbeOut{}, fmt.Errorf("invalid url: %w", err)
	}
	fixtures, err := probeFixtures(in.Family, in.Fixtures)
	if err != nil {
		return ProbeOut{}, err
	}
	within, err := seconds("callback_within_seconds", in.CallbackWithin, probe.DefaultCallbackWithin)
	if err != nil {
		return ProbeOut{}, err
	}
	secret := ""
	if len(secrets) > 0 {
		secret = secrets[0]
	}
	rep, err := probe.Run(ctx, probe.Options{
		URL: u.String(), Fixtures: fixtures, Scheme: scheme, Secret: secret, Secrets: secrets,
		CallbackWithin: within, ExpectCallback: in.ExpectCallback, UserAgent: s.opts.UserAgent,
		Client: s.opts.Client, Policy: delivery.Policy{Timeout: defaultTimeout}, Now: s.opts.Now, NewID: s.opts.NewID,
	})
	if err != nil {
		return ProbeOut{}, err
	}
	out := ProbeOut{URL: m.url(rep.URL), Scheme: string(rep.Scheme), Failed: rep.Failed()}
	for _, c := range rep.Checks {
		out.Checks = append(out.Checks, ProbeCheck{c.ID, string(c.Result), m.text(c.Detail), m.text(c.Hint)})
	}
	out.Summary = fmt.Sprintf("%d checks: %d pass, %d fail, %d warn, %d skip", len(rep.Checks),
		rep.Count(probe.Pass), rep.Count(probe.Fail), rep.Count(probe.Warn), rep.Count(probe.Skip))
	return out, nil
}

// probeFixtures resolves a family or a list of fixtures.
func probeFixtures(family string, names []string) ([]string, error) {
	switch {
	case family != "" && len(names) > 0:
		return nil, errors.New("give a family or fixtures, not both")
	case len(names) > 0:
		for _, n := range names {
			if _, err := fixture.Load(n); err != nil {
				return nil, fixtureError(err)
			}
		}
		return slices.Compact(slices.Clone(names)), nil
	case family == "":
		return nil, errors.New("nothing to send: give a family (a profile's name, as list_fixtures gives them) or fixtures")
	}
	l, err := listFixtures(ListFixturesIn{Family: family})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(l.Fixtures))
	for i, f := range l.Fixtures {
		out[i] = f.Name
	}
	return out, nil
}
