// Package signature owns the webhook signing schemes webhook-tool speaks:
// Standard Webhooks (its v1 HMAC and v1a Ed25519 signatures, and its Svix
// header aliases), GitHub, Stripe, a bearer token as Permit.io Elements sends
// it, and none. It computes the headers a sender attaches (Sign) and checks
// the headers a receiver got (Verify, Detect). Hiding secrets in headers
// shown to people is internal/redact's.
//
// It is pure computation: no flags, no config, no network. Callers pass the
// secrets, the clock and the headers in, so the send, listen, sign, verify and
// replay commands all share one implementation and one set of messages.
//
// Every comparison of a signature or token is constant-time, and no message or
// error this package produces contains a secret.
package signature

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Scheme names a signing scheme as the --scheme flag spells it.
type Scheme string

// The signing schemes, plus Auto, which only Verify accepts.
const (
	Standard Scheme = "standard" // Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature
	GitHub   Scheme = "github"   // X-Hub-Signature-256: sha256=<hex>
	Stripe   Scheme = "stripe"   // Stripe-Signature: t=<unix>,v1=<hex>
	Bearer   Scheme = "bearer"   // Authorization: Bearer <secret>
	None     Scheme = "none"     // unsigned
	Auto     Scheme = "auto"     // verify only: detect the scheme from the headers present
)

// Header names, spelled as the schemes' own documentation spells them. Sign
// emits these exact spellings; lookups go through Headers.Get, which for
// net/http is case-insensitive.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
	HeaderSvixID           = "svix-id"
	HeaderSvixTimestamp    = "svix-timestamp"
	HeaderSvixSignature    = "svix-signature"
	HeaderGitHubSignature  = "X-Hub-Signature-256"
	HeaderGitHubSHA1       = "X-Hub-Signature" // legacy SHA-1; recognised only to explain why it is not enough
	HeaderStripeSignature  = "Stripe-Signature"
	HeaderAuthorization    = "Authorization"
)

// standardSecretPrefix marks a Standard Webhooks secret whose key is the
// base64 text after it.
const standardSecretPrefix = "whsec_"

// Schemes returns the five signing schemes, in the order help text and shell
// completion should list them. Auto is left out: it is not a way to sign.
func Schemes() []Scheme {
	return []Scheme{Standard, GitHub, Stripe, Bearer, None}
}

// ParseScheme turns a --scheme value into a Scheme. It accepts the five
// signing schemes and "auto", ignoring case and surrounding space, because
// the value often comes from an environment variable or a config file.
func ParseScheme(s string) (Scheme, error) {
	v := Scheme(strings.ToLower(strings.TrimSpace(s)))
	switch v {
	case Standard, GitHub, Stripe, Bearer, None, Auto:
		return v, nil
	}
	return "", fmt.Errorf("unknown signature scheme %q; valid schemes: %s", s, validNames())
}

// validNames lists what ParseScheme accepts, for error messages.
func validNames() string {
	return joinSchemes(append(Schemes(), Auto))
}

// Header is one header to send, in the spelling the scheme documents.
type Header struct {
	Name  string
	Value string
}

// Headers is what Verify and Detect read. net/http's http.Header satisfies
// it, so a handler can pass r.Header straight in.
type Headers interface {
	Get(key string) string
	Values(key string) []string
}

// Detect names the scheme the headers carry: Standard (also for the svix-*
// aliases), Stripe, GitHub or Bearer, else None.
//
// Any header of a scheme's set is enough to detect it, so a request carrying
// webhook-id but no webhook-signature is reported by Verify as "missing
// webhook-signature header" rather than as unsigned. When several schemes'
// headers are present, the ones that sign the body win over a bare
// Authorization header, which proxies and gateways add for their own reasons.
func Detect(h Headers) Scheme {
	switch {
	case present(h, HeaderWebhookSignature, HeaderWebhookID, HeaderWebhookTimestamp,
		HeaderSvixSignature, HeaderSvixID, HeaderSvixTimestamp):
		return Standard
	case present(h, HeaderStripeSignature):
		return Stripe
	case present(h, HeaderGitHubSignature, HeaderGitHubSHA1):
		return GitHub
	case present(h, HeaderAuthorization):
		return Bearer
	}
	return None
}

