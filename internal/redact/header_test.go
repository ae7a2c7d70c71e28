package redact

import (
	"math/rand"
	"strings"
	"testing"
)

func TestHeader(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value, want string }{
		{"Authorization", "Bearer s3cr3t", "Bearer ****"},
		{"authorization", "Basic dXNlcjpwYXNz", "Basic ****"},
		{"Authorization", "s3cr3t", "****"},
		{"Authorization", "Bearer ", "****"},
		{"Proxy-Authorization", "Digest username=x", "Digest ****"},
		{"Authorization", "", ""},
		{"X-Api-Key", "k", "****"},
		{"x_api_key", "k", "****"},
		{"Api-Key", "k", "****"},
		{"X-Auth-Token", "t", "****"},
		{"X-Gitlab-Token", "t", "****"},
		{"X-Webhook-Secret", "s", "****"},
		{"Cookie", "session=abc", "****"},
		{"Set-Cookie", "session=abc", "****"},
		{"X-Functions-Key", "k", "****"},
		{"Ocp-Apim-Subscription-Key", "k", "****"},
		{"X-Password", "p", "****"},
		{"Idempotency-Key", "abc", "abc"},
		{"webhook-signature", "v1,abc=", "v1,abc="},
		{"X-Hub-Signature-256", "sha256=00", "sha256=00"},
		{"Stripe-Signature", "t=1,v1=00", "t=1,v1=00"},
		{"webhook-id", "msg_1", "msg_1"},
		{"Content-Type", "application/json", "application/json"},
		{"Monkey", "banana", "banana"},
	}
	for _, tt := range tests {
		if got := Header(tt.name, tt.value); got != tt.want {
			t.Errorf("Header(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestMasked(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"****": true, "Bearer ****": true, "Basic ****": true, "": false, "s3cr3t": false, "x****": false} {
		if Masked(v) != want {
			t.Errorf("Masked(%q) = %v", v, !want)
		}
	}
}

// classify compares an ASCII name in place; it must say what the
// lower-cased copy says, for names built from every fragment the rules
// look for, in every case, with '_' for '-', cut short and run together.
func TestClassifyMatchesLowerCasedCopy(t *testing.T) {
	t.Parallel()
	frags := []string{"x", "-", "_", "key", "Key", "KEY", "api", "Api-", "api_key", "apikey", "secret", "SeCrEt",
		"token", "passwd", "password", "credential", "auth", "authorization", "Proxy-", "access", "private", "session",
		"cookie", "idempotency", "Idempotency-Key", "signature", "webhook", "id", "k", "ey", " ", "\t", "é", "\u212a"}
	rng := rand.New(rand.NewSource(3))
	names := append([]string{"", " ", "-", "key", "KEY", "Key-", "-key", "x-key-y", "keys", "monkey", "Authorization",
		"PROXY_AUTHORIZATION", " authorization\t", "authorizations", "Idempotency_Key", "idempotency-keys"}, frags...)
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.Intn(5) {
			b.WriteString(frags[rng.Intn(len(frags))])
		}
		names = append(names, b.String())
	}
	for _, name := range names {
		want := classifyLower(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), "_", "-")))
		if got := classify(name); got != want {
			t.Errorf("classify(%q) = %d, want %d", name, got, want)
		}
	}
}

// Naming a header costs no allocation: it runs for every header of every
// delivery.
func TestHeaderAllocatesNothing(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		Header("Content-Type", "application/json")
		Header("X-Api-Key", "k")
		Header("Idempotency-Key", "abc")
		Header("Ocp-Apim-Subscription-Key", "k")
		Header("Webhook-Signature", "v1,abc=")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
