package signature_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// v1aVector is testdata/v1a: a key pair, a body and its v1a signature, all
// made by OpenSSL (see the README there), not by Go.
type v1aVector struct {
	signing, public, id, ts, sig string
	body                         []byte
}

func loadV1aVector(t *testing.T) v1aVector {
	t.Helper()
	txt, err := os.ReadFile("testdata/v1a/vector.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("testdata/v1a/body.json")
	if err != nil {
		t.Fatal(err)
	}
	f := map[string]string{}
	for line := range strings.Lines(string(txt)) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		f[k] = v
	}
	v := v1aVector{f["signing_key"], f["public_key"], f["id"], f["timestamp"], f["signature"], body}
	if v.signing == "" || v.public == "" || v.id == "" || v.ts == "" || v.sig == "" {
		t.Fatalf("testdata/v1a/vector.txt is incomplete: %q", txt)
	}
	return v
}

// The signature OpenSSL made verifies with the whpk_ key, and with the whsk_
// key (through its public key); one byte of the body changed, it does not.
func TestV1aExternalVector(t *testing.T) {
	t.Parallel()
	v := loadV1aVector(t)
	opts := signature.VerifyOptions{Tolerance: -1}
	for _, key := range []string{v.public, v.signing} {
		opts.Secrets = []string{key}
		if res := signature.Verify(opts, hdr("webhook-id", v.id, "webhook-timestamp", v.ts, "webhook-signature", v.sig), v.body); !res.Valid {
			t.Errorf("%s...: the OpenSSL signature does not verify: %+v", key[:5], res)
		}
		tampered := bytes.Replace(v.body, []byte("rjohnson@"), []byte("rjohnsom@"), 1)
		res := signature.Verify(opts, hdr("webhook-id", v.id, "webhook-timestamp", v.ts, "webhook-signature", v.sig), tampered)
		if res.Valid || res.Kind != signature.NoMatch {
			t.Errorf("%s...: a tampered body verified: %+v", key[:5], res)
		}
	}
	// The key pair is one: the public key follows from the seed.
	if pub, err := signature.PublicKeyOf(v.signing); err != nil || pub != v.public {
		t.Errorf("PublicKeyOf(whsk_) = %q, %v; want %q", pub, err, v.public)
	}
}

// Ed25519 is deterministic: signing the vector's content with its whsk_ key
// gives OpenSSL's bytes exactly.
func TestV1aSignsAsOpenSSLDoes(t *testing.T) {
	t.Parallel()
	v := loadV1aVector(t)
	hs, err := signature.Sign(signature.Standard, v.signing, v.id, unix(t, v.ts), v.body)
	if err != nil {
		t.Fatal(err)
	}
	want := []signature.Header{{Name: "webhook-id", Value: v.id}, {Name: "webhook-timestamp", Value: v.ts}, {Name: "webhook-signature", Value: v.sig}}
	if len(hs) != len(want) {
		t.Fatalf("headers %v", hs)
	}
	for i := range want {
		if hs[i] != want[i] {
			t.Errorf("header %d = %v, want %v", i, hs[i], want[i])
		}
	}
}

