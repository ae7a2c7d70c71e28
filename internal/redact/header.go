package redact

import "strings"

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
	n := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), "_", "-"))
	if n == "authorization" || n == "proxy-authorization" {
		v := strings.TrimSpace(value)
		if word, rest, ok := strings.Cut(v, " "); ok && word != "" && strings.TrimSpace(rest) != "" {
			return word + " " + Mask
		}
		return Mask
	}
	if secretName(n) {
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
var notSecret = map[string]bool{
	"idempotency-key": true,
}

// secretName reports whether a lower-cased header name (with '_' as '-')
// suggests its value is a credential.
func secretName(n string) bool {
	if notSecret[n] {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	// A bare "key" segment (Key, X-Functions-Key, Ocp-Apim-Subscription-Key)
	// is almost always a credential.
	for seg := range strings.SplitSeq(n, "-") {
		if seg == "key" {
			return true
		}
	}
	return false
}
