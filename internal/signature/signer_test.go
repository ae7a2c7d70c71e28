package signature_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// A Signer reused across many bodies, ids and timestamps gives exactly what
// Sign gives for each, for every scheme and several secrets.
func TestSignerMatchesSign(t *testing.T) {
	t.Parallel()
	secrets := map[signature.Scheme][]string{
		signature.Standard: {stdSecret, "plain-text-secret", "whsec_c2hvcnQ", "x"},
		signature.GitHub:   {ghSecret, "another", "a-very-long-secret-" + string(bytes.Repeat([]byte("k"), 100))},
		signature.Stripe:   {"whsec_stripe_test", "sk", "a-very-long-secret-" + string(bytes.Repeat([]byte("s"), 100))},
		signature.Bearer:   {"token-one", "token-two"},
		signature.None:     {"", "ignored"},
	}
	bodies := [][]byte{[]byte(stdBody), nil, []byte(ghBody), benchBody, []byte(`{"a":1}`)}
	ids := []string{stdID, "msg_2", "0a2f4d8e-1111-4222-8333-944455556666"}
	for scheme, ss := range secrets {
		for _, secret := range ss {
			s, err := signature.NewSigner(scheme, secret)
			if err != nil {
				t.Fatalf("%s %q: %v", scheme, secret, err)
			}
			if s.Scheme() != scheme {
				t.Errorf("Scheme() = %s, want %s", s.Scheme(), scheme)
			}
			for round := range 3 {
				for i, body := range bodies {
					id := ids[(i+round)%len(ids)]
					ts := time.Unix(stdTS+int64(i*1000+round), 0)
					want, werr := signature.Sign(scheme, secret, id, ts, body)
					got, gerr := s.Sign(id, ts, body)
					if (werr == nil) != (gerr == nil) || !slices.Equal(got, want) {
						t.Fatalf("%s %q body %d: Signer gave %v, %v; Sign gave %v, %v", scheme, secret, i, got, gerr, want, werr)
					}
				}
			}
		}
	}
}

func TestSignerKnownVectors(t *testing.T) {
	t.Parallel()
	s, err := signature.NewSigner(signature.Standard, stdSecret)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second call goes through the reset HMAC
		hs, err := s.Sign(stdID, time.Unix(stdTS, 0), []byte(stdBody))
		if err != nil {
			t.Fatal(err)
		}
		if hs[2].Value != stdSig {
			t.Fatalf("got %s, want %s", hs[2].Value, stdSig)
		}
	}
	g, err := signature.NewSigner(signature.GitHub, ghSecret)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		hs, err := g.Sign("", time.Time{}, []byte(ghBody))
		if err != nil {
			t.Fatal(err)
		}
		if hs[0].Value != ghSig {
			t.Fatalf("got %s, want %s", hs[0].Value, ghSig)
		}
	}
}

// Header values a Signer returned earlier stay as they were after later calls.
func TestSignerResultsAreNotOverwritten(t *testing.T) {
	t.Parallel()
	s, err := signature.NewSigner(signature.Stripe, "whsec_stripe_test")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := s.Sign("", time.Unix(stdTS, 0), []byte("one"))
	keep := slices.Clone(first)
	if _, err := s.Sign("", time.Unix(stdTS+1, 0), []byte("two")); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, keep) {
		t.Fatalf("earlier result changed: %v, was %v", first, keep)
	}
}

