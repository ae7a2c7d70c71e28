package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTolerance is how far a signed timestamp may be from the clock, in
// either direction, when VerifyOptions.Tolerance is zero. It is the window
// Standard Webhooks and Stripe both recommend.
const DefaultTolerance = 5 * time.Minute

// macSize is the length of every signature these schemes carry: SHA-256.
const macSize = sha256.Size

// VerifyOptions configures Verify. The zero value accepts only unsigned
// requests: set Secrets to require a signature.
type VerifyOptions struct {
	// Scheme to verify. Auto (or "") detects it from the headers present.
	Scheme Scheme
	// Secrets that may have signed the request; any match is valid, so an
	// old and a new secret can both be accepted while a sender rotates.
	// Empty strings are ignored.
	Secrets []string
	// Tolerance is how far the signed timestamp (Standard, Stripe) may lie
	// from Now, in either direction. 0 means DefaultTolerance; a negative
	// value turns the check off, for verifying recorded deliveries later.
	Tolerance time.Duration
	// Now is the verifier's clock; the zero time means time.Now().
	Now time.Time
}

// Result is the verdict on one request.
type Result struct {
	Scheme Scheme      // the scheme verified: the detected one when Auto was asked for
	Valid  bool        // the request is signed by one of the secrets (or unsigned, with none configured)
	Reason string      // "" when valid; else a lowercase sentence a person can act on, naming the header
	Kind   FailureKind // NoFailure when valid
	// Header is the header the failure concerns ("" when valid, or when no
	// single header is at fault).
	Header string
	// SecretIndex is the index in VerifyOptions.Secrets of the secret that
	// matched, so a receiver can tell when senders still use an old secret.
	// Meaningful only when Valid and Scheme is not None.
	SecretIndex int
}

func fail(s Scheme, kind FailureKind, header, reason string) Result {
	return Result{Scheme: s, Kind: kind, Header: header, Reason: reason}
}

func failf(s Scheme, kind FailureKind, header, format string, args ...any) Result {
	return fail(s, kind, header, fmt.Sprintf(format, args...))
}

// secret is one configured secret with its position in VerifyOptions.Secrets.
type secret struct {
	index int
	value string
}

// Verify checks the headers a request arrived with against its body.
//
// With no secrets configured only an unsigned request (scheme None, given
// or detected) is valid; anything else fails with NoSecret, because nothing
// can be checked. With secrets configured an unsigned request fails: a
// receiver that holds a secret expects its deliveries signed.
//
// The signature is checked before the timestamp, so a timestamp failure
// means the signature itself was good: the delivery is a replay, or one of
// the clocks is off.
//
// Verify reads opts anew on every call; a caller that checks many requests
// with the same options makes a Verifier once instead.
func Verify(opts VerifyOptions, h Headers, body []byte) Result {
	var v Verifier
	v.read(opts)
	return v.Verify(h, body, opts.Now)
}

// Verifier is Verify with its options read once: the secrets sorted out,
// and the Standard Webhooks keys decoded (base64, Ed25519) the first time a
// request needs them rather than for every request. listen makes one for
// its run. It is safe for concurrent use.
type Verifier struct {
	opts    VerifyOptions // as given, for Options
	scheme  Scheme
	secrets []secret
	total   int // len(VerifyOptions.Secrets), for "secret i of n"
	tol     time.Duration
	v1, v1a bool // the Standard versions the secrets can check (kindsOf)

	once    sync.Once
	derived derivedKeys // once done
}

// derivedKeys are the Standard keys deriveStandardKeys read from the
// secrets, or, when one is broken, the failure every Standard request gets.
type derivedKeys struct {
	keys    standardKeys
	failure Result
	ok      bool
}

// NewVerifier reads opts for a Verifier; its Now is not kept, as each
// request is checked against a clock of its own (Verifier.Verify).
func NewVerifier(opts VerifyOptions) *Verifier {
	v := &Verifier{}
	v.read(opts)
	return v
}

func (v *Verifier) read(opts VerifyOptions) {
	v.opts = opts
	v.scheme, v.total, v.tol = opts.Scheme, len(opts.Secrets), opts.Tolerance
	if v.scheme == "" {
		v.scheme = Auto
	}
	if v.tol == 0 {
		v.tol = DefaultTolerance
	}
	v.secrets = make([]secret, 0, len(opts.Secrets))
	for i, s := range opts.Secrets {
		if s != "" {
			v.secrets = append(v.secrets, secret{i, s})
		}
	}
	v.v1, v.v1a = kindsOf(v.secrets)
}

// Options returns the options the Verifier was made from, with now as
// their clock: what the doctor (Diagnose) needs for a request it failed.
func (v *Verifier) Options(now time.Time) VerifyOptions {
	o := v.opts
	o.Now = now
	return o
}

// keys derives the Standard keys the first time a request needs them.
func (v *Verifier) keys() *derivedKeys {
	v.once.Do(v.derive)
	return &v.derived
}

