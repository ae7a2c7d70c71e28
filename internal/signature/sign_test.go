package signature_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// The Standard Webhooks vector from PRODUCT.md (it is the one the Standard
// Webhooks reference libraries test against).
const (
	stdSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	stdID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	stdTS     = 1614265330
	stdBody   = `{"test": 2432232314}`
	stdSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

// The GitHub vector from PRODUCT.md (GitHub's own documentation example).
const (
	ghSecret = "It's a Secret to Everybody"
	ghBody   = "Hello, World!"
	ghSig    = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)

func TestSignStandardKnownVector(t *testing.T) {
	t.Parallel()
	got, err := signature.Sign(signature.Standard, stdSecret, stdID, time.Unix(stdTS, 0), []byte(stdBody))
	if err != nil {
		t.Fatal(err)
	}
	want := []signature.Header{
		{Name: "webhook-id", Value: stdID},
		{Name: "webhook-timestamp", Value: "1614265330"},
		{Name: "webhook-signature", Value: stdSig},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Sign(standard) =\n  %q\nwant\n  %q", got, want)
	}

	// The same vector must verify, given the clock it was made at.
	h := http.Header{}
	for _, hd := range want {
		h.Set(hd.Name, hd.Value)
	}
	res := signature.Verify(signature.VerifyOptions{
		Scheme: signature.Standard, Secrets: []string{stdSecret}, Now: time.Unix(stdTS, 0),
	}, h, []byte(stdBody))
	if !res.Valid {
		t.Errorf("Verify(known vector) failed: %s (%v)", res.Reason, res.Kind)
	}
}

func TestSignGitHubKnownVector(t *testing.T) {
	t.Parallel()
	got, err := signature.Sign(signature.GitHub, ghSecret, "ignored", time.Time{}, []byte(ghBody))
	if err != nil {
		t.Fatal(err)
	}
	want := []signature.Header{{Name: "X-Hub-Signature-256", Value: ghSig}}
	if !slices.Equal(got, want) {
		t.Errorf("Sign(github) = %q, want %q", got, want)
	}
}

// TestSignStripeIndependent computes the expected Stripe header by hand with
// crypto/hmac, following Stripe's documentation rather than the package's
// helpers: the signed payload is "<t>.<body>" keyed by the whole secret.
func TestSignStripeIndependent(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test_stripe_secret_0123456789"
	body := []byte(`{"id":"evt_1","type":"payment_intent.succeeded"}`)
	ts := time.Unix(1700000000, 0)

	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("1700000000." + string(body)))
	want := "t=1700000000,v1=" + hex.EncodeToString(mac.Sum(nil))

	got, err := signature.Sign(signature.Stripe, secret, "", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "Stripe-Signature" || got[0].Value != want {
		t.Errorf("Sign(stripe) = %q, want Stripe-Signature: %s", got, want)
	}
}

func TestSignStandardRawSecret(t *testing.T) {
	t.Parallel()
	// Without the whsec_ prefix the secret's own bytes are the key.
	const secret = "plain-text-key"
	ts := time.Unix(stdTS, 0)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stdID + ".1614265330." + stdBody))
	got, err := signature.Sign(signature.Standard, secret, stdID, ts, []byte(stdBody))
	if err != nil {
		t.Fatal(err)
	}
	want := "v1," + b64(mac.Sum(nil))
	if got[2].Value != want {
		t.Errorf("webhook-signature = %s, want %s", got[2].Value, want)
	}
}

