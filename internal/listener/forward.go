package listener

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// hopByHop are headers that describe one connection, not the message; a
// proxy does not pass them on (RFC 9110 7.6.1).
var hopByHop = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// excerptSize is how much of the app's answer goes in the record and output.
const excerptSize = 1024

// forward passes the delivery, raw body and headers unchanged, to the app
// and returns what the sender should get: the app's status and body, or 502
// when the app could not be reached.
func (l *Listener) forward(r *http.Request, d *delivery) (int, []byte, string) {
	l.n.fwd.Add(1)
	target := ForwardURL(l.cfg.ForwardTo, l.prefix, r.URL)
	// The record shows the URL with any secret the client put in the
	// query or path masked; the app gets the request as it was sent.
	fw := &record.Forward{URL: l.masker.maskQuery(target)}
	d.rec.Forward = fw
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(d.body))
	if err != nil {
		return l.forwardFailed(fw, err)
	}
	req.Header = r.Header.Clone()
	for _, h := range hopByHop {
		req.Header.Del(h)
	}
	req.ContentLength = int64(len(d.body))
	start := time.Now()
	resp, err := l.cfg.ForwardClient.Do(req)
	if err != nil {
		fw.DurationMS = ms(time.Since(start))
		return l.forwardFailed(fw, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, l.cfg.MaxBody))
	fw.DurationMS = ms(time.Since(start))
	fw.Status = resp.StatusCode
	fw.Body = excerpt(body, excerptSize)
	if err != nil {
		fw.Error = "reading the app's answer: " + err.Error()
	}
	if resp.StatusCode/100 != 2 {
		l.n.fwdFail.Add(1)
	}
	return resp.StatusCode, body, resp.Header.Get("Content-Type")
}

// ForwardURL is where a request for u, taken under the listen prefix, is
// forwarded, as a reverse proxy maps it: the part of u's path below the
// prefix is added to the path of base, and u's query to base's. A delivery
// to the prefix itself goes to base exactly. A base that does not parse is
// returned as it is, for the request to fail on it.
//
//	base http://127.0.0.1:3000/webhooks, prefix /:
//	  /            -> http://127.0.0.1:3000/webhooks
//	  /permit?v=2  -> http://127.0.0.1:3000/webhooks/permit?v=2
func ForwardURL(base, prefix string, u *url.URL) string {
	rest := strings.TrimPrefix(u.EscapedPath(), strings.TrimSuffix(prefix, "/"))
	rest = strings.TrimPrefix(rest, "/")
	if rest == "" && u.RawQuery == "" {
		return base
	}
	b, err := url.Parse(base)
	if err != nil {
		return base
	}
	if rest != "" {
		joined := strings.TrimSuffix(b.EscapedPath(), "/") + "/" + rest
		if p, err := url.PathUnescape(joined); err == nil {
			b.Path, b.RawPath = p, joined
		}
	}
	switch {
	case b.RawQuery == "":
		b.RawQuery = u.RawQuery
	case u.RawQuery != "":
		b.RawQuery += "&" + u.RawQuery
	}
	return b.String()
}

func (l *Listener) forwardFailed(fw *record.Forward, err error) (int, []byte, string) {
	l.n.fwdFail.Add(1)
	fw.Error = l.masker.maskQuery(err.Error()) // a *url.Error names the URL
	return http.StatusBadGateway, []byte("webhook-tool listen could not reach --forward-to " + fw.URL + ": " + err.Error() + "\n"), ""
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
