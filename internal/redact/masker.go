package redact

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// minInTextSecret is the length, in characters, from which a secret is
// masked wherever its text occurs. A shorter one ("json", "abc") is too
// likely to be part of ordinary text (application/json, /orders.json), so
// it is masked only where it is a whole value: a whole header value, a
// whole query parameter value, a whole path segment, a whole callback id.
const minInTextSecret = 6

// standardPrefix starts a Standard Webhooks secret; the base64 after it is
// the key itself, and is masked on its own too.
const standardPrefix = "whsec_"

// Masker replaces the text of the configured secrets with Mask wherever a
// client put it where a record or a listener's output shows it: a query
// parameter (?token=...), the path, a header whose name does not mark it as
// a credential (a secret pasted into webhook-signature, say), a callback
// id, and what a --forward-to app answered. The zero value masks nothing.
//
// It is on every request's path, so a field that holds no secret costs one
// strings.Contains per secret form (a whsec_ secret and its key share one)
// plus one comparison per short secret, and allocates nothing.
type Masker struct {
	plain []formGroup // for unescaped text (a header value, the path)
	query []formGroup // for escaped text (a raw query, a URL): plain and escaped forms

	short    []string // secrets under minInTextSecret characters
	shortEsc []string // those and their escaped forms

	// runs finds what whole-text masking cannot: any MinRun
	// characters of a secret (a header value cut short in a reason), in
	// its base64 and hex forms, or needlessly escaped (secret%2Dtoken).
	runs *Runs
}

// formGroup is text to mask anywhere: forms, longest first, each of which
// contains probe, so text without probe needs no other look.
type formGroup struct {
	probe string
	forms []string
}

// NewMasker returns the Masker of secrets; empty ones are ignored.
func NewMasker(secrets []string) Masker {
	var m Masker
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if utf8.RuneCountInString(s) < minInTextSecret {
			m.short = appendForm(m.short, s)
			for _, esc := range escapes(s) {
				m.shortEsc = appendForm(m.shortEsc, esc)
			}
			continue
		}
		// The key of a whsec_ secret is masked alone too; every form of the
		// secret contains the same form of the key, so the key is the probe.
		key, std := strings.CutPrefix(s, standardPrefix)
		if std && utf8.RuneCountInString(key) < minInTextSecret {
			if key != "" {
				m.short = appendForm(m.short, key)
				for _, esc := range escapes(key) {
					m.shortEsc = appendForm(m.shortEsc, esc)
				}
			}
			std = false
		}
		m.plain = addGroup(m.plain, s, key, std)
		for _, esc := range escapes(s) {
			if std {
				// standardPrefix has nothing to escape: esc is the prefix
				// and the key's escaped form.
				m.query = addGroup(m.query, esc, esc[len(standardPrefix):], true)
			} else {
				m.query = addGroup(m.query, esc, "", false)
			}
		}
	}
	m.runs = New(secrets)
	// Longest first, so a secret that contains another is masked whole.
	sortGroups(m.plain)
	sortGroups(m.query)
	sortLongestFirst(m.short)
	sortLongestFirst(m.shortEsc)
	return m
}

// escapes are s and the forms a client may escape it to in a URL.
func escapes(s string) []string {
	forms := []string{s}
	for _, esc := range []string{url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")} {
		forms = appendForm(forms, esc)
		forms = appendForm(forms, lowerEscapes(esc))
	}
	return forms
}

// addGroup adds the group for secret form s (and key, when it has one).
func addGroup(groups []formGroup, s, key string, hasKey bool) []formGroup {
	g := formGroup{probe: s, forms: []string{s}}
	if hasKey {
		g = formGroup{probe: key, forms: []string{s, key}}
	}
	for _, h := range groups {
		if h.probe == g.probe {
			return groups
		}
	}
	return append(groups, g)
}

// Active reports whether m masks anything: whether any secret was given.
func (m *Masker) Active() bool { return len(m.plain) > 0 || len(m.short) > 0 || m.runs != nil }

// Longest is the length of the longest secret Mask finds anywhere in a
// value (0 when there is none): masking that much more of a text than an
// excerpt keeps leaves no part of a secret whole in the excerpt.
func (m *Masker) Longest() int {
	n := 0
	for _, g := range m.plain {
		n = max(n, len(g.forms[0]))
	}
	return n
}

// Mask masks the secrets in s, one whole value (a header value, a callback
// id, a reason, an answer): long ones anywhere in it, short ones when they
// are all of it. It returns s itself when no secret occurs.
func (m *Masker) Mask(s string) string {
	s = m.runs.Mask(maskGroups(s, m.plain))
	if isForm(s, m.short) {
		return Mask
	}
	return s
}

