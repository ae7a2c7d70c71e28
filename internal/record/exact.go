package record

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// What arrived, kept byte for byte where a JSON string cannot hold it: a
// record is JSON, and a JSON string is UTF-8, so a byte that is not UTF-8
// would come back as U+FFFD. The body has body_encoding; the path keeps its
// escaped form (path_raw), the query escapes such bytes, and a header value
// holding one keeps its bytes in headers_base64. Each is written only when
// needed, so a plain delivery's record is as it always was and costs no
// more.

// RawPath is u's path as it was sent, escaped, when u.Path alone does not
// give it back, and "" when it does (nearly always): when the path holds an
// escaped byte that is not UTF-8 (/p%FF), or an escape other than the
// one Path would be given again (/a%2Fb, /%41). A byte that is not UTF-8
// sent unescaped is kept escaped.
func RawPath(u *url.URL) string {
	valid := utf8.ValidString(u.Path)
	if u.RawPath == "" && valid {
		return ""
	}
	esc := u.EscapedPath()
	if valid && esc == (&url.URL{Path: u.Path}).EscapedPath() {
		return ""
	}
	return esc
}

// Query is a raw query as a record keeps it: as it was sent, with each byte
// that is not UTF-8 escaped (%FF), as a server reads it the same. It is raw
// itself when it is UTF-8.
func Query(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRuneInString(raw[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, "%%%02X", raw[i])
		} else {
			b.WriteString(raw[i : i+n])
		}
		i += n
	}
	return b.String()
}

// HeaderBytes is the headers_base64 of h: for each header whose value, as
// FlattenHeaders records it (joined and passed through redact), is not
// UTF-8, that value's bytes in base64. It is nil when every value is UTF-8.
func HeaderBytes(h http.Header, redact func(name, value string) string) Headers {
	var m Headers
	for k, vs := range h {
		valid := true
		for _, v := range vs {
			valid = valid && utf8.ValidString(v)
		}
		if valid {
			continue
		}
		v := strings.Join(vs, ", ")
		if redact != nil {
			v = redact(k, v)
		}
		if utf8.ValidString(v) {
			continue
		}
		if m == nil {
			m = Headers{}
		}
		m[k] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	return m
}

// ExactHeaders is the record's headers with the exact bytes of those kept
// in headers_base64: Headers itself when there are none. An exact value
// stands in only for the header value it is the readable form of: one
// masked or edited in Headers since (the inspector masks a file's
// signature headers, say) wins, so no byte it hides comes back.
func (r *Record) ExactHeaders() (Headers, error) {
	if len(r.HeadersBase64) == 0 {
		return r.Headers, nil
	}
	m := make(Headers, len(r.Headers))
	for k, v := range r.Headers {
		m[k] = v
	}
	for k, enc := range r.HeadersBase64 {
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("record %d: header %s in headers_base64 is not valid base64: %w", r.Seq, k, err)
		}
		if v, ok := r.Headers[k]; ok && readable(string(b)) == v {
			m[k] = string(b)
		}
	}
	return m, nil
}

// readable is s as a JSON string holds it: each byte that is not UTF-8 as
// U+FFFD, as encoding/json (and the record line) writes it.
func readable(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// URL is the path and query the request was sent to, as they were sent:
// path_raw when the record has one (and it unescapes), else path.
func (r *Record) URL() *url.URL {
	u := &url.URL{Path: r.Path, RawQuery: r.Query}
	if r.PathRaw != "" {
		if p, err := url.PathUnescape(r.PathRaw); err == nil {
			u.Path, u.RawPath = p, r.PathRaw
		}
	}
	return u
}
