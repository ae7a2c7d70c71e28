package signature_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// mac is an HMAC-SHA256 computed here, independently of the package.
func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// stdKey is the Standard Webhooks key of stdSecret.
func stdKey(t *testing.T) []byte {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(stdSecret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// stdHeaders signs body with key the Standard Webhooks way, at ts.
func stdHeaders(key []byte, ts int64, body string) http.Header {
	t := strconv.FormatInt(ts, 10)
	return hdr("webhook-id", stdID, "webhook-timestamp", t,
		"webhook-signature", "v1,"+b64(mac(key, stdID+"."+t+"."+body)))
}

// edSeed is a fixed Ed25519 seed, n in every byte.
func edSeed(n byte) []byte { return bytes.Repeat([]byte{n}, ed25519.SeedSize) }

func edSigning(seed []byte) string { return "whsk_" + b64(seed) }

func edPublic(seed []byte) string {
	return "whpk_" + b64(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
}

// edV1a is a v1a signature made here with crypto/ed25519 directly.
func edV1a(seed []byte, ts int64, body string) string {
	return "v1a," + b64(ed25519.Sign(ed25519.NewKeyFromSeed(seed), []byte(stdID+"."+strconv.FormatInt(ts, 10)+"."+body)))
}

// edHeaders signs body with the Ed25519 seed the Standard Webhooks v1a way.
func edHeaders(seed []byte, ts int64, body string) http.Header {
	return hdr("webhook-id", stdID, "webhook-timestamp", strconv.FormatInt(ts, 10), "webhook-signature", edV1a(seed, ts, body))
}

// mixedHeaders carries a v1 and a v1a signature, as a sender moving to v1a does.
func mixedHeaders(key, seed []byte, ts int64, body string) http.Header {
	t := strconv.FormatInt(ts, 10)
	return hdr("webhook-id", stdID, "webhook-timestamp", t,
		"webhook-signature", "v1,"+b64(mac(key, stdID+"."+t+"."+body))+" "+edV1a(seed, ts, body))
}

func ghHeader(key []byte, body string) http.Header {
	return hdr("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac(key, body)))
}

// The payload a sender signs: compact, as JSON.stringify and Go write it,
// with characters the JSON writers escape differently.
const sent = `{"event":{"name":"access_request.created","requester":"José Núñez <jn@example.com>","tags":["a&b"]},"callback":"https://hooks.example.com/cb/1","n":2432232314}`

// jqPretty is what `jq .` makes of a body: two-space indents and a final
// newline (encoding/json's Indent lays it out the same way).
func jqPretty(t *testing.T, body string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(body), "", "  "); err != nil {
		t.Fatal(err)
	}
	return b.String() + "\n"
}

type diagCase struct {
	name    string
	scheme  signature.Scheme
	secrets []string
	others  []signature.NamedSecret
	headers http.Header
	body    string // as the receiver got it
	cause   signature.Cause
	detail  string // a fragment the detail must hold
}

func diagCases(t *testing.T) []diagCase {
	key := stdKey(t)
	ts := int64(stdTS)
	stagingSecret := "whsec_" + b64([]byte("the staging environment key"))
	stagingKey, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(stagingSecret, "whsec_"))
	pythonSent := `{"name": "Jos\u00e9", "tags": ["a", "b"], "n": 1}`
	goSent := `{"a":"\u003cb\u003e","z":1}`
	stdWithHex := hdr("webhook-id", stdID, "webhook-timestamp", strconv.FormatInt(ts, 10),
		"webhook-signature", "v1,"+hex.EncodeToString(mac(key, stdID+"."+strconv.FormatInt(ts, 10)+"."+sent)))
	return []diagCase{
		{name: "jq pretty-printed it", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdHeaders(key, ts, sent), body: jqPretty(t, sent),
			cause: signature.CauseJSONReformatted, detail: "matches this body compacted (no whitespace), keys as received"},
		{name: "an express app re-stringified a Python sender's body", scheme: signature.Standard, secrets: []string{stdSecret},
			headers: stdHeaders(key, ts, pythonSent), body: `{"name":"José","tags":["a","b"],"n":1}`,
			cause: signature.CauseJSONReformatted, detail: "Python's default"},
		{name: "a Go map sender, pretty-printed on the way", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: ghHeader([]byte(ghSecret), goSent), body: "{\n    \"z\": 1,\n    \"a\": \"<b>\"\n}",
			cause: signature.CauseJSONReformatted, detail: "keys sorted, <, > and & as \\u escapes"},
		{name: "a Python receiver re-dumped it", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: ghHeader([]byte(ghSecret), `{"name":"José"}`), body: `{"name": "Jos\u00e9"}`,
			cause: signature.CauseJSONReformatted, detail: "\\u escapes decoded"},
		{name: "a newline was added", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdHeaders(key, ts, sent), body: sent + "\n",
			cause: signature.CauseTrailingNewline, detail: "with a trailing newline removed: something between the sender and your handler added one"},
		{name: "a newline was trimmed", scheme: signature.Stripe, secrets: []string{"sk_test_123"},
			headers: hdr("Stripe-Signature", "t=1614265330,v1="+hex.EncodeToString(mac([]byte("sk_test_123"), "1614265330."+sent+"\n"))),
			body:    sent, cause: signature.CauseTrailingNewline, detail: "with a trailing newline added"},
		{name: "CRLF line endings", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdHeaders(key, ts, jqPretty(t, sent)), body: strings.ReplaceAll(jqPretty(t, sent), "\n", "\r\n"),
			cause: signature.CauseLineEndings, detail: "CRLF line endings turned into LF"},
		{name: "a BOM was added", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: ghHeader([]byte(ghSecret), sent), body: "\ufeff" + sent,
			cause: signature.CauseBOM, detail: "byte order mark removed"},
		{name: "the sender used the whsec_ secret as raw bytes", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdHeaders([]byte(stdSecret), ts, sent), body: sent,
			cause: signature.CauseSecretEncoding, detail: "used whole as raw bytes"},
		{name: "a github sender decoded the whsec_ secret", scheme: signature.GitHub, secrets: []string{stagingSecret},
			headers: ghHeader(stagingKey, sent), body: sent,
			cause: signature.CauseSecretEncoding, detail: "base64-decoded after whsec_"},
		{name: "the secret was pasted with quotes", scheme: signature.Auto, secrets: []string{`"` + stdSecret + `" `},
			headers: stdHeaders(key, ts, sent), body: sent,
			cause: signature.CauseSecretWhitespace, detail: "whitespace or quotes trimmed"},
		{name: "the sender read its secret from a file with a newline", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: ghHeader([]byte(ghSecret+"\n"), sent), body: sent,
			cause: signature.CauseSecretWhitespace, detail: "with a trailing newline"},
		{name: "the bearer token was configured with a trailing space", scheme: signature.Bearer, secrets: []string{"tok-123 "},
			headers: hdr("Authorization", "Bearer tok-123"), body: sent,
			cause: signature.CauseSecretWhitespace, detail: "bearer token matches the secret once"},
		{name: "the sender has the staging secret", scheme: signature.Auto, secrets: []string{stdSecret},
			others:  []signature.NamedSecret{{Name: "the secret in WEBHOOK_TOOL_SECRET", Value: stagingSecret}},
			headers: stdHeaders(stagingKey, ts, sent), body: sent,
			cause: signature.CauseOtherSecret, detail: "matches the secret in WEBHOOK_TOOL_SECRET, not the secret(s) given"},
		{name: "the sender has a secret read only when needed, with its own fix", scheme: signature.Auto, secrets: []string{stdSecret},
			others: []signature.NamedSecret{{Name: "a secret with no value"}, {Name: "a secret not there", Load: func() string { return "" }},
				{Name: "the development secret", Load: func() string { return stagingSecret }, Fix: "sign with the receiver's secret"}},
			headers: stdHeaders(stagingKey, ts, sent), body: sent,
			cause: signature.CauseOtherSecret, detail: "the standard signature matches the development secret: sign with the receiver's secret"},
		{name: "a bearer token that is a secret with its own fix", scheme: signature.Bearer, secrets: []string{"tok-123"},
			others:  []signature.NamedSecret{{Name: "the development secret", Load: func() string { return "tok-dev" }, Fix: "send with the receiver's token"}},
			headers: hdr("Authorization", "Bearer tok-dev"), body: sent,
			cause: signature.CauseOtherSecret, detail: "the bearer token is the development secret: send with the receiver's token"},
		{name: "hex where base64 is expected", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdWithHex, body: sent,
			cause: signature.CauseSignatureEncoding, detail: "when webhook-signature is read as hex (not base64): the sender writes it as v1,<hex>"},
		{name: "github signature without its prefix", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: hdr("X-Hub-Signature-256", hex.EncodeToString(mac([]byte(ghSecret), sent))), body: sent,
			cause: signature.CauseSignatureEncoding, detail: "when X-Hub-Signature-256 is read without its sha256= prefix"},
		{name: "github signature in base64", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: hdr("X-Hub-Signature-256", "sha256="+b64(mac([]byte(ghSecret), sent))), body: sent,
			cause: signature.CauseSignatureEncoding, detail: "read as base64 (not hex)"},
		{name: "a clock 10 minutes behind the sender's", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdHeaders(key, ts+600, sent), body: sent,
			cause: signature.CauseClock, detail: "webhook-timestamp (1614265930) is 10m0s ahead of this clock, beyond the 5m0s tolerance"},
		{name: "a stripe delivery 2 hours old", scheme: signature.Stripe, secrets: []string{"sk_test_123"},
			headers: hdr("Stripe-Signature", "t=1614258130,v1="+hex.EncodeToString(mac([]byte("sk_test_123"), "1614258130."+sent))),
			body:    sent, cause: signature.CauseClock, detail: "is 2h0m0s behind this clock"},

		// v1a, Standard Webhooks' Ed25519 signatures.
		{name: "a v1a delivery checked with an HMAC secret", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: edHeaders(edSeed(1), ts, sent), body: sent,
			cause: signature.CauseKeyType, detail: "are all v1a (Ed25519, Standard Webhooks' asymmetric signatures), and every secret configured is an HMAC secret"},
		{name: "a v1 delivery checked with a public key", scheme: signature.Standard, secrets: []string{edPublic(edSeed(1))},
			headers: stdHeaders(key, ts, sent), body: sent,
			cause: signature.CauseKeyType, detail: "are all v1 (HMAC-SHA256), and every key configured is an Ed25519 key"},
		{name: "a v1 delivery checked with a signing key", scheme: signature.Standard, secrets: []string{edSigning(edSeed(1))},
			headers: stdHeaders(key, ts, sent), body: sent,
			cause: signature.CauseKeyType, detail: "check them with the shared whsec_ secret"},
		{name: "jq pretty-printed a v1a delivery", scheme: signature.Auto, secrets: []string{edPublic(edSeed(1))},
			headers: edHeaders(edSeed(1), ts, sent), body: jqPretty(t, sent),
			cause: signature.CauseJSONReformatted, detail: "the standard signature matches this body compacted"},
		{name: "a quoted whpk_ key", scheme: signature.Auto, secrets: []string{`"` + edPublic(edSeed(1)) + `"`},
			headers: edHeaders(edSeed(1), ts, sent), body: sent,
			cause: signature.CauseSecretWhitespace, detail: "so it was not read as a whsk_ or whpk_ key"},
		{name: "the sender has the staging key pair", scheme: signature.Auto, secrets: []string{edPublic(edSeed(1))},
			others:  []signature.NamedSecret{{Name: "the secret in WEBHOOK_TOOL_SECRET", Value: edPublic(edSeed(2))}},
			headers: edHeaders(edSeed(2), ts, sent), body: sent,
			cause: signature.CauseOtherSecret, detail: "matches the secret in WEBHOOK_TOOL_SECRET"},

		// Nothing explains these: no cause may be claimed.
		{name: "another body", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdHeaders(key, ts, sent), body: strings.Replace(sent, "2432232314", "2432232315", 1)},
		{name: "another body, pretty-printed", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: ghHeader([]byte(ghSecret), sent), body: jqPretty(t, strings.Replace(sent, "José", "Jose", 1))},
		{name: "another secret, none configured elsewhere", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: stdHeaders(stagingKey, ts, sent), body: sent},
		{name: "another secret, and the other one is wrong too", scheme: signature.Auto, secrets: []string{stdSecret},
			others:  []signature.NamedSecret{{Name: "the config file's secret", Value: "whsec_" + b64([]byte("x"))}},
			headers: stdHeaders(stagingKey, ts, sent), body: sent},
		{name: "a body that is not JSON, changed", scheme: signature.GitHub, secrets: []string{ghSecret},
			headers: ghHeader([]byte(ghSecret), ghBody), body: "Hello, World?"},
		{name: "a bearer token that is just wrong", scheme: signature.Bearer, secrets: []string{"tok-123"},
			headers: hdr("Authorization", "Bearer tok-456"), body: sent},
		{name: "a v1a delivery signed by another key pair", scheme: signature.Auto, secrets: []string{edPublic(edSeed(1))},
			headers: edHeaders(edSeed(2), ts, sent), body: sent},
		{name: "a mixed header, neither signature ours", scheme: signature.Auto, secrets: []string{stdSecret, edPublic(edSeed(1))},
			headers: mixedHeaders(stagingKey, edSeed(2), ts, sent), body: sent},
		{name: "the vector signature over another body", scheme: signature.Auto, secrets: []string{stdSecret},
			headers: hdr("webhook-id", stdID, "webhook-timestamp", "1614265330", "webhook-signature", stdSig), body: `{"test": 2432232315}`},
	}
}

func TestDiagnose(t *testing.T) {
	t.Parallel()
	now := time.Unix(stdTS, 0)
	for _, c := range diagCases(t) {
		t.Run(c.name, func(t *testing.T) {
			vo := signature.VerifyOptions{Scheme: c.scheme, Secrets: c.secrets, Now: now}
			res := signature.Verify(vo, c.headers, []byte(c.body))
			if res.Valid {
				t.Fatalf("the broken delivery verifies: the case tests nothing")
			}
			rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo, Others: c.others}, c.headers, []byte(c.body), res)
			if c.cause == "" {
				if rep.Diagnosis != nil {
					t.Fatalf("claimed %+v for a mismatch nothing explains", *rep.Diagnosis)
				}
				if len(rep.Tried) == 0 && res.Kind == signature.NoMatch && res.Scheme != signature.Bearer {
					t.Errorf("no candidate was tried")
				}
				return
			}
			if rep.Diagnosis == nil {
				t.Fatalf("no diagnosis; want %s (verify said %q); tried:\n%s", c.cause, res.Reason, tried(rep))
			}
			if rep.Diagnosis.Cause != c.cause {
				t.Errorf("cause %s, want %s; detail: %s", rep.Diagnosis.Cause, c.cause, rep.Diagnosis.Detail)
			}
			if !strings.Contains(rep.Diagnosis.Detail, c.detail) {
				t.Errorf("detail %q\nlacks %q", rep.Diagnosis.Detail, c.detail)
			}
			last := rep.Tried[len(rep.Tried)-1]
			if last.Outcome != "match" || last.Cause != c.cause {
				t.Errorf("the last candidate tried is %+v, want the match", last)
			}
			checkSentence(t, rep.Diagnosis.Detail)
		})
	}
}

