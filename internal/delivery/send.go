package delivery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults used when a Policy leaves a delay at zero.
const (
	DefaultBaseDelay = 500 * time.Millisecond
	DefaultMaxDelay  = 30 * time.Second
)

// FailureExcerpt is how much of a non-2xx answer a load run keeps: enough
// for the reason a receiver gives, and it keeps none of a 2xx answer.
const FailureExcerpt = 512

// MaxResponseBody is how much of a response body Send keeps. The rest is
// read and discarded (up to drainLimit) so the connection can be reused.
const MaxResponseBody = 64 << 10

// drainLimit bounds how much of an oversized response is read only to keep
// the connection alive; beyond it closing the connection is cheaper.
const drainLimit = 256 << 10

// Request is one HTTP request to deliver. Send never modifies it, so the same
// Request can be sent again (replay) or from several goroutines.
type Request struct {
	Method string // "" means POST
	URL    string
	Header http.Header
	Body   []byte
	// RawQuery, when not empty, is the query sent on the request line as
	// it is, in place of URL's (all of URL after its first '?' is then
	// left unparsed). A query that arrived at listen can hold a '#' (a
	// client may send one raw), which would end URL: a replay carries it
	// here so it goes out exactly as recorded.
	RawQuery string
	// HandOver says the caller gives Header to Send for good and will not
	// read or change it again, so Send passes it to the transport as it is
	// instead of copying it for each attempt. (With a cookie jar, which adds
	// to the header of each attempt, Send copies it all the same.) A load
	// run builds a fresh header per delivery and hands it over.
	HandOver bool
}

// Policy says how hard Send tries.
type Policy struct {
	// Retries is how many times a retryable failure is retried: a transport
	// error other than a TLS failure, or a 429, 502, 503 or 504. 0 sends once.
	Retries int
	// Timeout bounds each attempt, from dialling to the end of the response
	// body. 0 means no limit beyond the context's.
	Timeout time.Duration
	// BaseDelay is the wait before the first retry; it doubles each retry,
	// with jitter, up to MaxDelay. Zero values mean DefaultBaseDelay and
	// DefaultMaxDelay. MaxDelay also caps a server's Retry-After.
	BaseDelay, MaxDelay time.Duration
	// Sleep waits d or until ctx is done; nil means a real timer. Tests
	// inject one that records the waits and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used for durations and Retry-After dates; nil means
	// time.Now.
	Now func() time.Time
	// RetryOn decides whether a failed attempt (a response's status, or the
	// transport error when there was none) is retried; nil means
	// RetryDelivery. A callback, which must never arrive twice, uses
	// RetryNotSent.
	RetryOn func(status int, err error) bool
	// Backoff, when set, is the wait before retry n (1-based) instead of
	// the jittered doubling of BaseDelay. MaxDelay still caps Retry-After.
	Backoff func(n int) time.Duration
	// KeepBackoff keeps Backoff's waits whatever a Retry-After asks: a
	// vendor's schedule (Schedule.Apply) is followed as documented.
	KeepBackoff bool
	// Renew, when set, makes the request for attempt n (2 or more) from
	// the one before, instead of sending the same bytes again: a vendor
	// re-signs each attempt with a fresh timestamp. An error ends Send
	// without that attempt.
	Renew func(n int, prev Request) (Request, error)
}

// RetryDelivery is the retry rule of a webhook sender: a transport error
// other than a TLS failure, or a 429, 502, 503 or 504. A webhook is
// delivered at least once, so an attempt that may have reached the server is
// retried too; receivers deduplicate by id.
func RetryDelivery(status int, err error) bool {
	if err != nil {
		return retryableErr(err)
	}
	return Retryable(status)
}

// RetryUnless2xx is a vendor's rule: every attempt that did not get a 2xx
// is retried, whatever the status or the transport error (Svix: "any other
// status code, including 3xx redirects, is treated as a failure"); only a
// request that could not be built is final.
func RetryUnless2xx(status int, err error) bool {
	if err != nil {
		var re *requestError
		return !errors.As(err, &re)
	}
	return status < 200 || status > 299
}

// RetryNotSent retries only an attempt that provably never reached the
// server (NotSent: refused, DNS, no route, a connect timeout). Anything
// after the request was written is final, whatever the status: the server
// may already have acted on it.
func RetryNotSent(_ int, err error) bool { return err != nil && NotSent(err) }

