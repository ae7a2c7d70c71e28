package probe

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// loaded is one selected fixture.
type loaded struct {
	name  string
	raw   []byte
	prof  *profile.Profile
	pa    bool             // the delivery carries its own callback URL (its profile's callback field)
	event signature.Header // its profile's event header, set to its schema's group; Name "" for none
}

// sent is one request probe sent and what came of it.
type sent struct {
	fixture    string
	id         string // the delivery id
	status     int
	excerpt    string // the first line of the response body
	duration   time.Duration
	answeredAt time.Time
	err        error
	// A signed delivery refused with 401 or 403 keeps the request and the
	// answer, for the signature doctor (diagnose).
	req        *prepared
	answerBody []byte
}

func (s sent) ok() bool { return s.err == nil && s.status >= 200 && s.status < 300 }

// answer says what came back: `answered 401 Unauthorized "no signature
// matched"`, or `no answer: ` and the transport error.
func (s sent) answer() string {
	if s.err != nil {
		return "no answer: " + delivery.Explain(s.err)
	}
	a := "answered " + delivery.StatusText(s.status)
	if s.excerpt != "" {
		a += " " + quote(s.excerpt)
	}
	return a
}

func (s sent) exchange() Exchange {
	e := Exchange{Status: s.status, DurationMS: float64(s.duration.Microseconds()) / 1000}
	if s.err != nil {
		e.Error = delivery.Explain(s.err)
	}
	return e
}

// prober holds one run's state.
type prober struct {
	opts    Options
	now     func() time.Time
	newID   func() string
	client  *http.Client
	standin *callback.Server
	// callbackBase is what callback URLs are built on: Options.CallbackBase,
	// else the stand-in's own URL.
	callbackBase string
	host         string

	fixtures []loaded
	base     *loaded // the delivery the single-delivery checks send
	dupBase  *loaded // the delivery sent twice: one that carries a callback URL when there is one

	valid []sent // one per fixture, in order

	mu     sync.Mutex
	others map[string][]sent // the other checks' requests, by check id
	notes  map[string]string // what a check sent, for its detail
}

func newProber(opts Options) (*prober, error) {
	if len(opts.Fixtures) == 0 {
		return nil, ErrNoFixtures
	}
	if opts.Scheme == "" {
		opts.Scheme = signature.Standard
	}
	if opts.Tolerance <= 0 {
		opts.Tolerance = signature.DefaultTolerance
	}
	if opts.AckWithin <= 0 {
		opts.AckWithin = DefaultAckWithin
	}
	if opts.CallbackWithin <= 0 {
		opts.CallbackWithin = DefaultCallbackWithin
	}
	if opts.Policy.Timeout <= 0 {
		opts.Policy.Timeout = DefaultTimeout
	}
	if opts.CallbackAddr == "" {
		opts.CallbackAddr = DefaultCallbackAddr
	}
	if opts.parallel <= 0 {
		opts.parallel = defaultParallel
	}
	if opts.settle <= 0 {
		opts.settle = defaultSettle
	}
	p := &prober{opts: opts, now: opts.Now, newID: opts.NewID, client: opts.Client,
		others: map[string][]sent{}, notes: map[string]string{}}
	if p.now == nil {
		p.now = time.Now
	}
	p.opts.Policy.Now = p.now
	if p.newID == nil {
		p.newID = fixture.NewGUID
	}
	if p.client == nil {
		p.client = delivery.NewClient(opts.parallel)
	}
	p.host = opts.URL
	if u, err := url.Parse(opts.URL); err == nil && u.Host != "" {
		p.host = u.Host
	}
	if err := p.load(); err != nil {
		return nil, err
	}
	p.base, p.dupBase = &p.fixtures[0], &p.fixtures[0]
	for i := range p.fixtures {
		if p.fixtures[i].pa {
			p.dupBase = &p.fixtures[i]
			break
		}
	}
	return p, nil
}

// load reads opts.Fixtures from the profiles' fixtures, each with its
// profile's event header set to its schema's group.
func (p *prober) load() error {
	list, err := fixture.ListOf(p.opts.Profiles)
	if p.opts.Profiles == nil {
		list, err = fixture.List(), nil
	}
	if err != nil {
		return err
	}
	for _, name := range p.opts.Fixtures {
		f, err := fixture.Find(list, name)
		if err != nil {
			return err
		}
		raw, err := f.Load()
		if err != nil {
			return fmt.Errorf("fixture %s: %w", name, err)
		}
		l := loaded{name: name, raw: raw, prof: f.Profile, pa: f.Profile.Fields.Callback != ""}
		if f.Profile.EventHeader != "" {
			if group, err := p.group(f, raw); err != nil {
				return err
			} else if group != "" {
				l.event = signature.Header{Name: f.Profile.EventHeader, Value: group}
			}
		}
		p.fixtures = append(p.fixtures, l)
	}
	return nil
}

// group is the group of the schema fixture f is for: its own schema's, or
// the one its payload is detected as.
func (p *prober) group(f fixture.Fixture, raw []byte) (string, error) {
	reg := p.opts.Registry
	if reg == nil {
		var err error
		if reg, err = payload.Open(p.opts.Profiles); err != nil {
			return "", err
		}
		p.opts.Registry = reg
	}
	schema := f.Schema
	if schema == "" {
		res, err := reg.Check(raw, "")
		if err != nil {
			return "", nil // no schema: no event header to send
		}
		schema = res.Schema
	}
	_, group := reg.SchemaProfile(schema)
	return group, nil
}