func tried(rep signature.Report) string {
	var b strings.Builder
	for _, c := range rep.Tried {
		b.WriteString("  " + string(c.Scheme) + " " + string(c.Cause) + " " + c.Change + ": " + c.Outcome + "\n")
	}
	return b.String()
}

// TestDiagnoseNeverShowsSecrets checks every word Diagnose produces, found
// or not, for the secrets and what they are made of.
func TestDiagnoseNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	now := time.Unix(stdTS, 0)
	for _, c := range diagCases(t) {
		vo := signature.VerifyOptions{Scheme: c.scheme, Secrets: c.secrets, Now: now}
		res := signature.Verify(vo, c.headers, []byte(c.body))
		rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo, Others: c.others}, c.headers, []byte(c.body), res)
		var words []string
		if rep.Diagnosis != nil {
			words = append(words, rep.Diagnosis.Detail)
		}
		for _, cand := range rep.Tried {
			words = append(words, cand.Change, cand.Outcome)
		}
		all := append([]string{}, c.secrets...)
		for _, o := range c.others {
			if o.Value == "" && o.Load != nil {
				o.Value = o.Load()
			}
			all = append(all, o.Value)
		}
		for _, s := range all {
			s = strings.Trim(s, "\" \n")
			if s == "" {
				continue
			}
			for _, frag := range []string{s, strings.TrimPrefix(s, "whsec_"), strings.TrimPrefix(s, "whsk_"), "Secret to Everybody", "tok-123", "MfKQ9r8"} {
				if !strings.Contains(s, frag) {
					continue
				}
				for _, w := range words {
					if strings.Contains(w, frag) {
						t.Errorf("%s: %q shows a secret (%q)", c.name, w, frag)
					}
				}
			}
		}
	}
}

