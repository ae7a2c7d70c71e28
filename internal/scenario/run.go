package scenario

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// DefaultCallbackTimeout is how long a step that expects a callback waits
// for it.
const DefaultCallbackTimeout = 10 * time.Second

// RunOptions controls how Run sends the prepared steps.
type RunOptions struct {
	URL    string
	Client *http.Client
	Policy delivery.Policy
	// Signer signs each delivery when it is sent.
	Signer *signature.Signer
	// Extra headers (-H) go after the signature and replace any header of
	// the same name; UserAgent is the User-Agent.
	Extra     []signature.Header
	UserAgent string
	// Delay is the wait before each step after the first, unless the step
	// sets its own.
	Delay time.Duration
	// Duplicate sends each delivery twice, the same bytes and headers, as an
	// at-least-once sender does.
	Duplicate bool
	// Shuffle sends the steps in the order Order(len, Seed) gives.
	Shuffle bool
	Seed    uint64
	// KeepGoing sends the remaining steps after one fails.
	KeepGoing bool
	// Callbacks is the stand-in a step that expects a callback waits on;
	// CallbackTimeout (0: DefaultCallbackTimeout) bounds each wait.
	Callbacks       *callback.StandIn
	CallbackTimeout time.Duration
	// Now is the clock for signature timestamps; nil means time.Now.
	Now func() time.Time
	// Sleep waits between steps; nil means delivery.Sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRetry, when not nil, hears about each retried attempt.
	OnRetry func(d Delivery, a delivery.Attempt)
}

// Result is one delivery sent: a step, or its duplicate.
type Result struct {
	Delivery
	Copy     int // 1, or 2 for the duplicate
	Status   int // 0 when no answer came
	Duration time.Duration
	Attempts int
	Callback *string // the callback message, when the step waited for one and it came
	// Err says why the delivery failed its step: no answer, a status the
	// step did not expect, or no callback. nil when it passed.
	Err error
}

// Summary is what a run did.
type Summary struct {
	Order  []string // the step names in the order they were sent (or were to be)
	Sent   int      // deliveries sent, duplicates included
	Passed int      // steps whose every delivery met its expectations
	Failed int
	// Skipped is how many steps were not sent because an earlier one
	// failed (and KeepGoing was off).
	Skipped int
	// FirstFailure is the Err of the first delivery that failed its step.
	FirstFailure error
}

// NoAnswerError is a delivery that got no answer: Err is the transport
// error, which delivery.NotSent and friends understand.
type NoAnswerError struct{ Err error }

func (e *NoAnswerError) Error() string { return delivery.Explain(e.Err) }
func (e *NoAnswerError) Unwrap() error { return e.Err }

// Order returns the order in which --shuffle --seed sends n steps: a
// permutation of 0..n-1 that depends only on n and seed.
func Order(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Perm(n)
}

// Run signs and sends ds in order (or shuffled), reporting each delivery as
// it is answered. A step that gets no answer, a status it did not expect or
// no callback it asked for fails; the run then stops unless KeepGoing. The
// error is non-nil only when the run could not go on (ctx done, a delivery
// that cannot be signed); a failed step is in the Summary.
func Run(ctx context.Context, ds []Delivery, opts RunOptions, report func(Result)) (Summary, error) {
	now, sleep := opts.Now, opts.Sleep
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = delivery.Sleep
	}
	order := make([]int, len(ds))
	for i := range order {
		order[i] = i
	}
	if opts.Shuffle {
		order = Order(len(ds), opts.Seed)
	}
	var sum Summary
	for _, i := range order {
		sum.Order = append(sum.Order, ds[i].Step)
	}
	for n, i := range order {
		d := ds[i]
		if n > 0 {
			wait := opts.Delay
			if d.HasDelay {
				wait = d.Delay
			}
			if wait > 0 {
				if err := sleep(ctx, wait); err != nil {
					return sum, err
				}
			}
		}
		ok, err := runStep(ctx, d, opts, now, &sum, report)
		if err != nil {
			return sum, err
		}
		if ok {
			sum.Passed++
			continue
		}
		sum.Failed++
		if !opts.KeepGoing {
			sum.Skipped = len(order) - n - 1
			break
		}
	}
	return sum, nil
}

// runStep sends one step (twice with Duplicate) and reports whether it met
// its expectations.
func runStep(ctx context.Context, d Delivery, opts RunOptions, now func() time.Time, sum *Summary, report func(Result)) (bool, error) {
	sig, err := opts.Signer.Sign(d.ID, now(), d.Body)
	if err != nil {
		return false, fmt.Errorf("step %q: signing: %w", d.Step, err)
	}
	b := delivery.Builder{UserAgent: opts.UserAgent, Extra: opts.Extra, Event: d.Event, IDHeader: d.IDHeader}
	header := delivery.HeaderMap(b.Headers(sig, d.ID))
	req := delivery.Request{Method: http.MethodPost, URL: opts.URL, Header: header, Body: d.Body}
	var onRetry func(delivery.Attempt)
	if opts.OnRetry != nil {
		onRetry = func(a delivery.Attempt) { opts.OnRetry(d, a) }
	}
	copies := 1
	if opts.Duplicate {
		copies = 2
	}
	passed := true
	for c := 1; c <= copies; c++ {
		resp, err := delivery.Send(ctx, opts.Client, req, opts.Policy, onRetry)
		if err != nil && ctx.Err() != nil {
			return false, ctx.Err()
		}
		sum.Sent++
		r := Result{Delivery: d, Copy: c, Status: resp.Status, Duration: resp.Duration, Attempts: resp.Attempts}
		switch {
		case err != nil:
			r.Err = &NoAnswerError{Err: err}
		case !d.Expect.Matches(resp.Status):
			r.Err = fmt.Errorf("the receiver answered %s, want %s", delivery.StatusText(resp.Status), d.Expect)
		case d.Expect.Callback && c == 1:
			r.Callback, r.Err = waitCallback(ctx, d, opts)
		}
		passed = passed && r.Err == nil
		if r.Err != nil && sum.FirstFailure == nil {
			sum.FirstFailure = r.Err
		}
		report(r)
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
	}
	return passed, nil
}

func waitCallback(ctx context.Context, d Delivery, opts RunOptions) (*string, error) {
	if opts.Callbacks == nil {
		return nil, errors.New("the step expects a callback and no callback stand-in is running")
	}
	timeout := opts.CallbackTimeout
	if timeout <= 0 {
		timeout = DefaultCallbackTimeout
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cb, ok := opts.Callbacks.Wait(wctx, d.ID)
	if !ok {
		return nil, fmt.Errorf("no callback for delivery %s within %s", d.ID, timeout)
	}
	return &cb.Body, nil
}
