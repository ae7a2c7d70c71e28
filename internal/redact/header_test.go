package redact

import "testing"

func TestHeader(t *testing.T) {
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
	for v, want := range map[string]bool{"****": true, "Bearer ****": true, "Basic ****": true, "": false, "s3cr3t": false, "x****": false} {
		if Masked(v) != want {
			t.Errorf("Masked(%q) = %v", v, !want)
		}
	}
}
