package callback

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// ContentType is what Permission Assist expects on a callback.
const ContentType = "text/plain; charset=utf-8"

// Backoff waits before retry n (1-based): 200ms, 400ms, 800ms, then 2s at
// most. Short, because only a failed connect is retried, and bounded, so a
// receiver that is down fails in seconds rather than minutes.
func Backoff(n int) time.Duration {
	d := 200 * time.Millisecond << min(max(n-1, 0), 4)
	return min(d, 2*time.Second)
}

// Retry describes a retry about to happen, for the caller to report.
type Retry struct {
	Attempt int           // the attempt that failed, 1-based
	Of      int           // the most attempts that will be made
	Err     error         // why it failed (always a not-sent error)
	Wait    time.Duration // the pause before the next attempt
}

// Sender posts callbacks. The zero value is not usable: Client is required.
type Sender struct {
	Client  *http.Client  // redirects are never followed, whatever this client does
	Timeout time.Duration // per attempt; 0 means none
	Retries int           // extra attempts, only after a not-sent error
	Header  http.Header   // extra headers; Content-Type here overrides the default
	// Sleep waits between attempts (nil: a real timer); tests inject one
	// that returns at once.
	Sleep func(context.Context, time.Duration) error
	// Now is the clock for durations.
	Now func() time.Time
	// OnRetry, when set, is told about each retry before the pause.
	OnRetry func(Retry)
}

// Result is the outcome of a callback.
type Result struct {
	URL      string
	Status   int    // 0 when no response came back
	Reason   string // "409 Conflict"
	Duration time.Duration
	Attempts int
	Excerpt  string // the first lines of the response body, cleaned for a terminal
	Location string // a redirect's target, which is reported and never followed
	Err      error  // the transport error of the last attempt
	// Sent is false only when no attempt reached the server: then running the
	// command again cannot make a duplicate.
	Sent bool
}

// OK reports a 2xx answer.
func (r Result) OK() bool { return r.Err == nil && r.Status/100 == 2 }

// Post sends msg to rawURL once, retrying only after errors that prove the
// request never left (delivery.RetryNotSent). A timeout, a reset or a bad
// status after the request was written is final: the receiver may already
// have logged it.
func (s *Sender) Post(ctx context.Context, rawURL string, msg []byte) Result {
	header := make(http.Header, len(s.Header)+1)
	for k, vs := range s.Header {
		header[k] = append([]string(nil), vs...)
	}
	if header.Get("Content-Type") == "" {
		header.Set("Content-Type", ContentType)
	}
	p := delivery.Policy{
		Retries: max(s.Retries, 0), Timeout: s.Timeout,
		RetryOn: delivery.RetryNotSent, Backoff: Backoff,
		Sleep: s.Sleep, Now: s.Now,
	}
	var onRetry func(delivery.Attempt)
	if s.OnRetry != nil {
		onRetry = func(a delivery.Attempt) {
			s.OnRetry(Retry{Attempt: a.N, Of: 1 + p.Retries, Err: a.Err, Wait: a.Wait})
		}
	}
	client := *s.Client
	client.CheckRedirect = delivery.NoRedirects
	req := delivery.Request{Method: http.MethodPost, URL: rawURL, Header: header, Body: msg}
	resp, err := delivery.Send(ctx, &client, req, p, onRetry)

	res := Result{URL: rawURL, Duration: resp.Duration, Attempts: max(resp.Attempts, 1), Err: err}
	if resp.Status != 0 {
		// An answer came, whole or not: its status, and what of its body
		// arrived. An answer cut short (the timeout ran out while it
		// dripped in, the connection broke) keeps Err set: it is no OK.
		res.Status = resp.Status
		res.Reason = render.Escape(strings.TrimSpace(resp.Reason)) // the server's own words, shown on a terminal
		if res.Reason == "" || !strings.HasPrefix(res.Reason, fmt.Sprint(resp.Status)) {
			res.Reason = fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status))
		}
		res.Location = resp.Header.Get("Location")
		res.Excerpt = render.Excerpt(resp.Body[:min(len(resp.Body), excerptBytes+1)], excerptLines, excerptBytes)
	}
	res.Sent = err == nil || (!delivery.NotSent(err) && !delivery.HandshakeFailed(err))
	return res
}

// excerptLimit bounds how much of a response is shown: enough for a few
// lines of an error page.
const (
	excerptBytes = 4 << 10
	excerptLines = 5
)