// A valid delivery is never diagnosed: the doctor is not on the success path.
func TestDiagnoseValidDoesNothing(t *testing.T) {
	t.Parallel()
	h := stdHeaders(stdKey(t), stdTS, sent)
	vo := signature.VerifyOptions{Secrets: []string{stdSecret}, Now: time.Unix(stdTS, 0)}
	res := signature.Verify(vo, h, []byte(sent))
	if !res.Valid {
		t.Fatal(res.Reason)
	}
	if rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, h, []byte(sent), res); rep.Diagnosis != nil || len(rep.Tried) > 0 {
		t.Errorf("Diagnose of a valid result = %+v", rep)
	}
	// Nor a failure no change explains: a missing header.
	res = signature.Verify(vo, hdr("webhook-id", "x"), []byte(sent))
	if rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, hdr("webhook-id", "x"), []byte(sent), res); rep.Diagnosis != nil || len(rep.Tried) > 0 {
		t.Errorf("Diagnose of %s = %+v", res.Kind, rep)
	}
}

// A body over MaxDiagnoseBody is not transformed, even when a change would
// explain it; the changes that leave the body alone are still tried.
func TestDiagnoseBigBodyNotTransformed(t *testing.T) {
	t.Parallel()
	body := `{"pad":"` + strings.Repeat("x", signature.MaxDiagnoseBody) + `"}`
	h := ghHeader([]byte(ghSecret), body)
	vo := signature.VerifyOptions{Scheme: signature.GitHub, Secrets: []string{ghSecret}}
	got := body + "\n"
	res := signature.Verify(vo, h, []byte(got))
	rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, h, []byte(got), res)
	if rep.Diagnosis != nil {
		t.Errorf("diagnosed a body over the limit: %+v", rep.Diagnosis)
	}
	var skipped, secretTried bool
	for _, c := range rep.Tried {
		skipped = skipped || strings.HasPrefix(c.Outcome, "skipped: the body is over")
		secretTried = secretTried || c.Cause == signature.CauseSecretWhitespace
	}
	if !skipped || !secretTried {
		t.Errorf("want the body changes skipped and the secret ones tried; tried:\n%s", tried(rep))
	}
	// Just under the limit the same change is found.
	body = `{"pad":"` + strings.Repeat("x", signature.MaxDiagnoseBody-20) + `"}`
	h = ghHeader([]byte(ghSecret), body)
	rep = signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, h, []byte(body+"\n"), signature.Verify(vo, h, []byte(body+"\n")))
	if rep.Diagnosis == nil || rep.Diagnosis.Cause != signature.CauseTrailingNewline {
		t.Errorf("under the limit: %+v", rep.Diagnosis)
	}
}

