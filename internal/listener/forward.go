package listener

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	outbound "github.com/webhook-tool/webhook-tool/internal/delivery"
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
		CheckRedirect: outbound.NoRedirects,
	}
}

// excerptSize is how much of the app's answer goes in the record and output.
const excerptSize = 1024

// forward passes the delivery, raw body and headers unchanged, to the app
// and returns what the sender should get: the app's status and body, or 502
// when the app could not be reached.
func (l *Listener) forward(r *http.Request, d *delivery) (int, []byte, string) {
	l.n.fwd.Add(1)
	target := l.cfg.ForwardTo
	shown := target
	if l.fwdBase != nil {
		t := forwardURL(l.fwdBase, l.prefix, r.URL)
		target = t.String()
		shown = target
		if _, ok := t.User.Password(); ok {
			shown = t.Redacted() // the app gets the password; the record does not
		}
	}
	// The record shows the URL with any secret the client put in the
	// query or path masked; the app gets the request as it was sent.
	fw := &record.Forward{URL: l.masker.maskURL(shown)}
	d.rec.Forward = fw
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(d.body))
	if err != nil {
		return l.forwardFailed(fw, target, err)
	}
	req.Header = r.Header.Clone()
	for _, h := range outbound.HopByHop {
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
//	  /a/../../x   -> http://127.0.0.1:3000/webhooks/x
//
// Dot segments below the prefix (. and .., escaped or not) are resolved
// and never climb above base's path. base's fragment is dropped: it is never
// sent over HTTP.
func ForwardURL(base, prefix string, u *url.URL) string {
	b, err := parseForwardTo(base)
	if err != nil {
		return base
	}
	return forwardURL(b, prefix, u).String()
}

// ForwardShown is how a --forward-to URL is shown: its password, if it has
// one, replaced (user:xxxxx@) and its fragment dropped. A URL that does not
// parse is shown as "(invalid URL)", as it may hold a password.
func ForwardShown(raw string) string {
	b, err := parseForwardTo(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return b.Redacted()
}

// parseForwardTo parses a --forward-to URL, without its fragment.
func parseForwardTo(raw string) (*url.URL, error) {
	b, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	b.Fragment, b.RawFragment = "", ""
	return b, nil
}

// forwardURL is ForwardURL for a parsed base, which it leaves as it is.
func forwardURL(base *url.URL, prefix string, u *url.URL) *url.URL {
	b := *base
	rest := strings.TrimPrefix(u.EscapedPath(), strings.TrimSuffix(prefix, "/"))
	rest = cleanBelow(strings.TrimPrefix(rest, "/"))
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
	return &b
}

// cleanBelow resolves the dot segments (".", "..", escaped or not) of the
// escaped relative path rest, dropping any ".." that would climb above it.
// An escaped slash or backslash (%2F, %5C) counts as a separator here: an
// app that decodes it before cleaning its path (many do) would otherwise
// see /base/..%2F..%2Fetc as /etc. Separators are kept as they were sent,
// and rest is returned itself when it has no dot segment.
func cleanBelow(rest string) string {
	if !strings.Contains(rest, ".") && !strings.Contains(rest, "%2") && !strings.Contains(rest, "%5") {
		return rest
	}
	segs, seps := splitSegments(rest)
	type seg struct{ text, sep string } // sep: what followed text
	out := make([]seg, 0, len(segs))
	dots := false
	for i, text := range segs {
		switch dotSegment(text) {
		case 1:
			dots = true
		case 2:
			dots = true
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg{text, seps[i]})
			continue
		}
		if i == len(segs)-1 && len(out) > 0 {
			out[len(out)-1].sep = "/" // a/.. names the directory a/ was in
		}
	}
	if !dots {
		return rest
	}
	var b strings.Builder
	for _, sg := range out {
		b.WriteString(sg.text)
		b.WriteString(sg.sep)
	}
	return strings.TrimPrefix(b.String(), "/")
}

// splitSegments cuts the escaped path p at every separator, "/" or an
// escaped slash or backslash, returning the segments and, for each, the
// separator after it ("" for the last).
func splitSegments(p string) (segs, seps []string) {
	last := 0
	for i := 0; i < len(p); i++ {
		n := 0
		switch {
		case p[i] == '/':
			n = 1
		case p[i] == '%' && i+2 < len(p) && isEscapedSeparator(p[i+1], p[i+2]):
			n = 3
		}
		if n > 0 {
			segs, seps = append(segs, p[last:i]), append(seps, p[i:i+n])
			i += n - 1
			last = i + 1
		}
	}
	return append(segs, p[last:]), append(seps, "")
}

// isEscapedSeparator reports whether %hi lo is an escaped '/' or '\'.
func isEscapedSeparator(hi, lo byte) bool {
	return (hi == '2' && (lo == 'F' || lo == 'f')) || (hi == '5' && (lo == 'C' || lo == 'c'))
}

// dotSegment is 1 for a "." segment, 2 for "..", each dot possibly escaped
// (%2e or %2E), and 0 for any other.
func dotSegment(seg string) int {
	n := 0
	for seg != "" {
		switch {
		case seg[0] == '.':
			seg = seg[1:]
		case len(seg) >= 3 && seg[0] == '%' && seg[1] == '2' && (seg[2] == 'e' || seg[2] == 'E'):
			seg = seg[3:]
		default:
			return 0
		}
		n++
	}
	if n > 2 {
		return 0
	}
	return n
}

// forwardFailed answers 502 for an app that could not be reached. The
// error, recorded and sent back, names the URL as the record shows it.
func (l *Listener) forwardFailed(fw *record.Forward, target string, err error) (int, []byte, string) {
	l.n.fwdFail.Add(1)
	fw.Error = l.forwardError("", target, fw.URL, err)
	return http.StatusBadGateway, []byte("webhook-tool listen could not reach --forward-to " + fw.URL + ": " + fw.Error + "\n"), ""
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
	return l.masker.maskText(what + msg)
}

// maskedExcerpt is the start of the app's answer b, at most n bytes, with
// the secrets masked. A secret that straddles the cut is masked too: enough
// of b is masked for the cut to fall before any secret left whole.
func (l *Listener) maskedExcerpt(b []byte, n int) string {
	if !l.masker.active() {
		return excerpt(b, n)
	}
	margin := 1 // so that a longer b is seen to be cut
	for _, g := range l.masker.plain {
		margin = max(margin, len(g.forms[0]))
	}
	end := min(len(b), n+margin)
	s := l.masker.mask(string(b[:end]))
	for end < len(b) && len(s) < n+margin {
		// Masking shortened the text: mask more, so that what is cut
		// to n bytes holds no part of an unmasked secret.
		end = min(len(b), end+n+margin)
		s = l.masker.mask(string(b[:end]))
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
