package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/report"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

const (
	testSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	testSecret2 = "whsec_" + "bmV3IHNlY3JldCBvZiBhIHJvdGF0aW9u" // base64("new secret of a rotation")
)

func family(name string) []string {
	var out []string
	for _, n := range fixture.Names() {
		if strings.HasPrefix(n, name+".") {
			out = append(out, n)
		}
	}
	return out
}

// probeReceiver runs probe against rc, served on loopback, and returns the
// checks by id. mod adjusts the options (fixtures, durations).
func probeReceiver(t *testing.T, rc *receiver, mod func(*Options)) map[string]Check {
	t.Helper()
	_, got := probeReport(t, rc, mod)
	return got
}

// probeReport is probeReceiver with the report too.
func probeReport(t *testing.T, rc *receiver, mod func(*Options)) (*Report, map[string]Check) {
	t.Helper()
	srv := httptest.NewServer(rc)
	defer srv.Close()
	defer rc.jobs.Wait()
	opts := Options{
		URL:            srv.URL + "/hooks/",
		Fixtures:       family("permission_assist"),
		Scheme:         rc.scheme,
		Secret:         rc.secret,
		Policy:         delivery.Policy{Timeout: 30 * time.Second},
		AckWithin:      30 * time.Second, // the timeout: only a slow receiver's own test can fail ack-time
		CallbackWithin: 30 * time.Second, // ends early once every callback is in
		settle:         20 * time.Millisecond,
	}
	if mod != nil {
		mod(&opts)
	}
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rep.Checks) != len(CheckIDs()) {
		t.Fatalf("got %d checks, want %d", len(rep.Checks), len(CheckIDs()))
	}
	got := map[string]Check{}
	for i, c := range rep.Checks {
		if c.ID != CheckIDs()[i] {
			t.Errorf("check %d is %q, want %q", i, c.ID, CheckIDs()[i])
		}
		got[c.ID] = c
	}
	return rep, got
}

// skipsFor is what a scheme cannot express, and the callback checks for a
// run without Permission Assist fixtures.
// With one secret, rotation-secrets is skipped; svix-headers is the
// standard scheme's only; rotation-order needs a scheme that carries
// several signatures.
func skipsFor(scheme signature.Scheme, pa bool) map[string]Result {
	want := map[string]Result{CheckRotationSecrets: Skip}
	switch scheme {
	case signature.None:
		for _, id := range []string{CheckUnsigned, CheckTampered, CheckWrongSecret, CheckStale, CheckFuture, CheckRotationOrder} {
			want[id] = Skip
		}
	case signature.GitHub:
		want[CheckStale], want[CheckFuture], want[CheckRotationOrder] = Skip, Skip, Skip
	case signature.Bearer:
		want[CheckStale], want[CheckFuture], want[CheckTampered], want[CheckRotationOrder] = Skip, Skip, Skip, Skip
	}
	if scheme != signature.Standard {
		want[CheckSvixHeaders] = Skip
	}
	if !pa {
		want[CheckCallback], want[CheckCallbackOnce] = Skip, Skip
	}
	return want
}

// expectOnly checks that every check is as want says, and pass otherwise.
func expectOnly(t *testing.T, got map[string]Check, want map[string]Result) {
	t.Helper()
	for _, id := range CheckIDs() {
		w, ok := want[id]
		if !ok {
			w = Pass
		}
		c := got[id]
		if c.Result != w {
			t.Errorf("%s: %s, want %s\n  detail: %s\n  hint: %s", id, c.Result, w, c.Detail, c.Hint)
		}
		if c.Detail == "" {
			t.Errorf("%s: no detail", id)
		}
		if (c.Result == Fail || c.Result == Warn) && c.Hint == "" && !strings.Contains(c.Detail, "no answer") {
			t.Errorf("%s: %s without a hint: %s", id, c.Result, c.Detail)
		}
		if c.Result == Skip && len(c.Requests) > 0 && id != CheckAckTime {
			t.Errorf("%s: skipped, yet %d requests were sent", id, len(c.Requests))
		}
	}
}

