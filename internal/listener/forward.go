package listener

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// NewForwardClient is the client --forward-to passes deliveries with: a
// pool of connections to the app as wide as a load run, a 30s limit, and
// redirects handed back, so the sender sees the app's own answer.
func NewForwardClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: delivery.NoRedirects,
	}
}

// excerptSize is how much of the app's answer goes in the record and output.
const excerptSize = 1024

// forwardTarget is a place deliveries are passed on to: --forward-to.
type forwardTarget struct {
	raw string // as given
	// base is raw parsed, without its fragment; nil when it does not
	// parse, and the forward then fails on it.
	base *url.URL
}

func newForwardTarget(raw string) forwardTarget {
	base, _ := forwardurl.Parse(raw)
	return forwardTarget{raw: raw, base: base}
}

// forward is the forward tap: it passes the delivery, raw body and headers
// unchanged, to the app, and returns what the sender should get: the app's
// status and body, or 502 when the app could not be reached. listen has
// one target today (--forward-to), the first of targets, which answers
// the sender and is recorded.
func (l *Listener) forward(r *http.Request, d *inflight, targets []forwardTarget) answer {
	t := &targets[0]
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
	fw := &record.Forward{URL: l.masker.MaskURL(shown)}
	d.rec.Forward = fw
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(d.body))
	if err != nil {
		return l.forwardFailed(fw, target, err)
	}
	req.Header = r.Header.Clone()
	for _, h := range delivery.HopByHop {
		req.Header.Del(h)
	}
	req.ContentLength = int64(len(d.body))
	start := time.Now()
	resp, err := l.cfg.ForwardClient.Do(req)
	if err != nil {
		fw.DurationMS = ms(time.Since(start))
		return l.forwardFailed(fw, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, l.cfg.MaxBody))
	fw.DurationMS = ms(time.Since(start))
	fw.Status = resp.StatusCode
	fw.Body = l.maskedExcerpt(body, excerptSize)
	if err != nil {
		fw.Error = l.forwardError("reading the app's answer: ", target, fw.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		l.n.fwdFail.Add(1)
	}
	return answer{status: resp.StatusCode, body: body, contentType: resp.Header.Get("Content-Type")}
}

// forwardFailed answers 502 for an app that could not be reached. The
// error, recorded and sent back, names the URL as the record shows it.
func (l *Listener) forwardFailed(fw *record.Forward, target string, err error) answer {
	l.n.fwdFail.Add(1)
	fw.Error = l.forwardError("", target, fw.URL, err)
	return answer{status: http.StatusBadGateway, body: []byte("webhook-tool listen could not reach --forward-to " + fw.URL + ": " + fw.Error + "\n")}
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