func TestV1aRoundTripAndMixedHeaders(t *testing.T) {
	t.Parallel()
	pair, err := signature.NewKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := signature.NewKeyPair(nil)
	const hmacSecret = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHM="
	body := []byte(`{"type":"invite_user"}`)
	sign := func(secrets ...string) http.Header {
		s, err := signature.NewSigner(signature.Standard, secrets...)
		if err != nil {
			t.Fatal(err)
		}
		hs, err := s.Sign("msg_test", now, body)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		for _, x := range hs {
			h.Add(x.Name, x.Value)
		}
		return h
	}
	mixed := sign(hmacSecret, pair.Signing) // "v1,... v1a,..."
	if got := mixed.Get("webhook-signature"); !strings.HasPrefix(got, "v1,") || !strings.Contains(got, " v1a,") {
		t.Fatalf("a v1 and a v1a signature, in the order of the secrets: %q", got)
	}
	tests := []struct {
		name    string
		h       http.Header
		secrets []string
		valid   bool
		index   int
		kind    signature.FailureKind
		reason  string
	}{
		{"v1a with its public key", sign(pair.Signing), []string{pair.Public}, true, 0, 0, ""},
		{"v1a with its signing key", sign(pair.Signing), []string{pair.Signing}, true, 0, 0, ""},
		{"v1a with another key pair", sign(pair.Signing), []string{other.Public}, false, 0, signature.NoMatch,
			"no signature in webhook-signature matched the configured secret(s)"},
		{"v1a rotation: the second key matches", sign(pair.Signing), []string{other.Public, pair.Public}, true, 1, 0, ""},
		{"mixed header, HMAC receiver", mixed, []string{hmacSecret}, true, 0, 0, ""},
		{"mixed header, Ed25519 receiver", mixed, []string{pair.Public}, true, 0, 0, ""},
		{"mixed header, a wrong HMAC secret and the right public key", mixed,
			[]string{"whsec_b3RoZXIta2V5LWZvci10ZXN0cw==", pair.Public}, true, 1, 0, ""},
		{"mixed header, a wrong public key and the right HMAC secret", mixed, []string{other.Public, hmacSecret}, true, 1, 0, ""},
		{"mixed header, neither", mixed, []string{other.Public, "whsec_b3RoZXIta2V5LWZvci10ZXN0cw=="}, false, 0, signature.NoMatch,
			"no signature in webhook-signature matched the configured secret(s)"},
		{"v1a only, HMAC secrets only", sign(pair.Signing), []string{hmacSecret}, false, 0, signature.NoMatch,
			"no signature in webhook-signature can be checked with the configured secret(s): it carries only v1a (Ed25519) signatures"},
		{"v1 only, public keys only", sign(hmacSecret), []string{pair.Public}, false, 0, signature.NoMatch,
			"no signature in webhook-signature can be checked with the configured secret(s): it carries only v1 (HMAC) signatures"},
		{"v1a malformed, public key", hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330", "webhook-signature", "v1a,abc"),
			[]string{pair.Public}, false, 0, signature.MalformedHeader,
			"malformed webhook-signature header: the v1a signature is not a base64 Ed25519 signature"},
		{"no v1a entry, public key", hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330", "webhook-signature", "v2,abc"),
			[]string{pair.Public}, false, 0, signature.MalformedHeader,
			`malformed webhook-signature header: no v1a signature (expected "v1a,<base64>")`},
		{"no known entry, both kinds of key", hdr("webhook-id", "msg_test", "webhook-timestamp", "1614265330", "webhook-signature", "v2,abc"),
			[]string{pair.Public, hmacSecret}, false, 0, signature.MalformedHeader,
			`malformed webhook-signature header: no v1 or v1a signature (expected "v1,<base64>" or "v1a,<base64>")`},
		{"a broken whpk_ key", sign(pair.Signing), []string{pair.Public, "whpk_AAAA"}, false, 0, signature.InvalidSecret,
			"secret 2 of 2: the secret starts with whpk_ (a Standard Webhooks Ed25519 public key), but the rest is not the base64 of a 32-byte key"},
		{"a broken whsk_ key", sign(pair.Signing), []string{"whsk_###"}, false, 0, signature.InvalidSecret,
			"the secret starts with whsk_ (a Standard Webhooks Ed25519 signing key), but the rest is not the base64 of a 32-byte seed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, scheme := range []signature.Scheme{signature.Auto, signature.Standard} {
				res := signature.Verify(signature.VerifyOptions{Scheme: scheme, Secrets: tt.secrets, Now: now}, tt.h, body)
				if res.Valid != tt.valid || res.Kind != tt.kind || !strings.HasPrefix(res.Reason, tt.reason) || tt.valid && res.SecretIndex != tt.index {
					t.Errorf("%s: %+v, want valid %v (secret %d) kind %s reason %q...", scheme, res, tt.valid, tt.index, tt.kind, tt.reason)
				}
				for _, s := range tt.secrets {
					if len(s) > 8 && strings.Contains(res.Reason, s[5:]) {
						t.Errorf("the reason holds a key: %q", res.Reason)
					}
				}
			}
		})
	}
}

