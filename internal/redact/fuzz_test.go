package redact

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMask: a configured secret of minInTextSecret characters or more never
// survives masking, in text, in a path, or escaped in a query.
func FuzzMask(f *testing.F) {
	f.Add("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "token=", "&x=1")
	f.Add("s3cr3t-token", "/hooks/", "/x")
	f.Add("with space+plus/slash", "a", "b")
	f.Fuzz(func(t *testing.T, secret, pre, post string) {
		if utf8.RuneCountInString(secret) < minInTextSecret || strings.Contains(secret, "*") || !utf8.ValidString(secret) {
			return
		}
		m := NewMasker([]string{secret})
		if got := m.Mask(pre + secret + post); strings.Contains(got, secret) {
			t.Fatalf("Mask(%q) = %q", pre+secret+post, got)
		}
		if got := m.MaskPath(pre + secret + post); strings.Contains(got, secret) {
			t.Fatalf("MaskPath = %q", got)
		}
		for _, esc := range []string{url.QueryEscape(secret), url.PathEscape(secret)} {
			if got := m.MaskQuery("q=" + esc + "&" + pre); strings.Contains(got, esc) {
				t.Fatalf("MaskQuery(%q) = %q", esc, got)
			}
		}
	})
}
