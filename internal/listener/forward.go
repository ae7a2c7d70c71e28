package listener

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/route"
)

// NewForwardClient is the client --forward-to passes deliveries with: a
// pool of connections to the app as wide as a load run, a 30s limit, and
// redirects handed back, so the sender sees the app's own answer. It asks
// for no compression (net/http would add Accept-Encoding: gzip, which the
// sender never sent) and so decodes none: the app's bytes pass as they came.
func NewForwardClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.DisableCompression = true
	return &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: delivery.NoRedirects,
	}
}

// excerptSize is how much of the app's answer goes in the record and output.
const excerptSize = 1024

// forwardTarget is a place deliveries are passed on to: a --forward-to,
// with its filters, or a URL a response rule forwards to.
type forwardTarget struct {
	raw string // as given
	// base is raw parsed, without its fragment; nil when it does not
	// parse, and the forward then fails on it.
	base  *url.URL
	route route.Target // the filters; none for a rule's URL
}

func newForwardTarget(t route.Target) forwardTarget {
	base, _ := forwardurl.Parse(t.URL)
	return forwardTarget{raw: t.URL, base: base, route: t}
}

// forward is the forward tap: it passes the delivery to every one of
// targets at once (forwardTo), waits for them all, bounded together by
// --forward-timeout, and records each one's answer: the first target's in
// the record's forward, the others' in forwards. It returns what the
// sender should get: the first target's answer (forwardTo).
func (l *Listener) forward(r *http.Request, d *inflight, targets []forwardTarget) answer {
	releaseLazyRead(r) // the forward ends early when the sender goes away
	ctx := r.Context()
	if t := l.cfg.ForwardTimeout; t > 0 && (len(targets) > 1 || l.cfg.ForwardClient.Timeout == 0 || l.cfg.ForwardClient.Timeout > t) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	if len(targets) == 1 {
		fw := &record.Forward{}
		d.rec.Forward = fw
		return l.forwardTo(ctx, r, d.body, &targets[0], fw)
	}
	fws := make([]record.Forward, len(targets))
	answers := make([]answer, len(targets))
	var wg sync.WaitGroup
	body := d.body // the goroutines are given the body, not d: d stays on the handler's stack
	for i := range targets {
		wg.Go(func() { answers[i] = l.forwardTo(ctx, r, body, &targets[i], &fws[i]) })
	}
	wg.Wait()
	d.rec.Forward, d.rec.Forwards = &fws[0], fws[1:]
	return answers[0]
}

// forwardTo passes the delivery, its raw body and headers unchanged (less
// the hop-by-hop ones), to the app at t, fills in fw, and returns what the
// sender should get from it: the app's answer as it came (status, headers
// less the hop-by-hop ones, and body), or 502 when there is no whole final
// answer to pass on: the app could not be reached or gave no answer within
// --forward-timeout, answered 101 or another interim status but 100 and
// 103, or an answer larger than --max-body or cut short. It only reads r
// and sent (the body): forward runs it for several targets at once.
func (l *Listener) forwardTo(ctx context.Context, r *http.Request, sent []byte, t *forwardTarget, fw *record.Forward) answer {
	l.n.fwd.Add(1)
	target := t.raw
	shown := target
	if t.base != nil {
		u := forwardurl.Join(t.base, l.prefix, r.URL)
		target = u.String()
		shown = target
		if _, ok := u.User.Password(); ok {
			shown = u.Redacted() // the app gets the password; the record does not
		}
	}
	// The record shows the URL with any secret the client put in the
	// query or path masked; the app gets the request as it was sent.
	fw.URL = l.masker.MaskURL(shown)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{Got1xxResponse: interimAnswer})
	req, err := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(sent))
	if err != nil {
		return l.forwardFailed(fw, target, err)
	}
	req.Header = endToEnd(r.Header)
	if _, ok := req.Header["User-Agent"]; !ok {
		req.Header["User-Agent"] = nil // else net/http sends its own
	}
	req.ContentLength = int64(len(sent))
	start := time.Now()
	resp, err := l.cfg.ForwardClient.Do(req)
	if err != nil {
		fw.DurationMS = ms(time.Since(start))
		var interim interimError
		if errors.As(err, &interim) {
			// The app answered: say what, not how net/http gave up.
			fw.Status, err = int(interim), interim
		} else if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s (--forward-timeout)", l.cfg.ForwardTimeout)
		}
		return l.forwardFailed(fw, target, err)
	}
	defer resp.Body.Close()
	fw.Status = resp.StatusCode
	var body []byte
	if resp.StatusCode < 200 {
		err = fmt.Errorf("the app answered %s, not a final answer a webhook sender can take", resp.Status)
	} else {
		body, err = l.readAnswer(resp)
	}
	fw.DurationMS = ms(time.Since(start))
	fw.Body = l.maskedExcerpt(body, excerptSize)
	if err != nil {
		return l.forwardFailed(fw, target, err)
	}
	if resp.StatusCode/100 != 2 {
		l.n.fwdFail.Add(1)
	}
	return answer{status: resp.StatusCode, body: body, header: endToEnd(resp.Header), asIs: true}
}