// The candidate list is fixed: however the body looks, the number of
// changes tried has the same bound.
func TestDiagnoseBounded(t *testing.T) {
	t.Parallel()
	vo := signature.VerifyOptions{Scheme: signature.GitHub, Secrets: []string{ghSecret, "second secret"}}
	for _, body := range []string{sent, jqPretty(t, sent), "plain text\r\n", "\ufeff{}"} {
		h := ghHeader([]byte("a secret nobody has"), body)
		rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, h, []byte(body), signature.Verify(vo, h, []byte(body)))
		if n := len(rep.Tried) + rep.Repeats; n == 0 || n > 80 {
			t.Errorf("%q: %d candidates", body, n)
		}
		for _, c := range rep.Tried {
			if c.Outcome == "match" {
				t.Errorf("%q: claimed %+v", body, c)
			}
		}
	}
}

// A header stuffed with signatures does not make the diagnosis grow with it.
func TestDiagnoseManySignatures(t *testing.T) {
	t.Parallel()
	vo := signature.VerifyOptions{Scheme: signature.Standard, Secrets: []string{stdSecret}, Now: time.Unix(stdTS, 0)}
	var entries []string
	for i := range 5000 {
		entries = append(entries, "v1,"+hex.EncodeToString(mac([]byte{byte(i), byte(i >> 8)}, "x")))
	}
	h := hdr("webhook-id", stdID, "webhook-timestamp", "1614265330", "webhook-signature", strings.Join(entries, " "))
	rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, h, []byte(sent), signature.Verify(vo, h, []byte(sent)))
	if rep.Diagnosis != nil || len(rep.Tried) > 20 {
		t.Errorf("%d candidates tried, diagnosis %+v", len(rep.Tried), rep.Diagnosis)
	}
}

