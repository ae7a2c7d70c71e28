// Package probe grades a webhook receiver the way the vendors' deliveries
// will test it: it sends the receiver a battery of deliveries (correctly
// signed ones, unsigned, tampered, wrongly keyed, stale and future ones, a
// duplicate, one with unknown fields, one that is not JSON, the signature
// headers of a key rotation and Svix's header names), serves a
// stand-in for the callback endpoint of the deliveries that carry their
// own callback URL to see the callbacks the receiver posts, and grades each check pass, fail, warn or skip.
//
// Deliveries are rendered by package fixture, signed by package signature
// and sent by package delivery, exactly as `send` does. The package takes
// its client, clock and writers as parameters and knows nothing of flags.
package probe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// The check ids. They are a contract: JSON and JUnit output name checks by
// them, and CI configurations match on them.
const (
	CheckValid         = "valid"
	CheckAckTime       = "ack-time"
	CheckUnsigned      = "unsigned"
	CheckTampered      = "tampered"
	CheckWrongSecret   = "wrong-secret"
	CheckStale         = "stale"
	CheckFuture        = "future"
	CheckDuplicate     = "duplicate"
	CheckUnknownFields = "unknown-fields"
	CheckMalformedJSON = "malformed-json"
	CheckCallback      = "callback"
	CheckCallbackOnce  = "callback-once"
	// Key rotation and header aliases (rotation.go).
	CheckRotationOrder   = "rotation-order"
	CheckRotationSecrets = "rotation-secrets"
	CheckSvixHeaders     = "svix-headers"
)

// CheckIDs lists every check in the order reports show them. Checks added
// later come last, so a report's first lines keep their places.
func CheckIDs() []string {
	return []string{
		CheckValid, CheckAckTime, CheckUnsigned, CheckTampered, CheckWrongSecret, CheckStale, CheckFuture,
		CheckDuplicate, CheckUnknownFields, CheckMalformedJSON, CheckCallback, CheckCallbackOnce,
		CheckRotationOrder, CheckRotationSecrets, CheckSvixHeaders,
	}
}

// Result is a check's grade.
type Result string

// The grades. Only Fail makes a run fail; Warn is behaviour a sender
// tolerates but a person should look at.
const (
	Pass Result = "pass"
	Fail Result = "fail"
	Warn Result = "warn"
	Skip Result = "skip"
)

// Defaults for the zero values of Options.
const (
	DefaultAckWithin      = 10 * time.Second
	DefaultCallbackWithin = 10 * time.Second
	DefaultTimeout        = 10 * time.Second
	DefaultCallbackAddr   = "127.0.0.1:0"
	defaultParallel       = 8
	// defaultSettle is how long probe keeps listening, once every expected
	// callback is in, for a second callback to the duplicated delivery: a
	// receiver that processes the duplicate again posts it moments later.
	defaultSettle = time.Second
)

// Options says what to probe and how.
type Options struct {
	URL      string   // the receiver
	Fixtures []string // fixture names, in the order to report them
	// Profiles are the profiles whose fixtures Fixtures names (nil: the
	// bundled ones). A fixture's profile says which fields are fresh in
	// each delivery, and its event and id headers are sent: the event
	// header set to the group of the schema the fixture is for, the id
	// header to the delivery's id.
	Profiles []*profile.Profile
	// Registry detects a fixture's schema, for its event header; nil: one
	// of Profiles.
	Registry *payload.Registry
	Scheme   signature.Scheme
	Secret   string // ignored for signature.None
	// Secrets, when given, sign the correct deliveries with every one (a
	// rotation: one signature per secret where the scheme carries several),
	// as send signs; Secret is then the first of them.
	Secrets []string

	Tolerance      time.Duration // the receiver's timestamp tolerance; 0 means signature.DefaultTolerance
	AckWithin      time.Duration // a 2xx must come within this; 0 means DefaultAckWithin
	CallbackWithin time.Duration // a callback must come within this of its delivery's answer; 0 means DefaultCallbackWithin
	ExpectCallback bool          // a missing callback fails rather than warns

	Header    []signature.Header // added to every delivery (-H); replaces a header of the same name
	UserAgent string

	Client *http.Client // nil means delivery.NewClient
	// Policy bounds each request (Timeout; 0 means DefaultTimeout) and may
	// retry one (Retries: 0 sends each once). Its clock is replaced by Now.
	Policy delivery.Policy

	// CallbackAddr is where the callback stand-in listens; "" means
	// DefaultCallbackAddr (a free port on loopback).
	CallbackAddr string
	// CallbackBase is what the deliveries' callback URLs are built on
	// (callback.CheckBase) when the receiver reaches the stand-in at
	// another address than its own: from a container
	// (http://host.docker.internal:PORT/webhooks/callback/ with
	// CallbackAddr 0.0.0.0:PORT) or through a tunnel. "" means the
	// stand-in's own URL.
	CallbackBase string

	Now   func() time.Time // nil means time.Now
	NewID func() string    // nil means fixture.NewGUID

	parallel int           // requests in flight at once; 0 means defaultParallel
	settle   time.Duration // 0 means defaultSettle
}