func TestCorrectReceiversPassEverything(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		rc     *receiver
		family string
	}{
		{"standard, Permission Assist", &receiver{scheme: signature.Standard, secret: testSecret}, "permission_assist"},
		{"standard, Permission Assist, callbacks from a background job", &receiver{scheme: signature.Standard, secret: testSecret, asyncCallback: true}, "permission_assist"},
		{"standard, Permit", &receiver{scheme: signature.Standard, secret: testSecret}, "permit"},
		{"github, Permission Assist", &receiver{scheme: signature.GitHub, secret: "It's a Secret to Everybody"}, "permission_assist"},
		{"stripe, Permission Assist", &receiver{scheme: signature.Stripe, secret: "sk_test_probe"}, "permission_assist"},
		{"bearer, Permit", &receiver{scheme: signature.Bearer, secret: "permit-token"}, "permit"},
		{"none, Permission Assist", &receiver{scheme: signature.None}, "permission_assist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := probeReceiver(t, tt.rc, func(o *Options) { o.Fixtures = family(tt.family) })
			expectOnly(t, got, skipsFor(tt.rc.scheme, tt.family == "permission_assist"))
			if n := len(got[CheckValid].Requests); n != len(family(tt.family)) {
				t.Errorf("valid sent %d deliveries, want one per fixture (%d)", n, len(family(tt.family)))
			}
			if n := len(got[CheckDuplicate].Requests); n != 2 {
				t.Errorf("duplicate sent %d deliveries, want 2", n)
			}
		})
	}
}

func TestEachBrokenReceiverFailsItsCheckOnly(t *testing.T) {
	t.Parallel()
	std := func(rc *receiver) *receiver {
		rc.scheme, rc.secret = signature.Standard, testSecret
		return rc
	}
	tests := []struct {
		name   string
		rc     *receiver
		mod    func(*Options)
		broken map[string]Result
	}{
		{"accepts unsigned", std(&receiver{acceptUnsigned: true}), nil, map[string]Result{CheckUnsigned: Fail}},
		{"ignores timestamps (stripe)", &receiver{scheme: signature.Stripe, secret: "sk_test_probe", ignoreStale: true}, nil,
			map[string]Result{CheckStale: Fail}},
		{"ignores timestamps (standard)", std(&receiver{ignoreStale: true}), nil, map[string]Result{CheckStale: Fail}},
		{"accepts future timestamps", std(&receiver{acceptFuture: true}), nil, map[string]Result{CheckFuture: Fail}},
		{"accepts a tampered body", std(&receiver{acceptTampered: true}), func(o *Options) { o.Fixtures = []string{"permit.create_user"} },
			map[string]Result{CheckTampered: Fail, CheckCallback: Skip, CheckCallbackOnce: Skip}},
		{"accepts a wrong secret (bearer)", &receiver{scheme: signature.Bearer, secret: "permit-token", acceptWrongSecret: true},
			func(o *Options) { o.Fixtures = family("permit") },
			map[string]Result{CheckWrongSecret: Fail, CheckTampered: Skip, CheckStale: Skip, CheckFuture: Skip, CheckCallback: Skip, CheckCallbackOnce: Skip}},
		{"500 on unknown fields", std(&receiver{strictFields: true}), nil, map[string]Result{CheckUnknownFields: Fail}},
		{"500 on bad JSON", &receiver{scheme: signature.GitHub, secret: "gh", badJSON500: true}, nil,
			map[string]Result{CheckMalformedJSON: Fail, CheckStale: Skip, CheckFuture: Skip}},
		{"200 on bad JSON", std(&receiver{badJSON200: true}), nil, map[string]Result{CheckMalformedJSON: Warn}},
		{"slow to answer", std(&receiver{slow: 20 * time.Millisecond}), func(o *Options) { o.AckWithin = time.Millisecond },
			map[string]Result{CheckAckTime: Fail}},
		{"rejects a redelivery", std(&receiver{rejectDuplicates: true}), nil, map[string]Result{CheckDuplicate: Fail}},
		{"processes a redelivery again", std(&receiver{processDuplicates: true}), nil, map[string]Result{CheckCallbackOnce: Fail}},
		{"never calls back", std(&receiver{neverCallBack: true}), func(o *Options) { o.CallbackWithin = 100 * time.Millisecond },
			map[string]Result{CheckCallback: Warn}},
		{"never calls back, --expect-callback", std(&receiver{neverCallBack: true}),
			func(o *Options) { o.CallbackWithin = 100 * time.Millisecond; o.ExpectCallback = true },
			map[string]Result{CheckCallback: Fail}},
		{"calls back with JSON", std(&receiver{callbackType: "application/json"}), nil, map[string]Result{CheckCallback: Fail}},
		{"checks only the first signature", std(&receiver{firstSignatureOnly: true}), nil, map[string]Result{CheckRotationOrder: Fail}},
		{"checks only the first signature (stripe)", &receiver{scheme: signature.Stripe, secret: "sk_test_probe", firstSignatureOnly: true}, nil,
			map[string]Result{CheckRotationOrder: Fail}},
		{"tries only its first secret", std(&receiver{more: []string{testSecret2}, firstSecretOnly: true}),
			func(o *Options) { o.Secrets = []string{testSecret, testSecret2} }, map[string]Result{CheckRotationSecrets: Fail}},
		{"tries only its first secret (github)", &receiver{scheme: signature.GitHub, secret: "gh-old", more: []string{"gh-new"}, firstSecretOnly: true},
			func(o *Options) { o.Secrets = []string{"gh-old", "gh-new"} }, map[string]Result{CheckRotationSecrets: Fail}},
		{"knows only the webhook-* headers", std(&receiver{webhookHeadersOnly: true}), nil, map[string]Result{CheckSvixHeaders: Warn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := probeReceiver(t, tt.rc, tt.mod)
			want := skipsFor(tt.rc.scheme, true)
			for id, r := range tt.broken {
				want[id] = r
			}
			expectOnly(t, got, want)
		})
	}
}