// Header is the header value a listener records and shows: Header's
// masking by name, then the secrets' text masked (Mask).
func (m *Masker) Header(name, value string) string {
	return m.Mask(Header(name, value))
}

// MaskPath masks the secrets in an unescaped path: short ones as whole
// segments.
func (m *Masker) MaskPath(p string) string {
	return m.runs.Mask(maskSegments(maskGroups(p, m.plain), m.short))
}

// MaskQuery masks the secrets in a raw (escaped) query string: short ones
// as whole parameter values.
func (m *Masker) MaskQuery(q string) string {
	q = maskQueryValues(maskGroups(q, m.query), m.shortEsc)
	if m.runs == nil || !strings.ContainsAny(q, "%+") {
		return m.runs.Mask(q)
	}
	return strings.TrimPrefix(m.runs.MaskURL("?"+q), "?")
}

// MaskText masks the secrets in escaped or unescaped text, such as an
// error naming a URL: short ones not at all, as the text has no values.
func (m *Masker) MaskText(s string) string { return m.runs.Mask(maskGroups(s, m.query)) }

// MaskURL masks the secrets in an escaped absolute URL: short ones as whole
// path segments and whole query parameter values.
func (m *Masker) MaskURL(u string) string {
	u = m.runs.MaskURL(maskGroups(u, m.query))
	if len(m.shortEsc) == 0 {
		return u
	}
	rest, query, hasQuery := strings.Cut(u, "?")
	start := 0
	if i := strings.Index(rest, "://"); i >= 0 {
		// The path starts after the host, which is not masked.
		start = i + 3
		if j := strings.IndexByte(rest[start:], '/'); j >= 0 {
			start += j
		} else {
			start = len(rest)
		}
	}
	p := maskSegments(rest[start:], m.shortEsc)
	q := maskQueryValues(query, m.shortEsc)
	if p == rest[start:] && q == query {
		return u
	}
	if hasQuery {
		return rest[:start] + p + "?" + q
	}
	return rest[:start] + p
}

func maskGroups(s string, groups []formGroup) string {
	for _, g := range groups {
		if len(s) >= len(g.probe) && strings.Contains(s, g.probe) {
			for _, f := range g.forms {
				s = strings.ReplaceAll(s, f, Mask)
			}
		}
	}
	return s
}

func isForm(s string, forms []string) bool {
	for _, f := range forms {
		if s == f {
			return true
		}
	}
	return false
}

// maskSegments masks the /-separated segments of p that are one of forms.
func maskSegments(p string, forms []string) string {
	return maskParts(p, forms, '/', false)
}

// maskQueryValues masks the values of the &-separated parameters of q that
// are one of forms.
func maskQueryValues(q string, forms []string) string {
	return maskParts(q, forms, '&', true)
}

// maskParts masks the parts of s between sep that are one of forms (with
// values, the part after its first '='). It allocates only when one is.
func maskParts(s string, forms []string, sep byte, values bool) string {
	if len(forms) == 0 || s == "" {
		return s
	}
	var b []byte // nil until a part is masked
	last := 0    // s[:last] is in b
	for i := 0; i <= len(s); {
		j := strings.IndexByte(s[i:], sep)
		if j < 0 {
			j = len(s)
		} else {
			j += i
		}
		v := i
		if values {
			if k := strings.IndexByte(s[i:j], '='); k >= 0 {
				v = i + k + 1
			} else {
				v = j // a bare key has no value
			}
		}
		if v < j && isForm(s[v:j], forms) {
			b = append(b, s[last:v]...)
			b = append(b, Mask...)
			last = j
		}
		i = j + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

func appendForm(forms []string, f string) []string {
	for _, g := range forms {
		if g == f {
			return forms
		}
	}
	return append(forms, f)
}

func sortLongestFirst(forms []string) {
	for i := 1; i < len(forms); i++ {
		for j := i; j > 0 && len(forms[j]) > len(forms[j-1]); j-- {
			forms[j], forms[j-1] = forms[j-1], forms[j]
		}
	}
}

func sortGroups(groups []formGroup) {
	for i := 1; i < len(groups); i++ {
		for j := i; j > 0 && len(groups[j].forms[0]) > len(groups[j-1].forms[0]); j-- {
			groups[j], groups[j-1] = groups[j-1], groups[j]
		}
	}
}

// lowerEscapes writes the %XX escapes of s in lower case, as some clients
// send them.
func lowerEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for k := i + 1; k <= i+2; k++ {
				if 'A' <= b[k] && b[k] <= 'F' {
					b[k] += 'a' - 'A'
				}
			}
			i += 2
		}
	}
	return string(b)
}