// Exchange is one request probe sent for a check, as reports show it.
type Exchange struct {
	Status     int     `json:"status,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
}

// Check is one graded check.
type Check struct {
	ID     string `json:"check"`
	Result Result `json:"result"`
	Detail string `json:"detail"`
	Hint   string `json:"hint,omitempty"`
	// Diagnosis is the signature doctor's finding on a refused correct
	// delivery, when the receiver's answer let it tell (diagnose.go).
	Diagnosis *signature.Diagnosis `json:"diagnosis,omitempty"`
	Requests  []Exchange           `json:"requests"`
	// Duration is the time the check's requests took, summed.
	Duration time.Duration `json:"-"`
}

// Report is the outcome of a run.
type Report struct {
	URL         string
	Scheme      signature.Scheme
	Fixtures    []string
	CallbackURL string // the callback base URL the deliveries carry (the stand-in's)
	Started     time.Time
	Elapsed     time.Duration
	Checks      []Check // in CheckIDs order
}

// Count returns how many checks got r.
func (r *Report) Count(res Result) int {
	n := 0
	for _, c := range r.Checks {
		if c.Result == res {
			n++
		}
	}
	return n
}

// Failed returns the ids of the failed checks.
func (r *Report) Failed() []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Result == Fail {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// UnreachableError says no correctly signed delivery reached the receiver:
// every one failed before a response (connection refused, DNS, TLS).
type UnreachableError struct {
	Host string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the receiver at %s: %s", e.Host, delivery.Explain(e.Err))
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// CallbackAddrError says the callback stand-in could not listen.
type CallbackAddrError struct {
	Addr string
	Err  error
}

func (e *CallbackAddrError) Error() string {
	return fmt.Sprintf("cannot serve callbacks on %s: %v", e.Addr, e.Err)
}

func (e *CallbackAddrError) Unwrap() error { return e.Err }

// ErrNoFixtures is returned when Options.Fixtures is empty.
var ErrNoFixtures = errors.New("no fixtures to send")

// Run probes the receiver at opts.URL and grades it. The error is non-nil
// only when the run could not be made: a fixture that is not one of the
// profiles' (a *fixture.UnknownError), a callback address that cannot be served, a
// receiver that cannot be reached at all, or ctx ending.
func Run(ctx context.Context, opts Options) (*Report, error) {
	p, err := newProber(opts)
	if err != nil {
		return nil, err
	}
	// Every delivery probe sends that carries its own callback URL (its
	// profile names a callback field) points it at probe's own stand-in,
	// which takes only the ids probe handed out.
	st, err := (&callback.StandIn{ExpectedOnly: true, Now: p.now, Base: opts.CallbackBase}).Start(p.opts.CallbackAddr)
	if err != nil {
		return nil, &CallbackAddrError{Addr: p.opts.CallbackAddr, Err: err}
	}
	defer st.Close()
	p.standin, p.callbackBase = st, cmp.Or(opts.CallbackBase, st.URL)

	rep := &Report{URL: opts.URL, Scheme: p.opts.Scheme, Fixtures: opts.Fixtures, CallbackURL: p.callbackBase, Started: p.now()}
	if err := p.sendValid(ctx); err != nil {
		return nil, err
	}
	if err := p.sendOthers(ctx); err != nil {
		return nil, err
	}
	p.waitCallbacks(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep.Checks = p.grade()
	rep.Elapsed = p.now().Sub(rep.Started)
	return rep, nil
}
