// Package listener is `webhook-tool listen`: the HTTP receiver and the run
// around it. For every request the receiver (Listener, an http.Handler)
// reads the body (bounded), verifies the signature, validates the payload,
// records it, prints it and answers, in the stages handler.go names. It
// also serves a stand-in for Permission Assist's per-delivery callback
// endpoint, and can forward each delivery to the user's own app or run a
// command for it (--exec).
//
// Run is a whole listen: the output queue, the record writer, the web
// inspector, the GC settings, and the shutdown in order; the command only
// turns its flags into a RunConfig (checked by the functions of check.go)
// and prints the banner and summary Run hands back.
//
// It takes its writers, diagnostics, clock, schema registry and record sink
// as parameters and imports no flag package, so tests drive it over
// loopback.
//
// The hot path holds no lock while it verifies, validates or marshals: the
// only shared steps are the duplicate-id set (a map under a short lock) and
// the record writer's group commit (see record.Writer). Below net/http, each
// connection (conn.go) reads ahead and keeps net/http's deadlines itself,
// which spares a typical delivery two of its three read(2) calls and the
// runtime timer changes of its nine deadlines.
package listener

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/respond"
	"github.com/webhook-tool/webhook-tool/internal/route"
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
	Body Body
	Out  io.Writer // deliveries (pretty output); JSON output goes through Records' mirror
	// Diag writes the diagnostics (nil: none); a command's stderr lines
	// (--exec) go to its Writer as they are.
	Diag    *render.Diag
	Palette *render.Palette
	Now     func() time.Time

	// ForwardTo, when set, receives each delivery; the sender gets its
	// answer. Targets are more places deliveries are passed on to
	// (--forward-to, repeatable), each with its filters, after ForwardTo;
	// a delivery goes to every one it matches at once, and the sender gets
	// the first one's answer (routes.go).
	ForwardTo     string
	Targets       []route.Target
	ForwardClient *http.Client
	// ForwardTimeout bounds passing a delivery on to all its targets
	// together (--forward-timeout); 0 leaves it to ForwardClient (30s for
	// NewForwardClient's).
	ForwardTimeout time.Duration

	// Rules answer deliveries by rule (listen --respond, rules.go); nil:
	// none, every delivery is answered as above.
	Rules *respond.Rules
	// Events is the --events filter: a delivery outside it is answered
	// and recorded, but not printed, forwarded or run through Exec. The
	// zero value lets every delivery through.
	Events route.Events
	// Observe, when set, is given every record written, with the
	// delivery's event name, before the request is answered: listen
	// --expect's evaluator. It must not keep rec.
	Observe func(rec *record.Record, event string)

	TLS *tls.Config // serve HTTPS
	// ShutdownTimeout is how long a shutdown waits for the requests in
	// flight before it closes their connections (0:
	// DefaultShutdownTimeout).
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

	// Timeouts cut off a client that is slow or sits idle; a field left
	// zero takes defaultTimeouts'.
	Timeouts Timeouts
}

// Timeouts are how long a client may take (see http.Server's fields of
// the same names). Each connection has its own goroutine, so until a
// timeout a slow client delays nobody else.
type Timeouts struct {
	ReadHeader time.Duration // from a request's first byte to its last header
	Read       time.Duration // to its last body byte
	Write      time.Duration // from its last header to the answer's last byte (covers a slow --forward-to app)
	Idle       time.Duration // between keep-alive requests
}

// defaultTimeouts are listen's (help limits and help receiving give them;
// a test holds the texts to these values through DefaultTimeouts).
var defaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 60 * time.Second, Write: 90 * time.Second, Idle: 120 * time.Second}

// DefaultTimeouts returns the timeouts a Config left zero takes.
func DefaultTimeouts() Timeouts { return defaultTimeouts }

// orDefaults is t with its zero fields defaultTimeouts'.
func (t Timeouts) orDefaults() Timeouts {
	or := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	or(&t.ReadHeader, defaultTimeouts.ReadHeader)
	or(&t.Read, defaultTimeouts.Read)
	or(&t.Write, defaultTimeouts.Write)
	or(&t.Idle, defaultTimeouts.Idle)
	return t
}

// shortest is the shortest of t's timeouts.
func (t Timeouts) shortest() time.Duration {
	return min(t.ReadHeader, t.Read, t.Write, t.Idle)
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
	// Filtered counts the deliveries outside --events: recorded and
	// answered, not printed, forwarded or run.
	Filtered int64
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
	refusedConns, overloaded, filtered                                                            atomic.Int64
}

