package signature_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

var now = time.Unix(stdTS, 0)

// signed returns the headers Sign produces, as a receiver sees them.
func signed(t *testing.T, scheme signature.Scheme, secret string, ts time.Time, body string) http.Header {
	t.Helper()
	hs, err := signature.Sign(scheme, secret, "msg_test", ts, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for _, hd := range hs {
		h.Add(hd.Name, hd.Value)
	}
	return h
}

// handSigned builds Standard Webhooks headers with crypto/hmac directly, for
// timestamps Sign cannot produce.
func handSigned(secret, ts, body string) http.Header {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		panic(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("msg_test." + ts + "." + body))
	return hdr("webhook-id", "msg_test", "webhook-timestamp", ts, "webhook-signature", "v1,"+b64(mac.Sum(nil)))
}

// hdr builds headers from name, value pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	secrets := map[signature.Scheme]string{
		signature.Standard: "whsec_" + b64([]byte("round trip key, 24 bytes")),
		signature.GitHub:   "github secret",
		signature.Stripe:   "whsec_stripe_secret",
		signature.Bearer:   "bearer-token-1234",
	}
	body := `{"type":"create_user","data":{"email":"a@b.c"}}`
	for _, scheme := range signature.Schemes() {
		secret := secrets[scheme]
		t.Run(string(scheme), func(t *testing.T) {
			h := signed(t, scheme, secret, now, body)
			for _, asked := range []signature.Scheme{scheme, signature.Auto} {
				var ss []string
				if secret != "" {
					ss = []string{secret}
				}
				res := signature.Verify(signature.VerifyOptions{Scheme: asked, Secrets: ss, Now: now}, h, []byte(body))
				want := signature.Result{Scheme: scheme, Valid: true}
				if res != want {
					t.Errorf("Verify(scheme %s) = %+v, want %+v", asked, res, want)
				}
			}
		})
	}
}