// present reports whether any of the names has a value. An empty value
// counts as present: the sender meant to send the header.
func present(h Headers, names ...string) bool {
	for _, n := range names {
		if len(values(h, n)) > 0 {
			return true
		}
	}
	return false
}

// MessageID returns the Standard Webhooks message id (webhook-id, or its
// svix-id alias), "" when there is none. Receivers use it to spot
// redeliveries of the same message.
func MessageID(h Headers) string {
	if id := get(h, HeaderWebhookID); id != "" {
		return id
	}
	return get(h, HeaderSvixID)
}

// get and values read the header name (one of the Header names above).
// http.Header keys its values by the canonical form of a name, and makes
// a canonical copy of any other name it is asked for: six allocations a
// Standard Webhooks delivery, when the lower-case names are looked up as
// they are spelled.
func get(h Headers, name string) string      { return h.Get(canonicalKey(name)) }
func values(h Headers, name string) []string { return h.Values(canonicalKey(name)) }

// canonicalKey is textproto.CanonicalMIMEHeaderKey of the Header names
// that are not spelled canonically (a test holds them to it).
func canonicalKey(name string) string {
	switch name {
	case HeaderWebhookID:
		return "Webhook-Id"
	case HeaderWebhookTimestamp:
		return "Webhook-Timestamp"
	case HeaderWebhookSignature:
		return "Webhook-Signature"
	case HeaderSvixID:
		return "Svix-Id"
	case HeaderSvixTimestamp:
		return "Svix-Timestamp"
	case HeaderSvixSignature:
		return "Svix-Signature"
	}
	return name
}

// ErrNoSecret is wrapped by the error Sign and CheckSecret return when a
// scheme other than None is given an empty secret, so a command can answer
// with a hint about --secret rather than a generic failure.
var ErrNoSecret = errors.New("no secret given")

// CheckSecret reports whether secret can be used with scheme, without
// signing anything: a command can reject a bad --secret at start-up instead
// of on the first delivery. Under the standard scheme a whsk_ or whpk_ key
// must be a well-formed Ed25519 key; a whpk_ key passes (it verifies), and
// CheckSigningSecret refuses it where a command signs. The error never
// contains the secret.
func CheckSecret(scheme Scheme, secret string) error {
	switch scheme {
	case None, Auto:
		return nil
	case Standard, GitHub, Stripe, Bearer:
	default:
		return fmt.Errorf("unknown signature scheme %q; valid schemes: %s", string(scheme), validNames())
	}
	if secret == "" {
		return fmt.Errorf("%w; the %s scheme needs one", ErrNoSecret, scheme)
	}
	switch scheme {
	case Standard:
		if KindOf(secret) != HMACSecret {
			_, err := parseEdKey(secret)
			return err
		}
		_, err := standardKey(secret)
		return err
	case Bearer:
		return checkBearerSecret(secret)
	}
	return nil
}

// standardKey derives the HMAC key from a Standard Webhooks secret: the
// base64 after "whsec_", or, without the prefix, the secret's own bytes.
func standardKey(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, standardSecretPrefix)
	if !ok {
		return []byte(secret), nil
	}
	// Standard Webhooks secrets are padded standard base64; accept the
	// unpadded form too, since padding is easily lost when a secret is
	// copied into a shell or an environment file.
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(enc)
	}
	if err != nil {
		return nil, errors.New("the secret starts with whsec_ but the rest is not valid base64; " +
			"copy the whole secret, or drop the whsec_ prefix to use the text itself as the key")
	}
	if len(key) == 0 {
		return nil, errors.New("the secret is only the whsec_ prefix; the key after it is empty")
	}
	return key, nil
}

// checkBearerSecret rejects secrets that cannot travel in a header value:
// a line break would end the header (or split it into two), and net/http
// refuses to send such a value anyway.
func checkBearerSecret(secret string) error {
	if strings.ContainsAny(secret, "\r\n\x00") {
		return errors.New("the bearer secret contains a line break or NUL byte, which cannot be sent in an Authorization header")
	}
	return nil
}

// tokenDigest hashes a bearer token so the constant-time comparison runs
// over equal-length inputs and does not reveal the secret's length.
func tokenDigest(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}
