// Package listener is the HTTP receiver behind `webhook-tool listen`: for
// every request it reads the body (bounded), verifies the signature,
// validates the payload, records it, prints it and answers. It also serves a
// stand-in for Permission Assist's per-delivery callback endpoint and can
// forward each delivery to the user's own app.
//
// It takes its writers, clock, schema registry and record sink as
// parameters and knows nothing of flags, so tests drive it over loopback.
//
// The hot path holds no lock while it verifies, validates or marshals: the
// only shared steps are the duplicate-id set (a map under a short lock) and
// the record writer's group commit (see record.Writer).
package listener

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Output is how deliveries are shown on Config.Out.
type Output string

// The output formats.
const (
	Pretty Output = "pretty" // a summary line, the indented body, the errors
	JSON   Output = "json"   // the record line, exactly as --record writes it
	Quiet  Output = "quiet"  // nothing
)

// Defaults for the Config fields left zero.
const (
	DefaultMaxBody         = 1 << 20
	DefaultStatus          = http.StatusOK
	DefaultShutdownTimeout = 30 * time.Second
)

// Config is everything a Listener needs.
type Config struct {
	// PathPrefix is where deliveries are accepted ("/" for everywhere);
	// other paths get 404 (and are recorded).
	PathPrefix string
	Scheme     signature.Scheme // auto detects per request
	Secrets    []string         // none: signatures are reported, not checked
	// ReportOnly verifies signatures against Secrets and records the
	// verdict, but answers a bad signature as it would a good one, and
	// takes an unsigned request as unsigned: the development secret, which
	// the user never configured, must not turn `curl -d @payload.json`
	// away.
	ReportOnly bool
	Tolerance  time.Duration // 0: signature.DefaultTolerance
	MaxBody    int64         // 0: DefaultMaxBody
	Status     int           // 0: DefaultStatus

	// OtherSecrets are secrets configured for something else, which the
	// signature doctor tries when no secret matches (never to accept).
	OtherSecrets []signature.NamedSecret

	Registry *payload.Registry
	Schema   string // "" detects per payload

	// Records receives every request that reached the handler, before its
	// response is written. Its Mirror shows JSON output.
	Records *record.Writer

	Output Output
	// Body is how much of each body pretty output shows ("": BodyFull).
	Body    Body
	Out     io.Writer // deliveries (pretty output); JSON output goes through Records' mirror
	Err     io.Writer // diagnostics
	Palette *render.Palette
	Now     func() time.Time

	// ForwardTo, when set, receives each delivery; the sender gets its answer.
	ForwardTo     string
	ForwardClient *http.Client

	TLS             *tls.Config // serve HTTPS
	ShutdownTimeout time.Duration

	// Exec, when set, runs a command for each accepted delivery (exec.go).
	Exec *ExecConfig
	// Quit, when done, cuts the shutdown short (listen's second Ctrl-C):
	// the connections still open are closed and the --exec commands still
	// running are killed with their process groups, at once rather than at
	// ShutdownTimeout. nil: never.
	Quit context.Context

	// MaxConns is the most connections served at once (0: DefaultMaxConns,
	// lowered to fit the descriptor limit); MaxBodyInFlight the most body
	// bytes held by the requests being read (0: DefaultMaxBodyInFlight).
	MaxConns        int
	MaxBodyInFlight int64
}

// Stats counts what the listener saw, for the summary at shutdown.
type Stats struct {
	Deliveries      int64 // requests that were not callbacks
	BadSignatures   int64
	InvalidPayloads int64
	Duplicates      int64
	Callbacks       int64
	ReusedCallbacks int64 // of Callbacks, those to a URL already used (answered 409)
	Rejected        int64 // 404, 405, 413, unreadable bodies
	RecordFailures  int64
	Forwarded       int64
	ForwardFailures int64
	// CutOff counts requests still in the handler when the drain limit
	// (ShutdownTimeout) was reached: their connections were closed, and
	// they are recorded (503, with the reason) like any other.
	CutOff int64
	// Exec counts the runs of Config.Exec's command; nil without one.
	Exec *hookexec.Stats

	// RefusedConns are connections closed with 503 at once because
	// MaxConns were open and none was idle; Overloaded are requests
	// answered 503 because MaxBodyInFlight bytes were held (recorded, and
	// counted in Rejected too).
	RefusedConns int64
	Overloaded   int64
}