func (v *Verifier) derive() {
	d := &v.derived
	d.keys, d.failure, d.ok = deriveStandardKeys(v.secrets, v.total)
}

// Verify checks a request as the package's Verify does, with now as the
// clock for its signed timestamp (the zero time: time.Now()).
func (v *Verifier) Verify(h Headers, body []byte, now time.Time) Result {
	scheme := v.scheme
	detected := scheme == Auto
	if detected {
		scheme = Detect(h)
	}
	switch scheme {
	case Standard, GitHub, Stripe, Bearer, None:
	default:
		return failf(scheme, UnknownScheme, "",
			"unknown signature scheme %q; valid schemes: %s", string(scheme), validNames())
	}

	if scheme == None {
		switch {
		case len(v.secrets) == 0:
			return Result{Scheme: None, Valid: true}
		case detected:
			return fail(None, MissingHeader, "",
				"no signature header; a secret is configured, so a webhook-signature, svix-signature, "+
					"X-Hub-Signature-256, Stripe-Signature or Authorization header was expected")
		default:
			return fail(None, MissingHeader, "",
				"no signature header; the none scheme checks none, yet a secret is configured: "+
					"choose the scheme the sender uses, or auto")
		}
	}
	if len(v.secrets) == 0 {
		return failf(scheme, NoSecret, "", "no secret is configured to verify the %s signature", scheme)
	}
	if now.IsZero() {
		now = time.Now()
	}

	switch scheme {
	case Standard:
		return v.verifyStandard(h, body, now)
	case GitHub:
		return verifyGitHub(v.secrets, h, body)
	case Stripe:
		return verifyStripe(v.secrets, h, body, now, v.tol)
	default: // Bearer
		return verifyBearer(v.secrets, h)
	}
}

// verifyGitHub checks X-Hub-Signature-256. GitHub's older X-Hub-Signature
// (SHA-1) is not accepted: it is only mentioned so the reason explains why a
// request carrying it alone fails.
func verifyGitHub(secrets []secret, h Headers, body []byte) Result {
	values := values(h, HeaderGitHubSignature)
	if len(values) == 0 {
		if present(h, HeaderGitHubSHA1) {
			return failf(GitHub, MissingHeader, HeaderGitHubSignature,
				"missing %s header; only the SHA-1 %s is present, and it is not accepted",
				HeaderGitHubSignature, HeaderGitHubSHA1)
		}
		return failf(GitHub, MissingHeader, HeaderGitHubSignature, "missing %s header", HeaderGitHubSignature)
	}

	var candidates [][]byte
	var sawPrefix bool
	for _, v := range values {
		enc, ok := strings.CutPrefix(strings.TrimSpace(v), "sha256=")
		if !ok {
			continue
		}
		sawPrefix = true
		if sig, err := hex.DecodeString(enc); err == nil && len(sig) == macSize {
			candidates = append(candidates, sig)
		}
	}
	if len(candidates) == 0 {
		if sawPrefix {
			return failf(GitHub, MalformedHeader, HeaderGitHubSignature,
				"malformed %s header: the value after sha256= is not a hex SHA-256 HMAC", HeaderGitHubSignature)
		}
		return failf(GitHub, MalformedHeader, HeaderGitHubSignature,
			"malformed %s header: expected \"sha256=<hex>\"", HeaderGitHubSignature)
	}

	for _, s := range secrets {
		m := getMAC([]byte(s.value))
		m.buf = githubMAC(m, m.buf, body)
		ok := anyEqual(m.buf, candidates)
		m.release()
		if ok {
			return Result{Scheme: GitHub, Valid: true, SecretIndex: s.index}
		}
	}
	return failf(GitHub, NoMatch, HeaderGitHubSignature,
		"no signature in %s matched the configured secret(s)", HeaderGitHubSignature)
}

// verifyStripe checks Stripe-Signature: comma-separated key=value pairs with
// one t= and one or more v1= entries (several during a secret roll). Other
// keys, such as Stripe's v0 test-mode signature, are skipped.
func verifyStripe(secrets []secret, h Headers, body []byte, now time.Time, tol time.Duration) Result {
	const name = HeaderStripeSignature
	values := values(h, name)
	if len(values) == 0 {
		return failf(Stripe, MissingHeader, name, "missing %s header", name)
	}

	var tRaw string
	var candidates [][]byte
	var sawV1 bool
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			key, val, _ := strings.Cut(strings.TrimSpace(item), "=")
			switch key {
			case "t":
				if tRaw == "" {
					tRaw = val
				}
			case "v1":
				sawV1 = true
				if sig, err := hex.DecodeString(val); err == nil && len(sig) == macSize {
					candidates = append(candidates, sig)
				}
			}
		}
	}
	if tRaw == "" {
		return failf(Stripe, MalformedHeader, name, "malformed %s header: no t= field", name)
	}
	ts, err := strconv.ParseInt(tRaw, 10, 64)
	if err != nil {
		return failf(Stripe, MalformedHeader, name,
			"malformed %s header: t=%s is not a unix timestamp in seconds", name, quoteShort(tRaw))
	}
	if len(candidates) == 0 {
		if sawV1 {
			return failf(Stripe, MalformedHeader, name,
				"malformed %s header: the v1= value is not a hex SHA-256 HMAC", name)
		}
		return failf(Stripe, MalformedHeader, name, "malformed %s header: no v1= signature", name)
	}

	matched := -1
	for _, s := range secrets {
		m := getMAC([]byte(s.value))
		m.buf = stripeMAC(m, m.buf, tRaw, body)
		ok := anyEqual(m.buf, candidates)
		m.release()
		if ok {
			matched = s.index
			break
		}
	}
	if matched < 0 {
		return failf(Stripe, NoMatch, name, "no signature in %s matched the configured secret(s)", name)
	}
	if r, ok := checkTimestamp(Stripe, name, ts, now, tol); !ok {
		return r
	}
	return Result{Scheme: Stripe, Valid: true, SecretIndex: matched}
}