// interimAnswer refuses an interim answer other than 100 Continue and 103
// Early Hints: what else the app means by it (102 Processing, say) the
// sender cannot be told through listen, so the forward ends there with a
// bad gateway rather than waiting. (101 is a final answer to net/http:
// forward refuses it.)
func interimAnswer(code int, _ textproto.MIMEHeader) error {
	if code == http.StatusContinue || code == http.StatusEarlyHints {
		return nil
	}
	return interimError(code)
}

// interimError is an interim answer interimAnswer refused.
type interimError int

func (e interimError) Error() string {
	return fmt.Sprintf("the app answered %d %s, an interim answer listen does not pass on", int(e), http.StatusText(int(e)))
}

// readAnswer reads the app's whole answer: at most --max-body bytes, which
// is what listen holds of it, and never one cut short, which would pass
// for whole once sent on. Its error says which, with what was read.
func (l *Listener) readAnswer(resp *http.Response) ([]byte, error) {
	limit := l.cfg.MaxBody
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("the app's answer is larger than the %d bytes listen passes back (--max-body): %d bytes", limit, resp.ContentLength)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return body, fmt.Errorf("the app's answer was cut short after %d bytes: %w", len(body), err)
	case int64(len(body)) > limit:
		return body[:limit], fmt.Errorf("the app's answer is larger than the %d bytes listen passes back (--max-body)", limit)
	}
	return body, nil
}

// endToEnd is a copy of h without the hop-by-hop headers: those of
// delivery.HopByHop and those the Connection header names.
func endToEnd(h http.Header) http.Header {
	out := h.Clone()
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				out.Del(name)
			}
		}
	}
	for _, name := range delivery.HopByHop {
		out.Del(name)
	}
	return out
}

// forwardFailed answers 502 for an app that could not be reached or gave
// no whole final answer. The error, recorded and sent back, names the URL
// as the record shows it.
func (l *Listener) forwardFailed(fw *record.Forward, target string, err error) answer {
	l.n.fwdFail.Add(1)
	fw.Error = l.forwardError("", target, fw.URL, err)
	what := "could not reach --forward-to "
	if fw.Status != 0 {
		what = "got no answer to pass on from --forward-to "
	}
	return answer{status: http.StatusBadGateway, body: []byte("webhook-tool listen " + what + fw.URL + ": " + fw.Error + "\n")}
}

// forwardError is err's text after what, with the forward URL as shown and
// the secrets masked: a *url.Error names the URL (net/http hides only its
// password, as user:***@).
func (l *Listener) forwardError(what, target, shown string, err error) string {
	var msg string
	if ue, ok := err.(*url.Error); ok {
		c := *ue
		c.URL = shown
		msg = c.Error()
	} else {
		msg = strings.ReplaceAll(err.Error(), target, shown)
	}
	return l.masker.MaskText(what + msg)
}

// maskedExcerpt is the start of the app's answer b, at most n bytes, with
// the secrets masked. A secret that straddles the cut is masked too: enough
// of b is masked for the cut to fall before any secret left whole.
func (l *Listener) maskedExcerpt(b []byte, n int) string {
	if !l.masker.Active() {
		return excerpt(b, n)
	}
	margin := max(1, l.masker.Longest()) // at least 1, so that a longer b is seen to be cut
	end := min(len(b), n+margin)
	s := l.masker.Mask(string(b[:end]))
	for end < len(b) && len(s) < n+margin {
		// Masking shortened the text: mask more, so that what is cut
		// to n bytes holds no part of an unmasked secret.
		end = min(len(b), end+n+margin)
		s = l.masker.Mask(string(b[:end]))
	}
	return excerpt([]byte(s), n)
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// excerpt cuts b to at most n bytes on a rune boundary, as valid UTF-8.
func excerpt(b []byte, n int) string {
	cut := len(b) > n
	if cut {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if cut {
		s += "..."
	}
	return s
}
