package signature_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// TestLoopback sends signed requests over a real loopback connection to a
// server that verifies what it received, so header canonicalisation and
// transport by net/http are part of what is tested.
func TestLoopback(t *testing.T) {
	t.Parallel()
	const secret = "whsec_" + "bG9vcGJhY2sga2V5IGZvciB0ZXN0cw==" // base64("loopback key for tests")
	clock := time.Unix(1700000000, 0)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res := signature.Verify(signature.VerifyOptions{
			Scheme:  signature.Scheme(r.URL.Query().Get("scheme")),
			Secrets: []string{"whsec_b2xkIGtleQ==", secret}, // an old key, then the current one
			Now:     clock,
		}, r.Header, body)
		if !res.Valid {
			w.WriteHeader(http.StatusUnauthorized)
		}
		json.NewEncoder(w).Encode(res)
	}))
	defer srv.Close()

	body := []byte(`{"event":{"name":"access_request.created"},"callback":"http://127.0.0.1/cb"}`)
	tests := []struct {
		name     string
		scheme   signature.Scheme // how the client signs
		verifyAs signature.Scheme // what the server is told ("" = auto)
		tamper   bool
		want     int
		kind     signature.FailureKind
	}{
		{name: "standard", scheme: signature.Standard, want: 200},
		{name: "standard explicit", scheme: signature.Standard, verifyAs: signature.Standard, want: 200},
		{name: "github", scheme: signature.GitHub, want: 200},
		{name: "stripe", scheme: signature.Stripe, want: 200},
		{name: "bearer", scheme: signature.Bearer, want: 200},
		{name: "standard tampered", scheme: signature.Standard, tamper: true, want: 401, kind: signature.NoMatch},
		{name: "stripe tampered", scheme: signature.Stripe, tamper: true, want: 401, kind: signature.NoMatch},
		{name: "unsigned", scheme: signature.None, want: 401, kind: signature.MissingHeader},
		{name: "github sent, stripe expected", scheme: signature.GitHub, verifyAs: signature.Stripe, want: 401,
			kind: signature.MissingHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers, err := signature.Sign(tt.scheme, secret, "msg_loopback", clock, body)
			if err != nil {
				t.Fatal(err)
			}
			sent := body
			if tt.tamper {
				sent = bytes.Replace(body, []byte("created"), []byte("approved"), 1)
			}
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/?scheme="+string(tt.verifyAs), bytes.NewReader(sent))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for _, h := range headers {
				req.Header.Add(h.Name, h.Value)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var res signature.Result
			if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.want || res.Kind != tt.kind {
				t.Errorf("status %d kind %v (%s), want %d %v", resp.StatusCode, res.Kind, res.Reason, tt.want, tt.kind)
			}
			if tt.want == 200 && (res.Scheme != tt.scheme || res.SecretIndex != 1) {
				t.Errorf("verified as %s with secret %d, want %s with secret 1", res.Scheme, res.SecretIndex, tt.scheme)
			}
		})
	}
}