// verifyBearer checks "Authorization: Bearer <secret>". The token is the
// secret itself, so no reason may quote any part of it.
func verifyBearer(secrets []secret, h Headers) Result {
	const name = HeaderAuthorization
	values := values(h, name)
	if len(values) == 0 {
		return failf(Bearer, MissingHeader, name, "missing %s header", name)
	}
	word, token, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	if !ok || !strings.EqualFold(word, "Bearer") {
		// Naming another auth scheme ("Basic") helps and reveals nothing;
		// any other text may be a bare secret, so say nothing of it.
		if ok && isSchemeWord(word) {
			return failf(Bearer, MalformedHeader, name,
				"malformed %s header: expected \"Bearer <secret>\", got the %s scheme", name, word)
		}
		return failf(Bearer, MalformedHeader, name, "malformed %s header: expected \"Bearer <secret>\"", name)
	}
	// Comparing digests keeps the comparison constant-time even when the
	// lengths differ, so timing does not reveal the secret's length.
	got := tokenDigest(strings.TrimSpace(token))
	for _, s := range secrets {
		if hmac.Equal(got, tokenDigest(s.value)) {
			return Result{Scheme: Bearer, Valid: true, SecretIndex: s.index}
		}
	}
	return failf(Bearer, NoMatch, name, "the bearer token in %s did not match the configured secret(s)", name)
}

// checkTimestamp applies the tolerance to a signed timestamp, in whole
// seconds as the schemes define it, so an age of exactly the tolerance passes.
func checkTimestamp(scheme Scheme, header string, ts int64, now time.Time, tol time.Duration) (Result, bool) {
	if tol < 0 {
		return Result{}, true
	}
	// Clamp before subtracting and converting: a hostile timestamp near the
	// int64 limits must not overflow into a small, passing difference.
	const limit = 1 << 33 // seconds, about 272 years: beyond any real clock skew
	diff := clamp(now.Unix(), -limit, limit) - clamp(ts, -2*limit, 2*limit)
	diff = clamp(diff, -limit, limit)
	age := time.Duration(diff) * time.Second
	switch {
	case age > tol:
		return failf(scheme, StaleTimestamp, header,
			"timestamp %d in %s is %s old, more than the %s tolerance", ts, header, age, tol), false
	case -age > tol:
		return failf(scheme, FutureTimestamp, header,
			"timestamp %d in %s is %s in the future, more than the %s tolerance", ts, header, -age, tol), false
	}
	return Result{}, true
}

func clamp(v, lo, hi int64) int64 {
	return min(max(v, lo), hi)
}

// anyEqual reports whether want equals any candidate, comparing each in
// constant time.
func anyEqual(want []byte, candidates [][]byte) bool {
	found := false
	for _, c := range candidates {
		if hmac.Equal(want, c) {
			found = true
		}
	}
	return found
}

// secretLabel says which secret is at fault when there are several; the
// position is safe to print, the secret is not.
func secretLabel(index, total int) string {
	if total <= 1 {
		return ""
	}
	return fmt.Sprintf("secret %d of %d: ", index+1, total)
}

// quoteShort quotes a header value for a reason, cut short so a huge or
// hostile header cannot flood the output.
func quoteShort(s string) string {
	const limit = 32
	if len(s) > limit {
		return strconv.Quote(s[:limit]) + "..."
	}
	return strconv.Quote(s)
}

// authSchemes are the Authorization scheme words a reason may name. Only
// registered names are echoed: whatever else precedes a space could be part
// of a secret.
var authSchemes = map[string]bool{
	"basic": true, "digest": true, "token": true, "negotiate": true, "ntlm": true,
	"hoba": true, "mutual": true, "dpop": true, "gnap": true, "hmac": true,
	"aws4-hmac-sha256": true, "signature": true, "apikey": true,
}

func isSchemeWord(s string) bool {
	return authSchemes[strings.ToLower(s)]
}
