package callback

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
	// Sleep waits between attempts; tests inject one that returns at once.
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
// request never left (delivery.NotSent). A timeout, a reset or a bad status
// after the request was written is final: the receiver may already have
// logged it.
func (s *Sender) Post(ctx context.Context, rawURL string, msg []byte) Result {
	attempts := 1 + max(s.Retries, 0)
	res := Result{URL: rawURL}
	for n := 1; ; n++ {
		res = s.once(ctx, rawURL, msg)
		res.Attempts = n
		if res.Err == nil || !delivery.NotSent(res.Err) || n == attempts || ctx.Err() != nil {
			return res
		}
		wait := Backoff(n)
		if s.OnRetry != nil {
			s.OnRetry(Retry{Attempt: n, Of: attempts, Err: res.Err, Wait: wait})
		}
		if err := s.sleep(ctx, wait); err != nil {
			return res
		}
	}
}

func (s *Sender) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	return delivery.Sleep(ctx, d)
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// excerptLimit bounds how much of a response is read: enough for a few lines
// of an error page, never a whole download.
const (
	excerptBytes = 4 << 10
	excerptLines = 5
)

func (s *Sender) once(ctx context.Context, rawURL string, msg []byte) Result {
	res := Result{URL: rawURL}
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(msg))
	if err != nil {
		res.Err = err
		return res
	}
	for k, vs := range s.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", ContentType)
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
		req.Header.Del("Host")
	}

	client := *s.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	start := s.now()
	resp, err := client.Do(req)
	if err != nil {
		res.Duration = s.now().Sub(start)
		res.Err = err
		res.Sent = !delivery.NotSent(err) && !delivery.HandshakeFailed(err)
		return res
	}
	defer resp.Body.Close()
	res.Sent = true
	res.Status = resp.StatusCode
	res.Reason = resp.Status
	if res.Reason == "" || !strings.HasPrefix(res.Reason, fmt.Sprint(resp.StatusCode)) {
		res.Reason = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	res.Reason = strings.TrimSpace(res.Reason)
	res.Location = resp.Header.Get("Location")
	// The status is the verdict; a body cut short (timeout, reset) still
	// gives what arrived.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, excerptBytes+1))
	res.Duration = s.now().Sub(start)
	res.Excerpt = render.Excerpt(body, excerptLines, excerptBytes)
	return res
}