type counters struct {
	deliveries, badSig, invalid, dups, callbacks, reused, rejected, recFail, fwd, fwdFail, cutOff atomic.Int64
	refusedConns, overloaded                                                                      atomic.Int64
}

// Listener handles deliveries. It is an http.Handler.
type Listener struct {
	cfg       Config
	prefix    string
	verify    signature.VerifyOptions
	seen      *idSet
	callbacks *idSet
	out       *outBatcher // pretty output
	n         counters

	// busy counts open connections and running handlers; Serve returns
	// only once it is back to zero, so the caller may close Records.
	busy busyCount
	// cutting is set when the drain limit is reached and the remaining
	// connections are closed under the handlers still reading them.
	cutting atomic.Bool

	// masker hides the configured secrets' text wherever the record shows
	// what the client sent (path, query, header values).
	masker       secretMasker
	redactHeader func(name, value string) string

	doctor chan struct{} // slots for signature diagnoses (see diagnose)

	// fwdBase is ForwardTo parsed, without its fragment; nil when it does
	// not parse, and the forward then fails on it.
	fwdBase *url.URL

	exec   *hookexec.Runner // nil without Config.Exec
	notRun notRunSeqs

	// The limits on what clients hold at once (limits.go).
	bodies bodyBudget
	conns  *connLimiter // set by Serve
	log    *rateLog     // repeated complaints on Err
}

