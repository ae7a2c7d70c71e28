package signature_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// A Signer reused across many bodies, ids and timestamps gives exactly what
// Sign gives for each, for every scheme and several secrets.
func TestSignerMatchesSign(t *testing.T) {
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