// render makes a fresh delivery of f: fresh ids and time, and for a
// delivery that carries its own callback URL one on the stand-in, which is
// told to expect it.
func (p *prober) render(f *loaded, sets ...string) (fixture.Rendered, error) {
	r, err := fixture.Render(f.raw, fixture.RenderOptions{
		Now: p.now(), NewID: p.newID, CallbackBase: p.callbackBase, Sets: sets, Profile: f.prof,
	})
	if err == nil && f.pa {
		p.standin.Expect(r.ID)
	}
	return r, err
}

// sign signs body under the run's scheme with secrets at ts: one signature
// per secret where the scheme carries several, as send signs.
func (p *prober) sign(secrets []string, id string, ts time.Time, body []byte) ([]signature.Header, error) {
	if p.opts.Scheme == signature.None {
		return nil, nil
	}
	s, err := signature.NewSigner(p.opts.Scheme, secrets...)
	if err != nil {
		return nil, err
	}
	return s.Sign(id, ts, body)
}

// userSecrets are the secrets the user gave: Secrets, else Secret.
func (p *prober) userSecrets() []string {
	if len(p.opts.Secrets) > 0 {
		return p.opts.Secrets
	}
	return []string{p.opts.Secret}
}

// headers is the header of delivery id of f as send builds it
// (delivery.Builder): the signature, the profile's event and id headers,
// then the -H headers, which replace any of the others with the same name;
// keys keep the spelling the scheme documents.
func (p *prober) headers(f *loaded, id string, sig []signature.Header) http.Header {
	b := delivery.Builder{UserAgent: p.opts.UserAgent, Extra: p.opts.Header, Event: f.event, IDHeader: f.prof.IDHeader}
	return delivery.HeaderMap(b.Headers(sig, id))
}

// send posts one delivery under opts.Policy: once, unless --retries asks
// for more (the report shows the last attempt).
func (p *prober) send(ctx context.Context, f *loaded, id string, h http.Header, body []byte) sent {
	resp, err := delivery.Send(ctx, p.client, delivery.Request{Method: http.MethodPost, URL: p.opts.URL, Header: h, Body: body},
		p.opts.Policy, nil)
	s := sent{fixture: f.name, id: id, status: resp.Status, duration: resp.Duration, answeredAt: p.now(), err: err}
	if err == nil {
		s.excerpt = p.mask(firstLine(resp.Body))
	}
	if (s.status == http.StatusUnauthorized || s.status == http.StatusForbidden) && len(canonical(h).Values(signatureHeader(p.opts.Scheme))) > 0 {
		s.req, s.answerBody = &prepared{id: id, header: h, body: body}, resp.Body
	}
	return s
}

// mask hides the secret in text the receiver sent back (one that echoes
// the Authorization header, say): reports never show it.
func (p *prober) mask(text string) string {
	if p.opts.Scheme == signature.None {
		return text
	}
	for _, secret := range p.userSecrets() {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "****")
		}
	}
	return text
}

// signed sends f as a correct delivery goes.
func (p *prober) signed(ctx context.Context, f *loaded) (sent, error) {
	d, err := p.prepare(f, spec{})
	if err != nil {
		return sent{}, err
	}
	return p.send(ctx, f, d.id, d.header, d.body), nil
}

// sendValid sends every fixture correctly signed, in parallel. When none of
// them reached the receiver, the run stops there.
func (p *prober) sendValid(ctx context.Context) error {
	p.valid = make([]sent, len(p.fixtures))
	errs := make([]error, len(p.fixtures))
	p.parallel(len(p.fixtures), func(i int) {
		p.valid[i], errs[i] = p.signed(ctx, &p.fixtures[i])
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, s := range p.valid {
		if s.err == nil || !delivery.NotSent(s.err) && !delivery.HandshakeFailed(s.err) {
			return nil
		}
	}
	return &UnreachableError{Host: p.host, Err: p.valid[0].err}
}

// parallel runs fn(0..n-1) on up to opts.parallel goroutines and waits.
func (p *prober) parallel(n int, fn func(i int)) {
	sem := make(chan struct{}, p.opts.parallel)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

func (p *prober) record(check, note string, s ...sent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.others[check] = append(p.others[check], s...)
	if note != "" {
		p.notes[check] = note
	}
}

// randomSecret is a secret that is not the user's, in the form the scheme
// takes (a whsec_ key for standard, or a whsk_ one when the user's first
// secret is one: a receiver that checks only v1a must meet a v1a signature
// of another key, not a v1 it cannot check at all).
func (p *prober) randomSecret() string {
	if p.opts.Scheme == signature.Standard && signature.KindOf(p.userSecrets()[0]) == signature.SigningKey {
		if pair, err := signature.NewKeyPair(nil); err == nil {
			return pair.Signing
		}
	}
	for {
		var b [24]byte
		rand.Read(b[:])
		s := "probe-" + hex.EncodeToString(b[:])
		if p.opts.Scheme == signature.Standard {
			s = "whsec_" + base64.StdEncoding.EncodeToString(b[:])
		}
		if s != p.opts.Secret {
			return s
		}
	}
}

// excerptRunes caps the response excerpt in a detail: enough to recognise
// the receiver's message, short enough for a table row.
const excerptRunes = 120

// firstLine is the start of a response body's first line, safe to print.
func firstLine(b []byte) string {
	ex, cut := strings.CutSuffix(render.Excerpt(b, 1, 1024), "\n…")
	if r := []rune(ex); len(r) > excerptRunes {
		ex, cut = strings.TrimSuffix(string(r[:excerptRunes]), "…"), true
	}
	if cut && !strings.HasSuffix(ex, "…") {
		ex += "…"
	}
	return ex
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