// Attempt describes a failed attempt that is about to be retried.
type Attempt struct {
	N          int           // 1-based number of the attempt that failed
	Status     int           // its status, 0 for a transport error
	Err        error         // its transport error, nil when there was a response
	Wait       time.Duration // how long Send waits before the next attempt
	RetryAfter time.Duration // what the server's Retry-After asked for (0 when absent); Wait is capped at MaxDelay
	Began      time.Duration // when the attempt began, from the start of the first
	Duration   time.Duration // how long it took: request written to answer read
}

// Response is the outcome of the last attempt.
type Response struct {
	Status   int
	Reason   string // the status line as the server sent it: "409 Conflict"
	Header   http.Header
	Body     []byte        // the first MaxResponseBody bytes
	Duration time.Duration // of the last attempt: request written to body read
	Elapsed  time.Duration // from the first attempt to the end of the last, waits included
	Began    time.Duration // when the last attempt began, from the start of the first
	Attempts int
}

// OK reports a 2xx status.
func (r Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

// TimeoutError is an attempt that ran out of Policy.Timeout. It unwraps to
// the transport error, so Describe and NotSent still see what happened.
type TimeoutError struct {
	After time.Duration
	Err   error
}

func (e *TimeoutError) Error() string { return Explain(e) }
func (e *TimeoutError) Unwrap() error { return e.Err }

// Timeout reports true, as net.Error timeouts do.
func (e *TimeoutError) Timeout() bool { return true }

// Explain is Describe with the length of a Policy timeout added when Send
// knows it: "timed out waiting for the response after 10s".
func Explain(err error) string {
	var te *TimeoutError
	if errors.As(err, &te) {
		return Describe(te.Err) + " after " + te.After.String()
	}
	return Describe(err)
}

// Retryable reports whether Send retries a response with this status.
func Retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableErr reports whether a transport error is worth retrying. A
// webhook is delivered at least once, so an attempt that may have reached the
// server (a timeout, a reset) is retried too; receivers deduplicate by id. A
// TLS failure or a plain-HTTP answer is a configuration problem that the
// same request will hit again.
func retryableErr(err error) bool {
	var re *requestError
	if errors.As(err, &re) {
		return false
	}
	d := Describe(err)
	return !strings.HasPrefix(d, "TLS handshake failed") && !strings.HasPrefix(d, "server answered plain HTTP")
}

// Send delivers req with c, retrying per p. It returns the last attempt's
// response with a nil error whenever the server answered in full, whatever
// the status: the caller decides what a non-2xx means. The error is non-nil
// when the last attempt got no whole answer (a transport error, a timeout,
// or a body cut short: a *CutShortError, the Response holding the status and
// what arrived) or ctx was done; the Response then still carries Attempts
// and Elapsed.
//
// onRetry, when not nil, is called before each wait for a retry.
func Send(ctx context.Context, c *http.Client, req Request, p Policy, onRetry func(Attempt)) (Response, error) {
	s := newSender(ctx, c, p.Timeout)
	defer s.close()
	return s.send(req, p, onRetry, false)
}

// send is Send; with statusOnly the response body is drained, not kept
// (Response.Body is nil), for callers that look only at the status.
func (s *sender) send(req Request, p Policy, onRetry func(Attempt), statusOnly bool) (Response, error) {
	now := p.Now
	if now == nil {
		now = time.Now
	}
	sleep := p.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	base, maxDelay := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = DefaultBaseDelay
	}
	if maxDelay <= 0 {
		maxDelay = DefaultMaxDelay
	}
	retryOn := p.RetryOn
	if retryOn == nil {
		retryOn = RetryDelivery
	}
	method := req.Method
	if method == "" {
		method = http.MethodPost
	}

	ctx := s.parent
	start := now()
	var resp Response
	for n := 1; ; n++ {
		if n > 1 && p.Renew != nil {
			next, err := p.Renew(n, req)
			if err != nil {
				return resp, &requestError{err}
			}
			req = next
		}
		began := now().Sub(start)
		var err error
		resp, err = s.attempt(method, req, now, statusOnly)
		resp.Attempts = n
		resp.Began = began
		resp.Elapsed = now().Sub(start)
		if ctx.Err() != nil {
			return resp, ctx.Err()
		}
		if !retryOn(resp.Status, err) || n > p.Retries {
			return resp, err
		}

		a := Attempt{N: n, Status: resp.Status, Err: err, Began: began, Duration: resp.Duration}
		if p.Backoff != nil {
			a.Wait = p.Backoff(n)
		} else {
			a.Wait = backoff(base, maxDelay, n)
		}
		if err == nil && !p.KeepBackoff {
			if ra, ok := retryAfter(resp.Header.Get("Retry-After"), now()); ok {
				a.RetryAfter = ra
				a.Wait = min(ra, maxDelay)
			}
		}
		if onRetry != nil {
			onRetry(a)
		}
		if err := sleep(ctx, a.Wait); err != nil {
			resp.Elapsed = now().Sub(start)
			return resp, err
		}
	}
}

