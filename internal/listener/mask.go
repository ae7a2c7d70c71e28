package listener

import (
	"net/url"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// secretMasker replaces the text of the configured secrets with
// signature.Mask wherever a client put it where the record shows it: a
// query parameter (?token=...), the path, or a header whose name does not
// mark it as a credential (a secret pasted into webhook-signature, say).
//
// It is on every request's path, so a field that holds no secret costs one
// strings.Contains per secret form and allocates nothing.
type secretMasker struct {
	plain []string // the secrets, longest first
	query []string // the secrets and their query-escaped forms
}

func newSecretMasker(secrets []string) secretMasker {
	var m secretMasker
	for _, s := range secrets {
		if s == "" {
			continue
		}
		m.plain = appendForm(m.plain, s)
		m.query = appendForm(m.query, s)
		for _, esc := range []string{url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")} {
			m.query = appendForm(m.query, esc)
			m.query = appendForm(m.query, lowerEscapes(esc))
		}
	}
	// Longest first, so a secret that contains another is masked whole.
	sortLongestFirst(m.plain)
	sortLongestFirst(m.query)
	return m
}

func (m *secretMasker) active() bool { return len(m.plain) > 0 }

// mask returns s with every configured secret replaced by signature.Mask;
// s itself when none occurs.
func (m *secretMasker) mask(s string) string { return maskForms(s, m.plain) }

// maskQuery is mask for a raw (escaped) query string.
func (m *secretMasker) maskQuery(s string) string { return maskForms(s, m.query) }

func maskForms(s string, forms []string) string {
	for _, f := range forms {
		if len(s) >= len(f) && strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, signature.Mask)
		}
	}
	return s
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