func TestWrongSecretOnTheReceiver(t *testing.T) {
	t.Parallel()
	// The receiver verifies with another secret: probe's correct deliveries
	// are refused, and it says to check --secret.
	rc := &receiver{scheme: signature.Standard, secret: "whsec_" + "c29tZXRoaW5nIGVsc2U="}
	got := probeReceiver(t, rc, func(o *Options) { o.Secret = testSecret })
	c := got[CheckValid]
	if c.Result != Fail || !strings.Contains(c.Detail, "401 Unauthorized") || !strings.Contains(c.Hint, "--secret") {
		t.Errorf("valid: %+v", c)
	}
	if got[CheckAckTime].Result != Skip {
		t.Errorf("ack-time: %+v", got[CheckAckTime])
	}
	if got[CheckCallback].Result != Skip {
		t.Errorf("callback: %+v", got[CheckCallback])
	}
}

func TestDetailsSayWhatWasSentAndWhatCameBack(t *testing.T) {
	t.Parallel()
	got := probeReceiver(t, &receiver{scheme: signature.Standard, secret: testSecret, acceptUnsigned: true, badJSON500: true}, nil)
	u := got[CheckUnsigned]
	for _, want := range []string{"with no signature header", "200 OK", `"ok"`} {
		if !strings.Contains(u.Detail, want) {
			t.Errorf("unsigned detail %q lacks %q", u.Detail, want)
		}
	}
	if want := "your endpoint accepted a delivery with no signature: verify webhook-signature before processing the body"; u.Hint != want {
		t.Errorf("unsigned hint %q, want %q", u.Hint, want)
	}
	m := got[CheckMalformedJSON]
	if !strings.Contains(m.Detail, "500 Internal Server Error") || !strings.Contains(m.Hint, "retry") {
		t.Errorf("malformed-json: %+v", m)
	}
	if m.Requests[0].Status != 500 {
		t.Errorf("malformed-json requests: %+v", m.Requests)
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = Run(context.Background(), Options{URL: "http://" + addr + "/", Fixtures: []string{"permit.create_user"}, Scheme: signature.None})
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Host != addr || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v, want an UnreachableError for %s", err, addr)
	}
}