func TestSignBearerAndNone(t *testing.T) {
	t.Parallel()
	got, err := signature.Sign(signature.Bearer, "s3cr3t", "", time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []signature.Header{{Name: "Authorization", Value: "Bearer s3cr3t"}}; !slices.Equal(got, want) {
		t.Errorf("Sign(bearer) = %q, want %q", got, want)
	}
	got, err = signature.Sign(signature.None, "", "", time.Time{}, []byte("x"))
	if err != nil || got != nil {
		t.Errorf("Sign(none) = %q, %v; want no headers, no error", got, err)
	}
}

func TestSignErrors(t *testing.T) {
	t.Parallel()
	ts := time.Unix(stdTS, 0)
	tests := []struct {
		name    string
		scheme  signature.Scheme
		secret  string
		id      string
		ts      time.Time
		want    string // substring of the error
		noSecre bool   // errors.Is(err, ErrNoSecret)
	}{
		{"standard no secret", signature.Standard, "", "id", ts, "no secret given; the standard scheme needs one", true},
		{"github no secret", signature.GitHub, "", "", ts, "the github scheme needs one", true},
		{"stripe no secret", signature.Stripe, "", "", ts, "the stripe scheme needs one", true},
		{"bearer no secret", signature.Bearer, "", "", ts, "the bearer scheme needs one", true},
		{"whsec not base64", signature.Standard, "whsec_not*base64!", "id", ts, "starts with whsec_ but the rest is not valid base64", false},
		{"whsec empty key", signature.Standard, "whsec_", "id", ts, "only the whsec_ prefix", false},
		{"standard no id", signature.Standard, stdSecret, "", ts, "signs a message id", false},
		{"standard id with newline", signature.Standard, stdSecret, "a\nb", ts, "webhook-id", false},
		{"standard no timestamp", signature.Standard, stdSecret, "id", time.Time{}, "signs a timestamp", false},
		{"stripe no timestamp", signature.Stripe, "sk", "", time.Time{}, "signs a timestamp", false},
		{"bearer newline", signature.Bearer, "abc\r\nX-Evil: 1", "", ts, "line break", false},
		{"auto", signature.Auto, "sekrit-value", "id", ts, "only detects schemes when verifying", false},
		{"unknown", signature.Scheme("hmac"), "sekrit-value", "id", ts, `unknown signature scheme "hmac"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := signature.Sign(tt.scheme, tt.secret, tt.id, tt.ts, []byte("{}"))
			if err == nil {
				t.Fatal("Sign succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if got := errors.Is(err, signature.ErrNoSecret); got != tt.noSecre {
				t.Errorf("errors.Is(err, ErrNoSecret) = %v, want %v", got, tt.noSecre)
			}
			if tt.secret != "" && tt.secret != "whsec_" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q contains the secret", err)
			}
			checkSentence(t, err.Error())
		})
	}
}

func TestSignStandardUnpaddedSecret(t *testing.T) {
	t.Parallel()
	// Padding is easily lost in copy and paste; the key must not change.
	padded := "whsec_" + b64([]byte("sixteen byte key"))
	unpadded := strings.TrimRight(padded, "=")
	if padded == unpadded {
		t.Fatal("test secret needs padding")
	}
	ts := time.Unix(stdTS, 0)
	a, err1 := signature.Sign(signature.Standard, padded, "id", ts, nil)
	b, err2 := signature.Sign(signature.Standard, unpadded, "id", ts, nil)
	if err1 != nil || err2 != nil || !slices.Equal(a, b) {
		t.Errorf("padded %q / %v and unpadded %q / %v differ", a, err1, b, err2)
	}
}

func TestParseScheme(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"standard", "github", "stripe", "bearer", "none", "auto", " GitHub "} {
		s, err := signature.ParseScheme(in)
		if err != nil {
			t.Errorf("ParseScheme(%q): %v", in, err)
		}
		if string(s) != strings.ToLower(strings.TrimSpace(in)) {
			t.Errorf("ParseScheme(%q) = %q", in, s)
		}
	}
	_, err := signature.ParseScheme("svix")
	if err == nil {
		t.Fatal("ParseScheme(svix) succeeded")
	}
	want := `unknown signature scheme "svix"; valid schemes: standard, github, stripe, bearer, none, auto`
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestSchemes(t *testing.T) {
	t.Parallel()
	want := []signature.Scheme{"standard", "github", "stripe", "bearer", "none"}
	if got := signature.Schemes(); !slices.Equal(got, want) {
		t.Errorf("Schemes() = %q, want %q", got, want)
	}
}

func TestCheckSecret(t *testing.T) {
	t.Parallel()
	if err := signature.CheckSecret(signature.Standard, stdSecret); err != nil {
		t.Errorf("CheckSecret(valid whsec_) = %v", err)
	}
	if err := signature.CheckSecret(signature.Standard, "whsec_***"); err == nil {
		t.Error("CheckSecret(bad whsec_) = nil")
	}
	if err := signature.CheckSecret(signature.None, ""); err != nil {
		t.Errorf("CheckSecret(none, \"\") = %v", err)
	}
	if err := signature.CheckSecret(signature.Stripe, "whsec_***"); err != nil {
		t.Errorf("CheckSecret(stripe, whsec_***) = %v; stripe keys with the whole string", err)
	}
}

// checkSentence enforces the message style: lowercase start, no trailing period.
func checkSentence(t *testing.T, s string) {
	t.Helper()
	if s == "" {
		t.Error("empty message")
		return
	}
	if c := s[0]; c >= 'A' && c <= 'Z' {
		t.Errorf("message %q starts with a capital", s)
	}
	if strings.HasSuffix(s, ".") {
		t.Errorf("message %q ends with a period", s)
	}
}