func TestVerifyFailures(t *testing.T) {
	t.Parallel()
	const secret = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHM=" // base64("secret-key-for-tests")
	const other = "whsec_" + "b3RoZXIta2V5LWZvci10ZXN0cw=="  // base64("other-key-for-tests")
	const body = `{"type":"invite_user"}`
	goodSig := signed(t, signature.Standard, secret, now, body).Get("webhook-signature")
	gh := signed(t, signature.GitHub, secret, now, body)
	st := signed(t, signature.Stripe, secret, now, body)
	stripeSig := strings.SplitN(st.Get("Stripe-Signature"), ",", 2)[1] // "v1=<hex>"

	tests := []struct {
		name    string
		opts    signature.VerifyOptions
		h       http.Header
		body    string
		kind    signature.FailureKind
		header  string // Result.Header, and the reason must name it
		reason  string // exact reason; "" to check only the prefix below
		prefix  string
		scheme  signature.Scheme
		matched int // SecretIndex when valid
	}{
		// Standard Webhooks.
		{name: "standard valid", h: signed(t, signature.Standard, secret, now, body), scheme: signature.Standard},
		{name: "standard tampered body", h: signed(t, signature.Standard, secret, now, body), body: body + " ",
			kind: signature.NoMatch, header: "webhook-signature",
			reason: "no signature in webhook-signature matched the configured secret(s)"},
		{name: "standard wrong secret", h: signed(t, signature.Standard, other, now, body),
			kind: signature.NoMatch, header: "webhook-signature",
			reason: "no signature in webhook-signature matched the configured secret(s)"},
		{name: "standard rotation, second secret matches",
			opts: signature.VerifyOptions{Secrets: []string{other, "", secret}},
			h:    signed(t, signature.Standard, secret, now, body), scheme: signature.Standard, matched: 2},
		{name: "standard stale", h: signed(t, signature.Standard, secret, now.Add(-7*time.Minute-12*time.Second), body),
			kind: signature.StaleTimestamp, header: "webhook-timestamp",
			reason: "timestamp 1614264898 in webhook-timestamp is 7m12s old, more than the 5m0s tolerance"},
		{name: "standard future", h: signed(t, signature.Standard, secret, now.Add(6*time.Minute), body),
			kind: signature.FutureTimestamp, header: "webhook-timestamp",
			reason: "timestamp 1614265690 in webhook-timestamp is 6m0s in the future, more than the 5m0s tolerance"},
		{name: "standard at the tolerance edge", h: signed(t, signature.Standard, secret, now.Add(-5*time.Minute), body),
			scheme: signature.Standard},
		{name: "standard stale within a wider tolerance",
			opts: signature.VerifyOptions{Tolerance: 10 * time.Minute},
			h:    signed(t, signature.Standard, secret, now.Add(-7*time.Minute), body), scheme: signature.Standard},
		{name: "standard tolerance off", opts: signature.VerifyOptions{Tolerance: -1},
			h: signed(t, signature.Standard, secret, now.Add(-48*time.Hour), body), scheme: signature.Standard},
		{name: "standard custom tolerance in reason", opts: signature.VerifyOptions{Tolerance: 30 * time.Second},
			h:    signed(t, signature.Standard, secret, now.Add(-time.Minute), body),
			kind: signature.StaleTimestamp, header: "webhook-timestamp",
			reason: "timestamp 1614265270 in webhook-timestamp is 1m0s old, more than the 30s tolerance"},
		{name: "standard hostile past timestamp does not overflow",
			h:    handSigned(secret, "-9223372036854775808", body),
			kind: signature.StaleTimestamp, header: "webhook-timestamp", prefix: "timestamp -9223372036854775808 in webhook-timestamp is "},
		{name: "standard hostile future timestamp does not overflow",
			h:    handSigned(secret, "9223372036854775807", body),
			kind: signature.FutureTimestamp, header: "webhook-timestamp", prefix: "timestamp 9223372036854775807 in webhook-timestamp is "},
		{name: "standard missing signature", h: hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330"),
			kind: signature.MissingHeader, header: "webhook-signature", reason: "missing webhook-signature header"},
		{name: "standard missing id", h: hdr("webhook-timestamp", "1614265330", "webhook-signature", goodSig),
			kind: signature.MissingHeader, header: "webhook-id", reason: "missing webhook-id header"},
		{name: "standard missing timestamp", h: hdr("webhook-id", "msg_test", "webhook-signature", goodSig),
			kind: signature.MissingHeader, header: "webhook-timestamp", reason: "missing webhook-timestamp header"},
		{name: "standard malformed timestamp",
			h:    hdr("webhook-id", "msg_test", "webhook-timestamp", "2021-02-25T15:02:10Z", "webhook-signature", goodSig),
			kind: signature.MalformedHeader, header: "webhook-timestamp",
			reason: `malformed webhook-timestamp header: "2021-02-25T15:02:10Z" is not a unix timestamp in seconds`},
		{name: "standard no v1 entry",
			h:    hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330", "webhook-signature", "v1a,abc v2,def"),
			kind: signature.MalformedHeader, header: "webhook-signature",
			reason: `malformed webhook-signature header: no v1 signature (expected "v1,<base64>")`},
		{name: "standard v1 not base64",
			h:    hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330", "webhook-signature", "v1,***"),
			kind: signature.MalformedHeader, header: "webhook-signature",
			reason: "malformed webhook-signature header: the v1 signature is not a base64 SHA-256 HMAC"},
		{name: "standard several signatures in one header",
			h: hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330", "webhook-signature",
				"v1a,c29tZXRoaW5n v1,"+b64(make([]byte, 32))+" v1,***  "+goodSig),
			scheme: signature.Standard},
		{name: "standard signatures over several header lines",
			h: hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330",
				"webhook-signature", "v1,"+b64(make([]byte, 32)), "webhook-signature", goodSig),
			scheme: signature.Standard},
		{name: "svix aliases",
			h:      hdr("svix-id", "msg_test", "svix-timestamp", "1614265330", "svix-signature", goodSig),
			scheme: signature.Standard},
		{name: "svix missing signature names the svix header",
			h:    hdr("svix-id", "msg_test", "svix-timestamp", "1614265330"),
			kind: signature.MissingHeader, header: "svix-signature", reason: "missing svix-signature header"},
		{name: "invalid whsec secret", opts: signature.VerifyOptions{Secrets: []string{"whsec_###"}},
			h: signed(t, signature.Standard, secret, now, body), kind: signature.InvalidSecret,
			prefix: "the secret starts with whsec_ but the rest is not valid base64"},
		{name: "invalid second secret is reported even though the first matches",
			opts: signature.VerifyOptions{Secrets: []string{secret, "whsec_###"}},
			h:    signed(t, signature.Standard, secret, now, body), kind: signature.InvalidSecret,
			prefix: "secret 2 of 2: the secret starts with whsec_"},

		// GitHub.
		{name: "github valid", opts: signature.VerifyOptions{Scheme: signature.GitHub}, h: gh, scheme: signature.GitHub},
		{name: "github tampered body", h: gh, body: `{"type":"create_user"}`,
			kind: signature.NoMatch, header: "X-Hub-Signature-256",
			reason: "no signature in X-Hub-Signature-256 matched the configured secret(s)"},
		{name: "github rotation", opts: signature.VerifyOptions{Secrets: []string{other, secret}}, h: gh,
			scheme: signature.GitHub, matched: 1},
		{name: "github missing", opts: signature.VerifyOptions{Scheme: signature.GitHub}, h: hdr(),
			kind: signature.MissingHeader, header: "X-Hub-Signature-256", reason: "missing X-Hub-Signature-256 header"},
		{name: "github only sha1", h: hdr("X-Hub-Signature", "sha1=0123"),
			kind: signature.MissingHeader, header: "X-Hub-Signature-256",
			reason: "missing X-Hub-Signature-256 header; only the SHA-1 X-Hub-Signature is present, and it is not accepted"},
		{name: "github no prefix", h: hdr("X-Hub-Signature-256", strings.TrimPrefix(gh.Get("X-Hub-Signature-256"), "sha256=")),
			kind: signature.MalformedHeader, header: "X-Hub-Signature-256",
			reason: `malformed X-Hub-Signature-256 header: expected "sha256=<hex>"`},
		{name: "github not hex", h: hdr("X-Hub-Signature-256", "sha256=xyz"),
			kind: signature.MalformedHeader, header: "X-Hub-Signature-256",
			reason: "malformed X-Hub-Signature-256 header: the value after sha256= is not a hex SHA-256 HMAC"},

		// Stripe.
		{name: "stripe valid", h: st, scheme: signature.Stripe},
		{name: "stripe several v1 entries",
			h:      hdr("Stripe-Signature", "t=1614265330,v1="+strings.Repeat("00", 32)+",v0=abc,"+stripeSig),
			scheme: signature.Stripe},
		{name: "stripe tampered body", h: st, body: body + "\n", kind: signature.NoMatch, header: "Stripe-Signature",
			reason: "no signature in Stripe-Signature matched the configured secret(s)"},
		{name: "stripe timestamp is signed", h: hdr("Stripe-Signature", "t=1614265331,"+stripeSig),
			kind: signature.NoMatch, header: "Stripe-Signature", prefix: "no signature in Stripe-Signature"},
		{name: "stripe stale", h: signed(t, signature.Stripe, secret, now.Add(-time.Hour), body),
			kind: signature.StaleTimestamp, header: "Stripe-Signature",
			reason: "timestamp 1614261730 in Stripe-Signature is 1h0m0s old, more than the 5m0s tolerance"},
		{name: "stripe future", h: signed(t, signature.Stripe, secret, now.Add(10*time.Minute), body),
			kind: signature.FutureTimestamp, header: "Stripe-Signature",
			reason: "timestamp 1614265930 in Stripe-Signature is 10m0s in the future, more than the 5m0s tolerance"},
		{name: "stripe missing", opts: signature.VerifyOptions{Scheme: signature.Stripe}, h: hdr(),
			kind: signature.MissingHeader, header: "Stripe-Signature", reason: "missing Stripe-Signature header"},
		{name: "stripe no t", h: hdr("Stripe-Signature", stripeSig),
			kind: signature.MalformedHeader, header: "Stripe-Signature",
			reason: "malformed Stripe-Signature header: no t= field"},
		{name: "stripe bad t", h: hdr("Stripe-Signature", "t=yesterday,"+stripeSig),
			kind: signature.MalformedHeader, header: "Stripe-Signature",
			reason: `malformed Stripe-Signature header: t="yesterday" is not a unix timestamp in seconds`},
		{name: "stripe no v1", h: hdr("Stripe-Signature", "t=1614265330,v0=abcd"),
			kind: signature.MalformedHeader, header: "Stripe-Signature",
			reason: "malformed Stripe-Signature header: no v1= signature"},
		{name: "stripe v1 not hex", h: hdr("Stripe-Signature", "t=1614265330,v1=zz"),
			kind: signature.MalformedHeader, header: "Stripe-Signature",
			reason: "malformed Stripe-Signature header: the v1= value is not a hex SHA-256 HMAC"},

		// Bearer.
		{name: "bearer valid", h: hdr("Authorization", "Bearer "+secret), scheme: signature.Bearer},
		{name: "bearer word is case-insensitive", h: hdr("Authorization", "bearer "+secret), scheme: signature.Bearer},
		{name: "bearer rotation", opts: signature.VerifyOptions{Secrets: []string{other, secret}},
			h: hdr("Authorization", "Bearer "+secret), scheme: signature.Bearer, matched: 1},
		{name: "bearer wrong token", h: hdr("Authorization", "Bearer "+other),
			kind: signature.NoMatch, header: "Authorization",
			reason: "the bearer token in Authorization did not match the configured secret(s)"},
		{name: "bearer token prefix of secret", h: hdr("Authorization", "Bearer "+secret[:10]),
			kind: signature.NoMatch, header: "Authorization", prefix: "the bearer token"},
		{name: "bearer missing", opts: signature.VerifyOptions{Scheme: signature.Bearer}, h: hdr(),
			kind: signature.MissingHeader, header: "Authorization", reason: "missing Authorization header"},
		{name: "bearer basic credentials", h: hdr("Authorization", "Basic dXNlcjpwYXNz"),
			kind: signature.MalformedHeader, header: "Authorization",
			reason: `malformed Authorization header: expected "Bearer <secret>", got the Basic scheme`},
		{name: "bearer bare token is not echoed", h: hdr("Authorization", secret),
			kind: signature.MalformedHeader, header: "Authorization",
			reason: `malformed Authorization header: expected "Bearer <secret>"`},
		{name: "bearer unknown word is not echoed", h: hdr("Authorization", "hunter2 x"),
			kind: signature.MalformedHeader, header: "Authorization",
			reason: `malformed Authorization header: expected "Bearer <secret>"`},

		// None, auto and configuration.
		{name: "none without secrets", opts: signature.VerifyOptions{Scheme: signature.None, Secrets: []string{}},
			h: hdr(), scheme: signature.None},
		{name: "auto unsigned without secrets", opts: signature.VerifyOptions{Secrets: []string{""}},
			h: hdr("Content-Type", "application/json"), scheme: signature.None},
		{name: "none with a secret", opts: signature.VerifyOptions{Scheme: signature.None}, h: hdr(),
			kind: signature.MissingHeader, prefix: "no signature header; ", scheme: signature.None},
		{name: "auto unsigned with a secret", h: hdr("Content-Type", "application/json"),
			kind: signature.MissingHeader, prefix: "no signature header; a secret is configured", scheme: signature.None},
		{name: "no secret for a signed request", opts: signature.VerifyOptions{Secrets: []string{}}, h: gh,
			kind: signature.NoSecret, reason: "no secret is configured to verify the github signature"},
		{name: "unknown scheme", opts: signature.VerifyOptions{Scheme: "hmac"}, h: gh,
			kind: signature.UnknownScheme, prefix: `unknown signature scheme "hmac"; valid schemes: standard,`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts.Secrets == nil {
				opts.Secrets = []string{secret}
			}
			opts.Now = now
			b := tt.body
			if b == "" {
				b = body
			}
			res := signature.Verify(opts, tt.h, []byte(b))

			if tt.scheme != "" && res.Scheme != tt.scheme {
				t.Errorf("Scheme = %q, want %q", res.Scheme, tt.scheme)
			}
			if tt.kind == signature.NoFailure {
				if !res.Valid || res.Reason != "" || res.Kind != signature.NoFailure || res.Header != "" {
					t.Fatalf("want valid, got %+v", res)
				}
				if res.SecretIndex != tt.matched {
					t.Errorf("SecretIndex = %d, want %d", res.SecretIndex, tt.matched)
				}
				return
			}

			if res.Valid {
				t.Fatalf("want invalid (%v), got valid: %+v", tt.kind, res)
			}
			if res.Kind != tt.kind {
				t.Errorf("Kind = %v, want %v (reason %q)", res.Kind, tt.kind, res.Reason)
			}
			if res.Header != tt.header {
				t.Errorf("Header = %q, want %q", res.Header, tt.header)
			}
			if tt.reason != "" && res.Reason != tt.reason {
				t.Errorf("Reason =\n  %s\nwant\n  %s", res.Reason, tt.reason)
			}
			if !strings.HasPrefix(res.Reason, tt.prefix) {
				t.Errorf("Reason %q does not start with %q", res.Reason, tt.prefix)
			}
			if !strings.Contains(res.Reason, tt.header) {
				t.Errorf("Reason %q does not name header %q", res.Reason, tt.header)
			}
			checkSentence(t, res.Reason)
			for _, s := range append(opts.Secrets, secret, other, "c2VjcmV0LWtleS1mb3ItdGVzdHM") {
				if s != "" && strings.Contains(res.Reason, s) {
					t.Errorf("Reason %q contains a secret", res.Reason)
				}
			}
		})
	}
}