// Listener handles deliveries. It is an http.Handler.
type Listener struct {
	cfg      Config
	prefix   string
	verifier *signature.Verifier // the secrets, read once for the run
	seen     *idSet
	// seenUnsigned is seen for the deliveries that came unsigned to a
	// listener that checks signatures (trackID).
	seenUnsigned *idSet
	callbacks    *idSet
	out          *outBatcher // pretty output
	n            counters

	// busy counts open connections and running handlers; Serve returns
	// only once it is back to zero, so the caller may close Records.
	busy busyCount
	// cutting is set when the drain limit is reached and the remaining
	// connections are closed under the handlers still reading them.
	cutting atomic.Bool

	// masker hides the configured secrets' text wherever the record shows
	// what the client sent (path, query, header values).
	masker       redact.Masker
	redactHeader func(name, value string) string

	doctor     chan struct{} // slots for signature diagnoses (see diagnose)
	doctorRate *tokenBucket  // and how many may start a second

	// forwards are where deliveries are passed on (forward.go, routes.go):
	// ForwardTo, then Targets. routed says one of them has filters;
	// ruleTargets are the URLs response rules forward to, by URL.
	forwards    []forwardTarget
	routed      bool
	ruleTargets map[string]forwardTarget

	exec   *hookexec.Runner // nil without Config.Exec
	notRun notRunSeqs

	// programmed says the program stage runs (rules.go): there are
	// response rules or an --events filter.
	programmed bool
	ruleRefs   []record.RuleRef // the record's "rule" of each rule, by number - 1
	// stopping is closed when Serve begins to shut down: a hanging answer
	// lets go then, and a delay ends early.
	stopping     chan struct{}
	stoppingOnce sync.Once

	// The limits on what clients hold at once (limits.go).
	bodies bodyBudget
	conns  *connLimiter // set by Serve
	log    *rateLog     // repeated complaints, on Diag
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
	if cfg.Palette == nil {
		cfg.Palette = render.NewPalette(false)
	}
	if cfg.Output == "" {
		cfg.Output = Quiet
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	cfg.Timeouts = cfg.Timeouts.orDefaults()
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = connBudget()
	}
	if cfg.MaxBodyInFlight <= 0 {
		cfg.MaxBodyInFlight = DefaultMaxBodyInFlight
	}
	// Room for two bodies of the largest size at least, so a --max-body
	// above the budget still takes its bodies (one at a time).
	cfg.MaxBodyInFlight = max(cfg.MaxBodyInFlight, 2*(cfg.MaxBody+1))
	if cfg.ForwardClient == nil && cfg.forwards() {
		cfg.ForwardClient = NewForwardClient()
		if cfg.ForwardTimeout > 0 {
			cfg.ForwardClient.Timeout = 0 // the forward's own limit says it
		}
	}
	secrets := make([]string, 0, len(cfg.Secrets))
	for _, s := range cfg.Secrets {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	cfg.Secrets = secrets
	l := &Listener{
		cfg:          cfg,
		prefix:       NormalizePrefix(cfg.PathPrefix),
		verifier:     signature.NewVerifier(signature.VerifyOptions{Scheme: cfg.Scheme, Secrets: secrets, Tolerance: cfg.Tolerance}),
		seen:         newIDSet(seenIDs),
		seenUnsigned: newIDSet(unsignedIDs),
		callbacks:    newIDSet(usedCallbacks),
		out:          newOutBatcher(cfg.Out),
		masker:       redact.NewMasker(secrets),
		doctor:       make(chan struct{}, doctorSlots),
		doctorRate:   newTokenBucket(doctorPerSecond, time.Now),
		log:          newRateLog(cfg.Diag, time.Now),
	}
	l.bodies.max = cfg.MaxBodyInFlight
	l.programmed = cfg.Rules.Len() > 0 || cfg.Events.Active()
	l.stopping = make(chan struct{})
	if cfg.Rules != nil {
		for _, r := range cfg.Rules.List() {
			l.ruleRefs = append(l.ruleRefs, record.RuleRef{Name: r.Name, Number: r.Number})
		}
	}
	l.setTargets()
	l.redactHeader = redact.Header
	if l.masker.Active() {
		l.redactHeader = l.masker.Header
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
		Filtered:        l.n.filtered.Load(),
		CutOff:          l.n.cutOff.Load(),
		RefusedConns:    l.n.refusedConns.Load(),
		Overloaded:      l.n.overloaded.Load(),
	}
}