// A whpk_ key cannot sign, and says so; a whsk_ one signs under standard
// only as v1a, and elsewhere is a secret's plain text as before.
func TestV1aSigningKeys(t *testing.T) {
	t.Parallel()
	pair, _ := signature.NewKeyPair(nil)
	if _, err := signature.NewSigner(signature.Standard, pair.Public); !errors.Is(err, signature.ErrPublicKey) {
		t.Errorf("signing with whpk_: %v, want ErrPublicKey", err)
	}
	if _, err := signature.NewSigner(signature.Standard, "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=", pair.Public); !errors.Is(err, signature.ErrPublicKey) {
		t.Errorf("signing with whpk_ as the second secret: %v, want ErrPublicKey", err)
	}
	if err := signature.CheckSecret(signature.Standard, pair.Public); err != nil {
		t.Errorf("CheckSecret(whpk_) = %v: a public key verifies", err)
	}
	if err := signature.CheckSigningSecret(signature.GitHub, pair.Public); !errors.Is(err, signature.ErrPublicKey) {
		t.Errorf("CheckSigningSecret(github, whpk_) = %v", err)
	}
	if err := signature.CheckSigningSecret(signature.Standard, pair.Signing); err != nil {
		t.Errorf("CheckSigningSecret(whsk_) = %v", err)
	}
	if err := signature.CheckSecret(signature.Standard, "whsk_c2hvcnQ="); err == nil || strings.Contains(err.Error(), "c2hvcnQ") {
		t.Errorf("CheckSecret(a short whsk_) = %v", err)
	}
	// 64 bytes, seed then public key (libsodium's form): read when they agree.
	seed, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(pair.Signing, "whsk_"))
	full := "whsk_" + base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(seed))
	if pub, err := signature.PublicKeyOf(full); err != nil || pub != pair.Public {
		t.Errorf("PublicKeyOf(64-byte whsk_) = %q, %v", pub, err)
	}
	otherPub, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(pairPublic(t), "whpk_"))
	broken := "whsk_" + base64.StdEncoding.EncodeToString(append(seed[:32:32], otherPub...))
	if err := signature.CheckSecret(signature.Standard, broken); err == nil || !strings.Contains(err.Error(), "is not the seed's") {
		t.Errorf("CheckSecret(64 bytes that disagree) = %v", err)
	}
	// Unpadded base64, as a key copied without its "=" arrives.
	if err := signature.CheckSecret(signature.Standard, strings.TrimRight(pair.Public, "=")); err != nil {
		t.Errorf("an unpadded whpk_: %v", err)
	}
	// Under github a whsk_ text is an HMAC secret like any other (some
	// providers' HMAC secrets start with whsk_).
	if _, err := signature.Sign(signature.GitHub, "whsk_not-an-ed25519-key", "", now, []byte("{}")); err != nil {
		t.Errorf("github with a whsk_ text: %v", err)
	}
}

func unix(t *testing.T, s string) time.Time {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(n, 0)
}

func pairPublic(t *testing.T) string {
	t.Helper()
	p, err := signature.NewKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	return p.Public
}