// FuzzDiagnose: whatever the body and headers, Diagnose returns (no panic,
// no hang), and nothing it says holds a secret.
func FuzzDiagnose(f *testing.F) {
	f.Add([]byte(sent), "v1,"+b64(mac([]byte("k"), "x")), "sha256=00")
	f.Add([]byte(`{"a":[1,{"b":"\u00e9\ud83c\udf89"}],"c":{}}`+"\r\n"), "v1,zz", "sha256=")
	f.Add([]byte("\ufeff[]"), "", "abc")
	f.Fuzz(func(t *testing.T, body []byte, stdSig, ghSig string) {
		h := hdr("webhook-id", stdID, "webhook-timestamp", "1614265330", "webhook-signature", stdSig, "X-Hub-Signature-256", ghSig)
		for _, scheme := range []signature.Scheme{signature.Auto, signature.GitHub} {
			vo := signature.VerifyOptions{Scheme: scheme, Secrets: []string{stdSecret, ghSecret}, Tolerance: -1}
			res := signature.Verify(vo, h, body)
			rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, h, body, res)
			var said []string
			if rep.Diagnosis != nil {
				said = append(said, rep.Diagnosis.Detail)
			}
			for _, c := range rep.Tried {
				said = append(said, c.Change, c.Outcome)
			}
			for _, w := range said {
				if strings.Contains(w, "MfKQ9r8GKYqr") || strings.Contains(w, "Secret to Everybody") {
					t.Errorf("%q shows a secret", w)
				}
			}
		}
	})
}

// BenchmarkDiagnoseNothingFound is the worst case: a 5 KB JSON body that no
// candidate explains, so every one is tried.
func BenchmarkDiagnoseNothingFound(b *testing.B) {
	body := benchBody
	var obj bytes.Buffer
	obj.WriteString(`{"items":[`)
	obj.Write(bytes.TrimSuffix(body[:len(body)-len(body)%35], []byte(",")))
	obj.WriteString(`]}`)
	h := ghHeader([]byte("another secret"), obj.String())
	vo := signature.VerifyOptions{Scheme: signature.GitHub, Secrets: []string{ghSecret}}
	res := signature.Verify(vo, h, obj.Bytes())
	b.SetBytes(int64(obj.Len()))
	for b.Loop() {
		signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: vo}, h, obj.Bytes(), res)
	}
}
