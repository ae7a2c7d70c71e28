package route

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
)

// Request is a delivery as the fan-out passes it on: method, headers and
// raw body as received.
type Request struct {
	Method string
	Header http.Header
	Body   []byte
}

// Result is what one target made of a delivery.
type Result struct {
	URL      string // where it went
	Status   int    // the answer's status; 0 when none came
	Header   http.Header
	Body     []byte        // the answer's body, at most Options.MaxBody bytes
	Duration time.Duration // from sending to the end of the answer (or the failure)
	// Truncated says the answer was longer than MaxBody: Body is its start.
	Truncated bool
	// Err is why no whole answer came: the target could not be reached,
	// took longer than Options.Timeout (errors.Is context.DeadlineExceeded),
	// or cut its answer short (Status is then set, Body is what arrived).
	Err error
}

// Answered reports whether the target gave a whole answer, one that may be
// passed on to the sender as it is.
func (r Result) Answered() bool { return r.Err == nil && r.Status != 0 && !r.Truncated }

// OK reports a whole 2xx answer.
func (r Result) OK() bool { return r.Answered() && r.Status/100 == 2 }

// Options bound a fan-out.
type Options struct {
	// Timeout bounds the whole fan-out, every target's request and answer
	// together (--forward-timeout); 0 leaves only ctx and the client's own.
	Timeout time.Duration
	// MaxBody is how much of each answer is kept; 0 means DefaultMaxBody.
	MaxBody int64
	// Now is the clock for Result.Duration; nil means time.Now.
	Now func() time.Time
}

// DefaultMaxBody is how much of a target's answer FanOut keeps by default.
const DefaultMaxBody = 1 << 20

// FanOut sends req to every URL in urls at once, with c, and waits for all
// of them (bounded by o.Timeout and ctx). Results come in the order of
// urls, one each, so results[0] is the first target's: the one whose
// answer the sender gets. Hop-by-hop headers (Connection, Transfer-Encoding
// and the like) are not passed on; every other header and the body go as
// they came. req is only read, so the caller may keep using it.
func FanOut(ctx context.Context, c *http.Client, req Request, urls []string, o Options) []Result {
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	header := req.Header.Clone()
	for _, h := range delivery.HopByHop {
		header.Del(h)
	}
	results := make([]Result, len(urls))
	if len(urls) == 1 {
		results[0] = send(ctx, c, req, header, urls[0], o)
		return results
	}
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Go(func() { results[i] = send(ctx, c, req, header, u, o) })
	}
	wg.Wait()
	return results
}

// send passes req to one target.
func send(ctx context.Context, c *http.Client, req Request, header http.Header, target string, o Options) Result {
	res := Result{URL: target}
	method := req.Method
	if method == "" {
		method = http.MethodPost
	}
	hr, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(req.Body))
	if err != nil {
		res.Err = err
		return res
	}
	hr.Header = header.Clone() // the transport may add to it
	hr.ContentLength = int64(len(req.Body))
	start := o.Now()
	resp, err := c.Do(hr)
	if err != nil {
		res.Duration = o.Now().Sub(start)
		res.Err = timedOut(ctx, o.Timeout, err)
		return res
	}
	defer resp.Body.Close()
	res.Status, res.Header = resp.StatusCode, resp.Header
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBody+1))
	res.Duration = o.Now().Sub(start)
	if int64(len(body)) > o.MaxBody {
		body, res.Truncated = body[:o.MaxBody], true
	}
	res.Body = body
	if err != nil {
		res.Err = fmt.Errorf("the answer was cut short after %d bytes: %w", len(body), timedOut(ctx, o.Timeout, err))
	}
	return res
}

// timedOut says "no answer within 5s" for an error the fan-out's own
// timeout caused; it still unwraps to context.DeadlineExceeded.
func timedOut(ctx context.Context, timeout time.Duration, err error) error {
	if timeout > 0 && ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("no answer within %s: %w", timeout, context.DeadlineExceeded)
	}
	return err
}