// New checks cfg and returns a Listener.
func New(cfg Config) (*Listener, error) {
	if cfg.Registry == nil {
		return nil, errors.New("listener: no schema registry")
	}
	if cfg.Records == nil {
		return nil, errors.New("listener: no record writer")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Status == 0 {
		cfg.Status = DefaultStatus
	}
	if cfg.Status < 200 || cfg.Status > 599 {
		// A 1xx is an interim answer: net/http would send it, then a 200.
		return nil, fmt.Errorf("listener: status %d is not a final HTTP status (200 to 599)", cfg.Status)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Err == nil {
		cfg.Err = io.Discard
	}
	if cfg.Palette == nil {
		cfg.Palette = render.NewPalette(false)
	}
	if cfg.Output == "" {
		cfg.Output = Quiet
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = connBudget()
	}
	if cfg.MaxBodyInFlight <= 0 {
		cfg.MaxBodyInFlight = DefaultMaxBodyInFlight
	}
	// Room for two bodies of the largest size at least, so a --max-body
	// above the budget still takes its bodies (one at a time).
	cfg.MaxBodyInFlight = max(cfg.MaxBodyInFlight, 2*(cfg.MaxBody+1))
	if cfg.ForwardTo != "" && cfg.ForwardClient == nil {
		cfg.ForwardClient = NewForwardClient()
	}
	secrets := make([]string, 0, len(cfg.Secrets))
	for _, s := range cfg.Secrets {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	cfg.Secrets = secrets
	l := &Listener{
		cfg:       cfg,
		prefix:    NormalizePrefix(cfg.PathPrefix),
		verify:    signature.VerifyOptions{Scheme: cfg.Scheme, Secrets: secrets, Tolerance: cfg.Tolerance},
		seen:      newIDSet(seenIDs),
		callbacks: newIDSet(usedCallbacks),
		out:       &outBatcher{w: cfg.Out},
		masker:    newSecretMasker(secrets),
		doctor:    make(chan struct{}, doctorSlots),
		log:       newRateLog(cfg.Err, time.Now),
	}
	l.bodies.max = cfg.MaxBodyInFlight
	if cfg.ForwardTo != "" {
		l.fwdBase, _ = forwardurl.Parse(cfg.ForwardTo)
	}
	l.redactHeader = signature.Redact
	if l.masker.active() {
		l.redactHeader = func(name, value string) string {
			return l.masker.mask(signature.Redact(name, value))
		}
	}
	if cfg.Exec != nil {
		if err := l.newExec(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// NormalizePrefix turns a --path value into "/prefix/" form.
func NormalizePrefix(p string) string {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// Prefix is the normalised --path.
func (l *Listener) Prefix() string { return l.prefix }

// Stats returns the counts so far.
func (l *Listener) Stats() Stats {
	var ex *hookexec.Stats
	if l.exec != nil {
		st := l.exec.Stats()
		ex = &st
	}
	return Stats{
		Exec:            ex,
		Deliveries:      l.n.deliveries.Load(),
		BadSignatures:   l.n.badSig.Load(),
		InvalidPayloads: l.n.invalid.Load(),
		Duplicates:      l.n.dups.Load(),
		Callbacks:       l.n.callbacks.Load(),
		ReusedCallbacks: l.n.reused.Load(),
		Rejected:        l.n.rejected.Load(),
		RecordFailures:  l.n.recFail.Load(),
		Forwarded:       l.n.fwd.Load(),
		ForwardFailures: l.n.fwdFail.Load(),
		CutOff:          l.n.cutOff.Load(),
		RefusedConns:    l.n.refusedConns.Load(),
		Overloaded:      l.n.overloaded.Load(),
	}
}

// Serve answers on ln until ctx is cancelled, then stops accepting and waits
// for the deliveries in flight. After ShutdownTimeout it closes the
// connections still open, which ends the handlers reading them, and returns
// context.DeadlineExceeded. Either way it returns only after every handler
// has finished, its request recorded: the caller may close Records then.
//
// With Config.Exec, ctx being done also stops taking commands (a delivery
// that would run one is answered 503); the commands already taken run
// within the same ShutdownTimeout, and those still running then are killed.
// Every run is recorded before Serve returns. Config.Quit being done ends
// that wait at once, and Serve returns context.Canceled.
func (l *Listener) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler: l,
		// A client that trickles its headers or body, or sits idle, is cut
		// off; each connection has its own goroutine, so until then it
		// delays nobody else.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second, // covers a slow --forward-to app
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          log.New(prefixWriter{l.log}, "", 0),
		TLSConfig:         l.cfg.TLS,
		// Counting connections as well as handlers covers a request that
		// was read just as the server closed, whose handler has yet to
		// start: its connection is counted until its goroutine ends.
		ConnState: l.connState,
	}
	l.conns = newConnLimiter(ln, l.cfg.MaxConns, l.log, func() { l.n.refusedConns.Add(1) })
	ln = l.conns
	if l.cfg.TLS != nil {
		ln = tls.NewListener(ln, l.cfg.TLS)
	}
	defer l.log.flush()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	var drain context.Context // the --exec commands share the drain limit
	select {
	case err = <-errc:
		srv.Close()
	case <-ctx.Done():
		l.stopExec()
		sctx, cancel := context.WithTimeout(l.quit(), l.cfg.ShutdownTimeout)
		defer cancel()
		err = srv.Shutdown(sctx)
		if err != nil {
			l.cutting.Store(true)
			srv.Close()
		}
		<-errc
		drain = sctx
	}
	// srv.Serve has returned, so every accepted connection has been
	// counted; wait for them and their handlers to finish.
	l.busy.wait()
	if drain == nil {
		var cancel context.CancelFunc
		drain, cancel = context.WithTimeout(l.quit(), l.cfg.ShutdownTimeout)
		defer cancel()
	}
	l.waitExec(drain)
	return err
}

// quit is Config.Quit, or a context never done.
func (l *Listener) quit() context.Context {
	if l.cfg.Quit != nil {
		return l.cfg.Quit
	}
	return context.Background()
}

// connState counts a connection from its first state to its last.
func (l *Listener) connState(c net.Conn, s http.ConnState) {
	if l.conns != nil {
		l.conns.state(c, s)
	}
	switch s {
	case http.StateNew:
		l.busy.add(1)
	case http.StateClosed, http.StateHijacked:
		l.busy.add(-1)
	}
}

// busyCount is a count that can be waited on until it is zero. add costs one
// atomic operation (and a load) while nobody waits.
type busyCount struct {
	n       atomic.Int64
	waiting atomic.Bool
	zero    chan struct{}
	once    sync.Once
}

func (b *busyCount) init() { b.once.Do(func() { b.zero = make(chan struct{}, 1) }) }

func (b *busyCount) add(d int64) {
	if b.n.Add(d) == 0 && b.waiting.Load() {
		b.init()
		select {
		case b.zero <- struct{}{}:
		default: // a wake-up is already due
		}
	}
}

// wait returns once the count is zero. There is one waiter at a time.
func (b *busyCount) wait() {
	b.init()
	b.waiting.Store(true)
	defer b.waiting.Store(false)
	for b.n.Load() != 0 {
		<-b.zero
	}
}

// prefixWriter gives net/http's own complaints (TLS handshake errors from a
// client speaking plain HTTP, say) the tool's prefix, escaped (they quote
// what clients sent) and rate-limited (a client can make one per
// connection).
type prefixWriter struct{ log *rateLog }

func (p prefixWriter) Write(b []byte) (int, error) {
	p.log.printf("http", "webhook-tool: %s", render.Escape(string(bytes.TrimRight(b, "\n"))))
	return len(b), nil
}

// linePool recycles record-line buffers: at thousands of deliveries a
// second, a fresh 7 KB line each is garbage the collector must chase.
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// prettyPool recycles the buffers deliveries are rendered into for pretty
// output.
var prettyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// ServeHTTP handles one request: every request that reaches it is recorded
// before it is answered.
//
// The configured secrets' text is masked in the record's path, query and
// header values here, where the record is built, so every output shows the
// masked form (and in callback_for and forward, where they are filled).
func (l *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.busy.add(1)
	defer l.busy.add(-1)
	d := &inflight{
		rec: record.Record{
			ReceivedAt: l.cfg.Now(),
			Method:     r.Method,
			Path:       l.masker.maskPath(r.URL.Path),
			Query:      l.masker.maskQuery(r.URL.RawQuery),
			Headers:    record.FlattenHeaders(r.Header, l.redactHeader),
		},
	}
	if id, ok := l.callbackID(r.URL.Path); ok {
		l.callback(w, r, d, id)
		return
	}
	l.n.deliveries.Add(1)
	switch {
	case !l.underPrefix(r.URL.Path):
		l.reject(w, d, http.StatusNotFound, fmt.Sprintf("no deliveries are taken at %s: listen --path is %s", d.rec.Path, l.prefix))
		return
	case r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch:
		w.Header().Set("Allow", "POST, PUT, PATCH")
		l.reject(w, d, http.StatusMethodNotAllowed, fmt.Sprintf("method %s: webhook deliveries are POSTed", r.Method))
		return
	}
	bp, status, err := l.readBody(w, r)
	if err != nil {
		l.reject(w, d, status, err.Error())
		return
	}
	defer l.bodies.give(charge(cap(*bp))) // held until answered
	if l.cfg.ForwardTo == "" {
		// After the answer: the record line and pretty output read it. A
		// forwarded body is left to the collector, as net/http may still be
		// sending it to the app when the app's answer is already back.
		defer putBody(bp)
	}
	d.body = *bp
	d.rec.SetBodyRef(d.body)

	l.check(r, d)

	status = l.cfg.Status
	var respBody []byte
	var respType string
	job, refused := l.admit(d) // --exec
	if !d.rec.Signature.Valid && d.rec.Signature.Kind != record.Unchecked && !l.cfg.ReportOnly {
		status = http.StatusUnauthorized
		respBody = rejectionText(d.rec.Signature)
	} else if refused != nil {
		status, respBody = l.refuseExec(w, d, refused)
	} else if l.cfg.ForwardTo != "" {
		status, respBody, respType = l.forward(r, d)
	}
	d.rec.Status = status
	recorded := l.write(d)
	if !recorded {
		status = http.StatusInternalServerError
		respBody, respType = []byte("webhook-tool listen could not record this delivery; see its stderr\n"), ""
	}
	if d.reserved && !(recorded && status/100 == 2) {
		// Only a delivery accepted and recorded keeps its id: the
		// sender's retry after a 401, 5xx or failed record is not a
		// duplicate.
		l.seen.remove(d.idKey)
	}
	l.submit(job, refused, d, recorded)
	l.respond(w, status, respType, respBody)
}

func (l *Listener) underPrefix(p string) bool {
	return l.prefix == "/" || strings.HasPrefix(p, l.prefix) || p == l.prefix[:len(l.prefix)-1]
}

// callbackID reports whether p is a callback URL, {prefix}webhooks/callback/{id}
// or, since `send` builds callbacks from the origin alone,
// /webhooks/callback/{id}.
func (l *Listener) callbackID(p string) (string, bool) {
	for _, base := range [2]string{l.prefix, "/"} {
		if id, ok := callback.IDFromPath(p, base); ok {
			return id, true
		}
	}
	return "", false
}

// bodyPool recycles request-body buffers: the body is read once into a
// pooled buffer, verified, validated and escaped into the record line from
// there, and the buffer goes back when the answer is written.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// maxPooledBody is the largest buffer kept for reuse; a rare huge body is
// left to the collector rather than pinned in the pool.
const maxPooledBody = 256 << 10

// putBody returns a buffer from readBody to the pool.
func putBody(bp *[]byte) {
	if bp != nil && cap(*bp) <= maxPooledBody {
		*bp = (*bp)[:0]
		bodyPool.Put(bp)
	}
}

// readBody reads at most MaxBody bytes into a pooled buffer. Once the
// request is answered the caller gives its bytes back to the budget
// (bodies.give(charge(cap))), then the buffer with putBody once nothing
// refers to the body. The buffer grows as bytes arrive, each growth
// taken from the bytes-in-flight budget: a client that announces a large
// body and stalls holds only what it sent, and beyond the budget the
// request is refused (503, Retry-After). The status goes with the error.
func (l *Listener) readBody(w http.ResponseWriter, r *http.Request) (*[]byte, int, error) {
	limit := l.cfg.MaxBody
	if r.ContentLength > limit {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body of %d bytes is larger than --max-body (%d bytes)", r.ContentLength, limit)
	}
	rd := r.Body
	if r.ContentLength < 0 {
		// Chunked: only MaxBytesReader knows where to stop. With a
		// Content-Length, net/http already stops the body there.
		rd = http.MaxBytesReader(w, r.Body, limit)
	}
	bp := bodyPool.Get().(*[]byte)
	b := (*bp)[:0]
	if !l.bodies.take(charge(cap(b))) {
		bodyPool.Put(bp)
		return l.overloaded(w)
	}
	fail := func(status int, err error) (*[]byte, int, error) {
		*bp = b
		l.giveBody(bp)
		putBody(bp)
		return nil, status, err
	}
	for {
		if len(b) == cap(b) {
			// Double, to no more than the announced length (+1 so the
			// read that sees EOF needs no growth) or --max-body + 1.
			want := min(max(2*cap(b), 4<<10), int(limit)+1)
			if r.ContentLength >= 0 {
				want = min(want, int(r.ContentLength)+1)
			}
			want = max(want, len(b)+1)
			if !l.bodies.take(charge(want) - charge(cap(b))) {
				fail(0, nil)
				return l.overloaded(w)
			}
			nb := make([]byte, len(b), want)
			copy(nb, b)
			b = nb
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return fail(http.StatusRequestEntityTooLarge, fmt.Errorf("body is larger than --max-body (%d bytes)", limit))
			}
			if l.cutting.Load() {
				// The drain limit was reached and Serve closed this
				// connection: the request is recorded like any other,
				// as refused for the shutdown.
				l.n.cutOff.Add(1)
				return fail(http.StatusServiceUnavailable, fmt.Errorf("listen shut down before the whole body arrived (%d bytes read): the connection was closed after waiting %s for it", len(b), l.cfg.ShutdownTimeout))
			}
			return fail(http.StatusBadRequest, fmt.Errorf("could not read the whole body (%d bytes read): %v", len(b), err))
		}
	}
	*bp = b
	return bp, 0, nil
}

// giveBody returns a body buffer's bytes to the in-flight budget.
func (l *Listener) giveBody(bp *[]byte) {
	if bp != nil {
		l.bodies.give(charge(cap(*bp)))
	}
}

// overloaded is the answer to a request beyond the bytes-in-flight budget.
func (l *Listener) overloaded(w http.ResponseWriter) (*[]byte, int, error) {
	l.n.overloaded.Add(1)
	w.Header().Set("Retry-After", bodyRetryAfter)
	return nil, http.StatusServiceUnavailable, errBodyBudget
}

// inflight is one request on its way through the handler.
type inflight struct {
	rec       record.Record
	body      []byte
	isJSON    bool
	eventName string
	fields    payload.Fields // for --exec
	idKey     idDigest       // the delivery id's digest, when tracked
	tracked   bool
	reserved  bool // idKey was added to seen for this delivery
}

// check verifies the signature and validates the payload, filling the
// record's verdicts, delivery id and duplicate flag.
func (l *Listener) check(r *http.Request, d *inflight) {
	rec := &d.rec
	sch := l.cfg.Scheme
	if sch == "" || sch == signature.Auto {
		sch = signature.Detect(r.Header)
	}
	switch {
	case len(l.cfg.Secrets) == 0 && sch != signature.None:
		// Nothing to check with: say what was there, and let it through.
		rec.Signature = &record.Signature{Scheme: string(sch), Reason: "not checked: listen has no --secret", Kind: record.Unchecked}
	case l.cfg.ReportOnly && sch == signature.None:
		// Unsigned, and no secret was asked for: as without one.
		rec.Signature = &record.Signature{Scheme: string(signature.None), Valid: true}
	default:
		opts := l.verify
		opts.Now = rec.ReceivedAt
		v := signature.Verify(opts, r.Header, d.body)
		rec.Signature = &record.Signature{Scheme: string(v.Scheme), Valid: v.Valid, Reason: l.masker.mask(v.Reason)}
		if !v.Valid {
			rec.Signature.Kind = v.Kind.String()
			rec.Signature.Diagnosis = l.diagnose(opts, r.Header, d.body, v)
			l.n.badSig.Add(1)
		}
	}

	if !rec.Signature.Valid && rec.Signature.Kind != record.Unchecked && !l.cfg.ReportOnly {
		// It is answered 401 whatever it holds, and validating a body
		// nobody vouches for is work anyone can ask of the listener at
		// will (one built to fail costs seconds and hundreds of MB).
		// Report-only (the development secret) validates it, as it does
		// an unsigned one: it is answered as one.
		rec.Schema = record.NotChecked("not validated: the signature did not verify")
		f, ok := payload.Peek(d.body)
		d.isJSON = ok || json.Valid(d.body)
		l.trackID(r, d, f.ID)
		return
	}
	res, err := l.cfg.Registry.Check(d.body, l.cfg.Schema)
	switch {
	case err != nil:
		// No schema matched (or a schema failed to compile): the body is
		// JSON, but there is nothing to validate it against.
		d.isJSON = true
		rec.Schema = &record.Schema{Name: res.Schema, Errors: []payload.Error{{Message: err.Error()}}}
	default:
		d.isJSON = !res.SyntaxError()
		errs := res.Errors
		if errs == nil {
			errs = []payload.Error{}
		}
		rec.Schema = &record.Schema{Name: res.Schema, Valid: res.Valid, Errors: errs, Omitted: res.Omitted}
	}
	if !rec.Schema.Valid {
		l.n.invalid.Add(1)
	}

	l.trackID(r, d, res.Fields.ID)
	rec.UserInviteID = res.Fields.UserInviteID
	d.eventName = res.Fields.EventName
	d.fields = res.Fields
}

// trackID fills the delivery id (the webhook-id header, else the body's
// top-level "id", bodyID) and flags a duplicate of an accepted delivery.
// A delivery whose signature holds reserves its id, so two at once with
// one id are one delivery and a duplicate (--exec runs one command);
// ServeHTTP releases the reservation unless the delivery is answered 2xx
// and recorded. A delivery whose signature failed only looks.
func (l *Listener) trackID(r *http.Request, d *inflight, bodyID string) {
	id := signature.MessageID(r.Header)
	if id == "" {
		id = bodyID
	}
	d.rec.DeliveryID = id
	d.idKey, d.tracked = digestID(id)
	if !d.tracked {
		return
	}
	sig := d.rec.Signature
	var dup bool
	if !sig.Valid && sig.Kind != record.Unchecked {
		dup = l.seen.has(d.idKey)
	} else {
		dup = l.seen.add(d.idKey)
		d.reserved = !dup
	}
	if dup {
		d.rec.Duplicate = true
		l.n.dups.Add(1)
	}
}

// callback handles the Permission Assist callback stand-in.
func (l *Listener) callback(w http.ResponseWriter, r *http.Request, d *inflight, id string) {
	d.rec.Kind = record.KindCallback
	// id is a path segment: it is recorded masked, like the path.
	d.rec.CallbackFor = l.masker.mask(id)
	l.n.callbacks.Add(1)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		l.reject(w, d, http.StatusMethodNotAllowed, fmt.Sprintf("method %s: callbacks are POSTed", r.Method))
		return
	}
	bp, status, err := l.readBody(w, r)
	if err != nil {
		l.reject(w, d, status, err.Error())
		return
	}
	defer putBody(bp)
	defer l.bodies.give(charge(cap(*bp))) // before putBody hands bp on
	d.body = *bp
	d.rec.SetBodyRef(d.body)
	status, msg := http.StatusOK, []byte("ok\n")
	key, tracked := digestID(id)
	if !tracked {
		l.reject(w, d, http.StatusBadRequest, fmt.Sprintf("callback id of %d bytes is longer than the %d a delivery id can be", len(id), maxTrackedID))
		return
	}
	// Reserved now, so two callbacks racing for one URL cannot both get
	// 200; released again if the record cannot be written, so the
	// sender's retry is taken then.
	reserved := !l.callbacks.add(key)
	if !reserved {
		l.n.reused.Add(1)
		status = http.StatusConflict
		d.rec.Error = "the callback URL for delivery " + d.rec.CallbackFor + " was already used; a callback URL must not be reused"
		msg = []byte(d.rec.Error + "\n")
	}
	d.rec.Status = status
	if !l.write(d) {
		if reserved {
			l.callbacks.remove(key)
		}
		status, msg = http.StatusInternalServerError, []byte("webhook-tool listen could not record this callback; see its stderr\n")
	}
	l.respond(w, status, "", msg)
}

// reject records and answers a request refused before it could be checked.
func (l *Listener) reject(w http.ResponseWriter, d *inflight, status int, reason string) {
	l.n.rejected.Add(1)
	d.rec.Status = status
	d.rec.Error = reason
	if !l.write(d) {
		status = http.StatusInternalServerError
	}
	l.respond(w, status, "", []byte(reason+"\n"))
}

// write records d and shows it. It reports whether the record was written;
// when it was not, it has said so loudly on stderr.
func (l *Listener) write(d *inflight) bool {
	bp := linePool.Get().(*[]byte)
	line, err := record.Marshal((*bp)[:0], &d.rec)
	if err == nil {
		d.rec.Seq, err = l.cfg.Records.Append(line)
	}
	if cap(line) <= 256<<10 { // Append is done with it; keep only modest buffers
		*bp = line[:0]
		linePool.Put(bp)
	}
	if err != nil {
		l.n.recFail.Add(1)
		what := "delivery"
		if d.rec.Kind == record.KindCallback {
			what = "callback"
		}
		l.log.printf("record", "webhook-tool: error: %s %s %s NOT RECORDED, answered 500: %s", what, render.Escape(d.rec.Method), render.Escape(d.rec.Path), render.Escape(err.Error()))
		return false
	}
	if l.cfg.Output == Pretty {
		b := prettyPool.Get().(*bytes.Buffer)
		b.Reset()
		l.pretty(b, d)
		l.out.write(b.Bytes())
		if b.Cap() <= 256<<10 {
			prettyPool.Put(b)
		}
	}
	return true
}

func (l *Listener) respond(w http.ResponseWriter, status int, contentType string, body []byte) {
	if contentType == "" && len(body) > 0 {
		contentType = "text/plain; charset=utf-8"
	}
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}