// attempt sends req once and reads up to MaxResponseBody of the answer
// (with statusOnly, reads and drops it).
func (s *sender) attempt(method string, req Request, now func() time.Time, statusOnly bool) (Response, error) {
	s.begin()
	defer s.end()
	hr, err := s.request(method, req)
	if err != nil {
		return Response{}, &requestError{err}
	}
	t0 := now()
	res, err := s.do(hr)
	if err != nil {
		return Response{Duration: now().Sub(t0)}, s.timedOut(err)
	}
	defer res.Body.Close()
	out := Response{Status: res.StatusCode, Reason: res.Status, Header: res.Header}
	keep := int64(MaxResponseBody)
	if statusOnly {
		// Keep the start of a failure's answer only: it says why.
		keep = 0
		if res.StatusCode < 200 || res.StatusCode > 299 {
			keep = FailureExcerpt
		}
	}
	body, n, err := readBody(res.Body, keep)
	out.Body = body
	out.Duration = now().Sub(t0)
	if err != nil {
		// The status came but not the whole answer: the timeout ran out
		// while it dripped in, or the connection broke. That is no
		// answer to count on, whatever the status said.
		return out, s.timedOut(&CutShortError{Status: res.StatusCode, Read: n, Err: err})
	}
	return out, nil
}

// readBody reads an answer's body to its end or to MaxResponseBody bytes,
// whichever comes first, keeping the first keep bytes (nil when keep is 0),
// and returns them with how many bytes arrived. An error before that point
// is returned: the body was cut short. Past it the rest is read, bounded and
// errors ignored, only so the connection goes back to the pool.
func readBody(body io.Reader, keep int64) ([]byte, int64, error) {
	var kept []byte
	var err error
	if keep > 0 {
		kept, err = io.ReadAll(io.LimitReader(body, keep))
	}
	n := int64(len(kept))
	if err == nil && n == keep {
		var m int64
		m, err = io.Copy(io.Discard, io.LimitReader(body, MaxResponseBody-keep))
		n += m
	}
	if err != nil {
		return kept, n, err
	}
	_, _ = io.CopyN(io.Discard, body, drainLimit)
	return kept, n, nil
}

// CutShortError is an answer whose body stopped before its end: the
// attempt's timeout ran out while it was still coming, or the connection
// closed or broke. The status arrived, so the request reached the server,
// but an answer not read whole is no success. Send returns it (in a
// TimeoutError when the timeout cut it) with the Response of what arrived.
type CutShortError struct {
	Status int   // the answer's status
	Read   int64 // how many bytes of its body arrived
	Err    error // why the body stopped
}

func (e *CutShortError) Error() string {
	return fmt.Sprintf("the answer (%s) was cut short after %d bytes of its body: %v", StatusText(e.Status), e.Read, e.Err)
}

func (e *CutShortError) Unwrap() error { return e.Err }

// requestError is a request that could not be built (a malformed URL or
// method): nothing was sent, and nothing will be on a retry.
type requestError struct{ err error }

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

// backoff is the wait before retry n (1-based): base doubled per retry,
// capped at maxDelay, with "equal jitter" (half fixed, half random), so
// concurrent senders spread out yet none retries at once.
func backoff(base, maxDelay time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Sleep waits for d or until ctx is done, whichever is first: the real
// sleep behind every injectable one (retries, pacing, callback backoff).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// StatusText is "503 Service Unavailable", or just the number for a code
// net/http does not name.
func StatusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return strconv.Itoa(code)
}
