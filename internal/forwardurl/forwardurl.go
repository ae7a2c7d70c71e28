// Package forwardurl maps a request that `listen` took under its path prefix
// to the URL it passes it on to (--forward-to), as a reverse proxy maps it,
// without ever climbing above that URL's path. `replay` maps a recorded
// request's path onto its --to URL the same way.
package forwardurl

import (
	"net/url"
	"strings"
)

// Target is where a request for u, taken under the listen prefix, is
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
func Target(base, prefix string, u *url.URL) string {
	b, err := Parse(base)
	if err != nil {
		return base
	}
	return Join(b, prefix, u).String()
}

// Shown is how a --forward-to URL is shown: its password, if it has
// one, replaced (user:xxxxx@) and its fragment dropped. A URL that does not
// parse is shown as "(invalid URL)", as it may hold a password.
func Shown(raw string) string {
	b, err := Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return b.Redacted()
}

// Parse parses a --forward-to URL, without its fragment.
func Parse(raw string) (*url.URL, error) {
	b, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	b.Fragment, b.RawFragment = "", ""
	return b, nil
}

// Join is Target for a parsed base, which it leaves as it is.
func Join(base *url.URL, prefix string, u *url.URL) *url.URL {
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
