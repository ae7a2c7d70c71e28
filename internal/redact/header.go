package redact

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Header returns a header value safe to print, log or record.
//
// Authorization and Proxy-Authorization keep their scheme word ("Bearer ****",
// "Basic ****"), since which scheme a request used is what one debugs. Any
// header whose name suggests a credential (secret, token, password, api key,
// session, cookie, auth...) becomes "****". Signature headers are left alone:
// an HMAC does not reveal its key, and seeing it is how one debugs a
// mismatch. An empty value stays empty: there is nothing to hide.
func Header(name, value string) string {
	if value == "" {
		return ""
	}
	switch classify(name) {
	case authHeader:
		v := strings.TrimSpace(value)
		if word, rest, ok := strings.Cut(v, " "); ok && word != "" && strings.TrimSpace(rest) != "" {
			return word + " " + Mask
		}
		return Mask
	case secretHeader:
		return Mask
	}
	return value
}

// Masked reports whether a header value is one Header masked ("****", or
// "Bearer ****"): what a record holds is then not what was sent.
func Masked(value string) bool {
	return value == Mask || strings.HasSuffix(value, " "+Mask)
}

// secretWords are name fragments that mark a header as carrying a
// credential. Matching fragments rather than a fixed list catches the many
// vendor spellings (X-Api-Key, X-Auth-Token, X-Gitlab-Token, Cookie...).
var secretWords = []string{
	"secret", "token", "password", "passwd", "credential", "auth",
	"api-key", "apikey", "access-key", "private-key", "session", "cookie",
}

// notSecret lists names a fragment rule would catch wrongly and that people
// need to see.
var notSecret = []string{"idempotency-key"}

// authNames keep their scheme word when masked.
var authNames = []string{"authorization", "proxy-authorization"}

type headerClass uint8

const (
	plainHeader  headerClass = iota
	authHeader               // masked but for its scheme word
	secretHeader             // masked whole
)

// classify says how Header masks a header by its name: compared trimmed,
// in lower case and with '_' as '-'. It runs for every header of every
// delivery, so an ASCII name (any a client can send over HTTP) is compared
// as it is, folding byte by byte, without building the lower-case copy;
// and only for the fragments whose letters all occur in the name.
func classify(name string) headerClass {
	n := strings.TrimSpace(name)
	var letters uint32 // bit c-'a' for each letter c in the name
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c >= utf8.RuneSelf {
			return classifyLower(strings.ToLower(strings.ReplaceAll(n, "_", "-")))
		}
		if c = fold(c); 'a' <= c && c <= 'z' {
			letters |= 1 << (c - 'a')
		}
	}
	for _, a := range authNames {
		if equalFolded(n, a) {
			return authHeader
		}
	}
	for _, ns := range notSecret {
		if equalFolded(n, ns) {
			return plainHeader
		}
	}
	for k, w := range secretWords {
		if wordLetters[k]&^letters == 0 && containsFolded(n, w) {
			return secretHeader
		}
	}
	// A bare "key" segment (Key, X-Functions-Key, Ocp-Apim-Subscription-Key)
	// is almost always a credential.
	if keyLetters&^letters == 0 {
		for start := 0; start <= len(n); {
			end := start
			for end < len(n) && fold(n[end]) != '-' {
				end++
			}
			if equalFolded(n[start:end], "key") {
				return secretHeader
			}
			start = end + 1
		}
	}
	return plainHeader
}

// classifyLower is classify of a name already trimmed, lower-cased and with
// '_' as '-'.
func classifyLower(n string) headerClass {
	for _, a := range authNames {
		if n == a {
			return authHeader
		}
	}
	if secretName(n) {
		return secretHeader
	}
	return plainHeader
}

// fold is an ASCII byte as classify compares it: lower case, '_' as '-'.
func fold(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	if c == '_' {
		return '-'
	}
	return c
}

// equalFolded reports whether ASCII s folds to want (folded already).
func equalFolded(s, want string) bool {
	if len(s) != len(want) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if fold(s[i]) != want[i] {
			return false
		}
	}
	return true
}

// containsFolded reports whether ASCII s holds w (folded already) folded.
func containsFolded(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if fold(s[i]) == w[0] && equalFolded(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// wordLetters are the letters of each of secretWords, as classify keeps
// them; keyLetters those of "key".
var (
	wordLetters = func() []uint32 {
		t := make([]uint32, len(secretWords))
		for k, w := range secretWords {
			t[k] = lettersOf(w)
		}
		return t
	}()
	keyLetters = lettersOf("key")
)

func lettersOf(w string) uint32 {
	var m uint32
	for i := 0; i < len(w); i++ {
		if 'a' <= w[i] && w[i] <= 'z' {
			m |= 1 << (w[i] - 'a')
		}
	}
	return m
}

// secretName reports whether a lower-cased header name (with '_' as '-')
// suggests its value is a credential.
func secretName(n string) bool {
	if slices.Contains(notSecret, n) {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	for seg := range strings.SplitSeq(n, "-") {
		if seg == "key" {
			return true
		}
	}
	return false
}