func TestVerifyDefaultsToRealClock(t *testing.T) {
	t.Parallel()
	// A zero Now means time.Now(): a request signed just now verifies, and
	// one signed at the fixed test time, years ago, is stale.
	fresh := signed(t, signature.Standard, stdSecret, time.Now(), "{}")
	if res := signature.Verify(signature.VerifyOptions{Secrets: []string{stdSecret}}, fresh, []byte("{}")); !res.Valid {
		t.Errorf("fresh request: %+v", res)
	}
	old := signed(t, signature.Standard, stdSecret, now, "{}")
	if res := signature.Verify(signature.VerifyOptions{Secrets: []string{stdSecret}}, old, []byte("{}")); res.Kind != signature.StaleTimestamp {
		t.Errorf("old request: %+v", res)
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    http.Header
		want signature.Scheme
	}{
		{"nothing", hdr("Content-Type", "application/json"), signature.None},
		{"standard", hdr("webhook-id", "a", "webhook-timestamp", "1", "webhook-signature", "v1,x"), signature.Standard},
		{"standard id only", hdr("Webhook-Id", "a"), signature.Standard},
		{"svix", hdr("svix-id", "a", "svix-timestamp", "1", "svix-signature", "v1,x"), signature.Standard},
		{"github", hdr("X-Hub-Signature-256", "sha256=00"), signature.GitHub},
		{"github sha1 only", hdr("X-Hub-Signature", "sha1=00"), signature.GitHub},
		{"stripe", hdr("Stripe-Signature", "t=1,v1=00"), signature.Stripe},
		{"bearer", hdr("Authorization", "Bearer x"), signature.Bearer},
		{"signed scheme beats a gateway's Authorization",
			hdr("Authorization", "Bearer gw", "X-Hub-Signature-256", "sha256=00"), signature.GitHub},
		{"standard beats stripe", hdr("Stripe-Signature", "t=1", "webhook-signature", "v1,x"), signature.Standard},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signature.Detect(tt.h); got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	if got := signature.MessageID(hdr("webhook-id", "msg_1", "svix-id", "msg_2")); got != "msg_1" {
		t.Errorf("MessageID = %q, want msg_1", got)
	}
	if got := signature.MessageID(hdr("svix-id", "msg_2")); got != "msg_2" {
		t.Errorf("MessageID = %q, want msg_2", got)
	}
	if got := signature.MessageID(hdr()); got != "" {
		t.Errorf("MessageID = %q, want empty", got)
	}
}

func TestFailureKindText(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		Kind signature.FailureKind `json:"kind"`
	}{signature.StaleTimestamp})
	if err != nil || string(b) != `{"kind":"stale_timestamp"}` {
		t.Errorf("json = %s, %v", b, err)
	}
	if got := signature.NoFailure.String(); got != "none" {
		t.Errorf("NoFailure.String() = %q", got)
	}
	var k signature.FailureKind
	if err := json.Unmarshal([]byte(`"no_match"`), &k); err != nil || k != signature.NoMatch {
		t.Errorf("unmarshal no_match = %v, %v", k, err)
	}
	if err := json.Unmarshal([]byte(`"bogus"`), &k); err == nil {
		t.Error("unmarshal bogus succeeded")
	}
	if got := signature.FailureKind(99).String(); got != "FailureKind(99)" {
		t.Errorf("FailureKind(99).String() = %q", got)
	}
}