// NewSigner refuses what Sign refuses for a scheme and secret, with the same
// message, and a Signer refuses the ids and timestamps Sign refuses.
func TestSignerErrorsMatchSign(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		scheme signature.Scheme
		secret string
	}{
		{signature.Auto, "s"}, {signature.Standard, ""}, {signature.Standard, "whsec_!!!"},
		{signature.Stripe, ""}, {signature.Bearer, ""}, {"nope", "s"},
	} {
		_, werr := signature.Sign(c.scheme, c.secret, stdID, time.Unix(stdTS, 0), nil)
		_, gerr := signature.NewSigner(c.scheme, c.secret)
		if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
			t.Errorf("%s %q: NewSigner %v, Sign %v", c.scheme, c.secret, gerr, werr)
		}
	}
	for _, c := range []struct {
		scheme signature.Scheme
		id     string
		ts     time.Time
	}{
		{signature.Standard, "", time.Unix(stdTS, 0)},
		{signature.Standard, "a\nb", time.Unix(stdTS, 0)},
		{signature.Standard, stdID, time.Time{}},
		{signature.Stripe, "", time.Time{}},
	} {
		s, err := signature.NewSigner(c.scheme, "secret")
		if err != nil {
			t.Fatal(err)
		}
		_, werr := signature.Sign(c.scheme, "secret", c.id, c.ts, nil)
		_, gerr := s.Sign(c.id, c.ts, nil)
		if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
			t.Errorf("%s %q %v: Signer %v, Sign %v", c.scheme, c.id, c.ts, gerr, werr)
		}
	}
}

// Several secrets: standard and stripe carry a signature per secret in one
// header, each verifying alone; github and bearer carry the first secret's.
func TestSignerMergesSecrets(t *testing.T) {
	t.Parallel()
	const second = "whsec_c2Vjb25kIGtleQ=="
	ts := time.Unix(stdTS, 0)
	body := []byte(stdBody)
	sig := func(scheme signature.Scheme, secret string) []signature.Header {
		t.Helper()
		hs, err := signature.Sign(scheme, secret, stdID, ts, body)
		if err != nil {
			t.Fatal(err)
		}
		return hs
	}
	tests := []struct {
		scheme  signature.Scheme
		secrets []string
		want    []signature.Header
	}{
		{signature.Standard, []string{stdSecret, second}, []signature.Header{
			{Name: signature.HeaderWebhookID, Value: stdID},
			{Name: signature.HeaderWebhookTimestamp, Value: "1614265330"},
			{Name: signature.HeaderWebhookSignature, Value: stdSig + " " + sig(signature.Standard, second)[2].Value},
		}},
		{signature.Standard, []string{"", stdSecret, ""}, sig(signature.Standard, stdSecret)},
		{signature.Stripe, []string{"sk_one", "sk_two"}, []signature.Header{{Name: signature.HeaderStripeSignature,
			Value: sig(signature.Stripe, "sk_one")[0].Value + "," + strings.SplitN(sig(signature.Stripe, "sk_two")[0].Value, ",", 2)[1]}}},
		{signature.GitHub, []string{ghSecret, "other"}, sig(signature.GitHub, ghSecret)},
		{signature.Bearer, []string{"tok-1", "tok-2"}, []signature.Header{{Name: signature.HeaderAuthorization, Value: "Bearer tok-1"}}},
		{signature.None, nil, nil},
	}
	for _, tt := range tests {
		s, err := signature.NewSigner(tt.scheme, tt.secrets...)
		if err != nil {
			t.Fatalf("%s %q: %v", tt.scheme, tt.secrets, err)
		}
		for range 2 { // reused HMACs give the same again
			got, err := s.Sign(stdID, ts, body)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("%s %q: got %v, %v; want %v", tt.scheme, tt.secrets, got, err, tt.want)
			}
		}
		if len(tt.secrets) < 2 || (tt.scheme != signature.Standard && tt.scheme != signature.Stripe) {
			continue
		}
		got, _ := s.Sign(stdID, ts, body)
		h := http.Header{}
		for _, x := range got {
			h.Set(x.Name, x.Value)
		}
		for i, secret := range tt.secrets {
			if secret == "" {
				continue
			}
			res := signature.Verify(signature.VerifyOptions{Scheme: tt.scheme, Secrets: []string{secret}, Tolerance: -1}, h, body)
			if !res.Valid {
				t.Errorf("%s: secret %d alone does not verify the merged header: %s", tt.scheme, i+1, res.Reason)
			}
		}
	}
	if _, err := signature.NewSigner(signature.Standard, stdSecret, "whsec_!!"); err == nil {
		t.Error("a bad second secret was accepted")
	}
}