// A certificate probe does not trust is a receiver it cannot reach: every
// request fails in the handshake, before anything is sent.
func TestUntrustedCertificateIsUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(&receiver{scheme: signature.None})
	defer srv.Close()
	_, err := Run(context.Background(), Options{URL: srv.URL, Fixtures: []string{"permit.create_user"}, Scheme: signature.None})
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "TLS handshake failed") {
		t.Fatalf("err = %v, want an UnreachableError for the handshake", err)
	}
	// Trusted, it is graded.
	rep, err := Run(context.Background(), Options{URL: srv.URL, Fixtures: []string{"permit.create_user"}, Scheme: signature.None, Client: srv.Client()})
	if err != nil || rep.Failed() != nil {
		t.Fatalf("err %v, failed %v", err, rep.Failed())
	}
}

func TestCallbackAddrInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Run(context.Background(), Options{URL: "http://127.0.0.1:1/", Fixtures: []string{"permit.create_user"},
		Scheme: signature.None, CallbackAddr: ln.Addr().String()})
	var ae *CallbackAddrError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want a CallbackAddrError", err)
	}
}

func TestUnknownFixture(t *testing.T) {
	t.Parallel()
	_, err := Run(context.Background(), Options{URL: "http://127.0.0.1:1/", Fixtures: []string{"created"}})
	var ue *fixture.UnknownError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a fixture.UnknownError", err)
	}
	if _, err := Run(context.Background(), Options{URL: "http://127.0.0.1:1/"}); !errors.Is(err, ErrNoFixtures) {
		t.Fatalf("err = %v, want ErrNoFixtures", err)
	}
}