// NewKeyPair's keys are the Standard Webhooks encoding: 32 bytes each.
func TestNewKeyPairEncoding(t *testing.T) {
	t.Parallel()
	p, err := signature.NewKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct{ text, prefix string }{{p.Signing, "whsk_"}, {p.Public, "whpk_"}} {
		enc, ok := strings.CutPrefix(k.text, k.prefix)
		raw, err := base64.StdEncoding.DecodeString(enc)
		if !ok || err != nil || len(raw) != 32 {
			t.Errorf("%q: prefix %v, %d bytes, %v", k.text, ok, len(raw), err)
		}
	}
	if signature.KindOf(p.Signing) != signature.SigningKey || signature.KindOf(p.Public) != signature.PublicKey ||
		signature.KindOf("whsec_x") != signature.HMACSecret {
		t.Error("KindOf")
	}
}

// A Signer kept for a load run reuses its buffers: each v1a signature is
// still over its own delivery.
func TestV1aSignerReuse(t *testing.T) {
	t.Parallel()
	pair, _ := signature.NewKeyPair(nil)
	s, err := signature.NewSigner(signature.Standard, pair.Signing)
	if err != nil {
		t.Fatal(err)
	}
	var hs [][]signature.Header
	bodies := []string{`{"n":1}`, `{"n":22222222222222222222}`, `{}`}
	for _, b := range bodies {
		h, err := s.Sign("msg_"+b, now, []byte(b))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	for i, b := range bodies {
		h := http.Header{}
		for _, x := range hs[i] {
			h.Add(x.Name, x.Value)
		}
		if res := signature.Verify(signature.VerifyOptions{Secrets: []string{pair.Public}, Now: now}, h, []byte(b)); !res.Valid {
			t.Errorf("delivery %d: %+v", i, res)
		}
	}
}

// A signature verifies only in its one standard base64 encoding: with a bit
// base64 leaves unused set in its last character it decodes, loosely, to
// the same bytes, and is refused as malformed, saying why. Both versions:
// v1 (32 bytes, 2 unused bits) and v1a (64 bytes, OpenSSL's, 4).
func TestSignatureOnlyInItsStandardBase64(t *testing.T) {
	t.Parallel()
	v := loadV1aVector(t)
	body := []byte(`{"event":"ping"}`)
	ts := time.Unix(stdTS, 0)
	hs, err := signature.Sign(signature.Standard, stdSecret, stdID, ts, body)
	if err != nil {
		t.Fatal(err)
	}
	v1 := hs[2].Value
	for _, c := range []struct {
		name, secret, id, ts, sig string
		body                      []byte
	}{
		{"v1", stdSecret, stdID, strconv.FormatInt(stdTS, 10), v1, body},
		{"v1a", v.public, v.id, v.ts, v.sig, v.body},
	} {
		opts := signature.VerifyOptions{Secrets: []string{c.secret}, Tolerance: -1}
		if res := signature.Verify(opts, hdr("webhook-id", c.id, "webhook-timestamp", c.ts, "webhook-signature", c.sig), c.body); !res.Valid {
			t.Fatalf("%s: the genuine signature does not verify: %+v", c.name, res)
		}
		loose := setUnusedBit(t, c.sig)
		res := signature.Verify(opts, hdr("webhook-id", c.id, "webhook-timestamp", c.ts, "webhook-signature", loose), c.body)
		if res.Valid || res.Kind != signature.MalformedHeader || !strings.Contains(res.Reason, "bits base64 leaves unused") {
			t.Errorf("%s: %q verified, or was refused without saying why: %+v", c.name, loose, res)
		}
	}
}

// setUnusedBit sets the lowest bit of the last base64 character of the
// signature in "version,base64", one base64 leaves unused.
func setUnusedBit(t *testing.T, vsig string) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	i := len(strings.TrimRight(vsig, "=")) - 1
	k := strings.IndexByte(alphabet, vsig[i])
	if k < 0 || k&1 != 0 {
		t.Fatalf("%q: its last character is not a canonical one", vsig)
	}
	out := vsig[:i] + string(alphabet[k|1]) + vsig[i+1:]
	_, enc, _ := strings.Cut(out, ",")
	if _, err := base64.StdEncoding.DecodeString(enc); err != nil {
		t.Fatalf("%q does not decode loosely: %v", out, err)
	}
	return out
}