// A receiver that echoes what it got, the bearer token included: the
// report shows **** in its place. One that redirects everything is told so.
func TestEchoedSecretIsMaskedAndRedirectsExplained(t *testing.T) {
	t.Parallel()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "bad token: "+r.Header.Get("Authorization"))
	}))
	defer echo.Close()
	rep, err := Run(context.Background(), Options{URL: echo.URL, Fixtures: []string{"permit.create_user"},
		Scheme: signature.Bearer, Secret: "s3cr3t-token"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	WriteJSON(&buf, rep)
	if strings.Contains(buf.String(), "s3cr3t-token") || !strings.Contains(buf.String(), "bad token: Bearer ****") {
		t.Errorf("the secret is not masked:\n%s", buf.String())
	}

	redirect := httptest.NewServer(http.RedirectHandler("/login", http.StatusFound))
	defer redirect.Close()
	rep, err = Run(context.Background(), Options{URL: redirect.URL, Fixtures: []string{"permit.create_user"},
		Scheme: signature.Standard, Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		if c.ID == CheckUnsigned && (c.Result != Fail || !strings.Contains(c.Hint, "redirect")) {
			t.Errorf("unsigned: %+v", c)
		}
		if c.ID == CheckValid && (c.Result != Fail || !strings.Contains(c.Hint, "redirects")) {
			t.Errorf("valid: %+v", c)
		}
	}
}

// A receiver that holds both secrets of a rotation and checks every
// signature passes the rotation checks; so does one that checks Standard
// Webhooks' v1a signatures with a whpk_ key, probe signing with the whsk_ one.
func TestRotationChecksPass(t *testing.T) {
	t.Parallel()
	got := probeReceiver(t, &receiver{scheme: signature.Standard, secret: testSecret, more: []string{testSecret2}},
		func(o *Options) { o.Secrets = []string{testSecret, testSecret2} })
	want := skipsFor(signature.Standard, true)
	want[CheckRotationSecrets] = Pass
	expectOnly(t, got, want)
	for id, detail := range map[string]string{
		CheckRotationOrder:   "two signatures, an unknown one first and the valid one last: answered 200 OK",
		CheckRotationSecrets: "signed only with --secret #2 of 2: answered 200 OK",
		CheckSvixHeaders:     "svix-id, svix-timestamp and svix-signature instead of webhook-*: answered 200 OK",
	} {
		if got[id].Detail != detail {
			t.Errorf("%s: detail %q, want %q", id, got[id].Detail, detail)
		}
	}

	pair, err := signature.NewKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	v1a := func(o *Options) { o.Secret = pair.Signing }
	expectOnly(t, probeReceiver(t, &receiver{scheme: signature.Standard, secret: pair.Public}, v1a), skipsFor(signature.Standard, true))
	broken := skipsFor(signature.Standard, true)
	broken[CheckRotationOrder] = Fail
	expectOnly(t, probeReceiver(t, &receiver{scheme: signature.Standard, secret: pair.Public, firstSignatureOnly: true}, v1a), broken)
}

// What the rotation checks send: the unknown signature first, in the form
// the first secret makes; only the last secret's signature; svix-* names.
func TestRotationDeliveries(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []http.Header
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h := r.Header.Clone()
		mu.Lock()
		got = append(got, h)
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	defer srv.Close()
	_, err := Run(context.Background(), Options{URL: srv.URL, Fixtures: []string{"permit.create_user"},
		Scheme: signature.Standard, Secrets: []string{testSecret, testSecret2}})
	if err != nil {
		t.Fatal(err)
	}
	var order, last, svix int
	for i, h := range got {
		sig := strings.Fields(h.Get("webhook-signature"))
		switch {
		case len(sig) == 3:
			order++ // the unknown one, then the two valid ones
			body := bodies[i]
			only := func(s string) signature.Result {
				o := h.Clone()
				o.Set("webhook-signature", s)
				return signature.Verify(signature.VerifyOptions{Secrets: []string{testSecret, testSecret2}}, o, body)
			}
			if !strings.HasPrefix(sig[0], "v1,") || only(sig[0]).Valid || !only(sig[1]).Valid || !only(sig[2]).Valid {
				t.Errorf("want an unknown v1 signature, then two valid ones: %q", sig)
			}
		case h.Get("svix-signature") != "":
			svix++
			if h.Get("webhook-id") != "" || h.Get("svix-id") == "" || h.Get("svix-timestamp") == "" {
				t.Errorf("svix headers: %v", h)
			}
		case len(sig) == 1:
			last++
		}
	}
	// one with three signatures; unsigned has none; wrong-secret and
	// rotation-secrets one each (the test cannot tell them apart here).
	if order != 1 || svix != 1 || last != 2 {
		t.Errorf("%d deliveries with an unknown signature first, %d with svix-* names, %d with one signature", order, svix, last)
	}
}

// A receiver in a container reaches probe's stand-in by another name (and
// here under another path): with CallbackBase the deliveries carry
// callback URLs on it, the stand-in takes the callbacks there, and the
// callback checks pass.
func TestCallbackBaseForAReceiverElsewhere(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	base := fmt.Sprintf("http://host.docker.internal:%d/tunnel/{id}/reply", port)
	var mu sync.Mutex
	var seen []string
	rc := &receiver{scheme: signature.Standard, secret: testSecret, callbackVia: func(u string) string {
		mu.Lock()
		seen = append(seen, u)
		mu.Unlock()
		return strings.Replace(u, "host.docker.internal", "127.0.0.1", 1)
	}}
	rep, got := probeReport(t, rc, func(o *Options) {
		o.CallbackAddr = fmt.Sprintf("127.0.0.1:%d", port)
		o.CallbackBase = base
		o.Fixtures = []string{"permission_assist.access_request_created", "permission_assist.access_request_approved"}
	})
	expectOnly(t, got, skipsFor(signature.Standard, true))
	if rep.CallbackURL != base {
		t.Errorf("the report's callback URL is %q, want %q", rep.CallbackURL, base)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("no callback was posted")
	}
	for _, u := range seen {
		prefix := fmt.Sprintf("http://host.docker.internal:%d/tunnel/", port)
		if !strings.HasPrefix(u, prefix) || !strings.HasSuffix(u, "/reply") {
			t.Errorf("a delivery's callback URL is %q, not on %s", u, base)
		}
	}
}

// A receiver that refuses every signed delivery is counted as refusing
// every one of them, the same answer said once.
func TestValidCountsEveryRefusal(t *testing.T) {
	t.Parallel()
	for _, fixtures := range [][]string{family("permission_assist"), family("permission_assist")[:3]} {
		rc := &receiver{scheme: signature.Standard, secret: "whsec_" + "c29tZXRoaW5nIGVsc2U="}
		got := probeReceiver(t, rc, func(o *Options) { o.Secret, o.Fixtures = testSecret, fixtures })
		n := len(fixtures)
		want := fmt.Sprintf(`%d of %d correctly signed deliveries not answered 2xx: each answered 401 Unauthorized "bad signature"`, n, n)
		if c := got[CheckValid]; c.Result != Fail || c.Detail != want {
			t.Errorf("valid: %s %q, want %q", c.Result, c.Detail, want)
		}
		if d := got[CheckValid].Diagnosis; d != nil {
			t.Errorf("a diagnosis from an answer that tells nothing: %+v", d)
		}
	}
}

// A receiver that verifies the body parsed and written out again refuses
// the correct deliveries; when its answer shows the signature it computed,
// the signature doctor names the re-serialisation, as verify and listen do
// for the same mistake, in the text, JSON and JUnit reports.
func TestRefusalsDiagnosedFromTheAnswer(t *testing.T) {
	t.Parallel()
	for _, scheme := range []signature.Scheme{signature.Standard, signature.GitHub} {
		t.Run(string(scheme), func(t *testing.T) {
			rc := &receiver{scheme: scheme, secret: testSecret, reserialize: true, showExpected: true}
			rep, got := probeReport(t, rc, func(o *Options) { o.Fixtures = family("permit")[:2] })
			c := got[CheckValid]
			if c.Result != Fail || c.Diagnosis == nil {
				t.Fatalf("valid: %+v", c)
			}
			if c.Diagnosis.Cause != signature.CauseJSONReformatted ||
				!strings.Contains(c.Diagnosis.Detail, "the signature your endpoint computed (it is in its answer) matches this body compacted (no whitespace), keys as received") ||
				!strings.Contains(c.Diagnosis.Detail, "verify the raw request bytes") {
				t.Errorf("diagnosis %+v", c.Diagnosis)
			}
			var text, js, junit strings.Builder
			if err := WriteText(&text, rep, render.NewPalette(false)); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&js, rep); err != nil {
				t.Fatal(err)
			}
			if err := report.WriteJUnit(&junit, Suite(rep)); err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string]string{"text": text.String(), "json": js.String(), "junit": junit.String()} {
				if !strings.Contains(out, "json-reformatted") {
					t.Errorf("the %s report does not name the cause:\n%s", name, out)
				}
			}
			if strings.Contains(text.String()+js.String(), strings.TrimPrefix(testSecret, "whsec_")) {
				t.Error("a report shows the secret")
			}
		})
	}
	// The signature echoed back is not taken for the one computed.
	rc := &receiver{scheme: signature.Standard, secret: "whsec_" + "c29tZXRoaW5nIGVsc2U=", showExpected: true}
	got := probeReceiver(t, rc, func(o *Options) { o.Secret, o.Fixtures = testSecret, family("permit")[:1] })
	if d := got[CheckValid].Diagnosis; d != nil {
		t.Errorf("another secret, which no change explains, diagnosed: %+v", d)
	}
}

// A receiver whose refusal names the likely cause itself (a listen in front
// of it) has it passed on.
func TestRefusalsCauseLinePassedOn(t *testing.T) {
	t.Parallel()
	rc := &receiver{scheme: signature.Standard, secret: "whsec_" + "c29tZXRoaW5nIGVsc2U=",
		rejection: "no signature in webhook-signature matched the configured secret(s)\nlikely cause (json-reformatted): the standard signature matches this body compacted"}
	got := probeReceiver(t, rc, func(o *Options) { o.Secret, o.Fixtures = testSecret, family("permit")[:1] })
	d := got[CheckValid].Diagnosis
	if d == nil || d.Cause != signature.CauseJSONReformatted || d.Detail != "the standard signature matches this body compacted" {
		t.Errorf("diagnosis %+v", d)
	}
}
