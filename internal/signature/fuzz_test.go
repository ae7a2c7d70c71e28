package signature

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzSignVerify: for every scheme, what Sign makes verifies against the
// same body and secret; the same headers over a changed body, or checked with
// another secret, never verify; and no failure reason holds the secret.
func FuzzSignVerify(f *testing.F) {
	f.Add("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", int64(1614265330), []byte(`{"test": 2432232314}`), byte(0))
	f.Add("It's a Secret to Everybody", "x", int64(1), []byte("Hello, World!"), byte(7))
	f.Add("short", "", int64(0), []byte{}, byte(255))
	f.Add("whsec_!!notbase64", "id with spaces", int64(-5), []byte("\x00\xff"), byte(1))
	f.Add("whsk_E5JVzy06WNnWbWrwjiC4oltFyhMVnO4a4yqeRHvZYp4=", "msg_v1a", int64(1735689600), []byte(`{"v1a":true}`), byte(3))
	f.Add("whpk_coSQy4ywppGFxo4mURiIgBmx9xbpInbY+99fP+XZl/0=", "msg_v1a", int64(1735689600), []byte(`{}`), byte(3))
	f.Fuzz(func(t *testing.T, secret, id string, unix int64, body []byte, flip byte) {
		// HTTP trims spaces around a header value: such a secret cannot
		// travel as a bearer token.
		if strings.TrimSpace(secret) != secret || secret == "" || strings.ContainsAny(secret+id, "\r\n\x00") || unix < 0 || unix > 1<<40 {
			return
		}
		now := time.Unix(unix, 0)
		for _, sch := range []Scheme{Standard, GitHub, Stripe, Bearer} {
			hs, err := Sign(sch, secret, id, now, body)
			if err != nil {
				continue // a secret this scheme cannot use (a bad whsec_ key)
			}
			h := http.Header{}
			for _, x := range hs {
				h.Set(x.Name, x.Value)
			}
			opts := VerifyOptions{Scheme: sch, Secrets: []string{secret}, Now: now}
			if r := Verify(opts, h, body); !r.Valid {
				t.Fatalf("%s: own signature does not verify: %s", sch, r.Reason)
			}
			if sch != Bearer { // a bearer token does not cover the body
				changed := append([]byte(nil), body...)
				if len(changed) == 0 {
					changed = []byte{flip}
				} else {
					changed[int(flip)%len(changed)] ^= 1 + flip%255
				}
				if r := Verify(opts, h, changed); r.Valid {
					t.Fatalf("%s: a changed body verifies", sch)
				}
			}
			other := VerifyOptions{Scheme: sch, Secrets: []string{secret + "x"}, Now: now}
			r := Verify(other, h, body)
			if r.Valid && !strings.HasPrefix(secret, "whsec_") {
				t.Fatalf("%s: verifies with another secret", sch)
			}
			if len(secret) >= 8 && (strings.Contains(r.Reason, secret) || strings.Contains(r.Reason, secret+"x")) {
				t.Fatalf("%s: the reason shows the secret: %s", sch, r.Reason)
			}
		}
	})
}

// FuzzVerifyHeaders: headers a client made up, verified with a secret,
// never panic, never echo the secret, and verify only when they hold the
// signature the secret makes.
func FuzzVerifyHeaders(f *testing.F) {
	f.Add("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "sha256=00", "t=1,v1=00", "Bearer whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	f.Add("", "", "v1,", "sha256=", "t=,v1=", "Bearer ")
	f.Add("x", "99999999999999999999", "v1,AAAA v2,BBBB", "sha1=zz", "v1=1,t=2,t=3", "bearer x")
	f.Fuzz(func(t *testing.T, id, ts, std, gh, stripe, auth string) {
		const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		body := []byte(`{"test": 2432232314}`)
		h := http.Header{}
		h["Webhook-Id"] = []string{id}
		h["Webhook-Timestamp"] = []string{ts}
		h["Webhook-Signature"] = []string{std}
		h["X-Hub-Signature-256"] = []string{gh}
		h["Stripe-Signature"] = []string{stripe}
		h["Authorization"] = []string{auth}
		now := time.Unix(1614265330, 0)
		for _, sch := range []Scheme{Standard, GitHub, Stripe, Bearer} {
			r := Verify(VerifyOptions{Scheme: sch, Secrets: []string{secret}, Now: now, Tolerance: -1}, h, body)
			if strings.Contains(r.Reason, secret[len("whsec_"):]) {
				t.Fatalf("%s: reason shows the secret: %s", sch, r.Reason)
			}
			if !r.Valid {
				continue
			}
			// Valid: the headers must hold what Sign makes for them.
			var genuine string
			switch sch {
			case Standard, Stripe:
				tsHeader := ts
				if sch == Stripe {
					tsHeader = stripeT(stripe)
				}
				unix, err := strconv.ParseInt(tsHeader, 10, 64)
				if err != nil {
					t.Fatalf("%s: verifies with timestamp %q", sch, tsHeader)
				}
				hs, _ := Sign(sch, secret, id, time.Unix(unix, 0), body)
				genuine = hs[len(hs)-1].Value
				if sch == Standard && !strings.Contains(std, genuine) {
					t.Fatalf("standard: forged %q verifies (genuine %q)", std, genuine)
				}
				if sch == Stripe && !strings.Contains(stripe, genuine[strings.Index(genuine, "v1="):]) {
					t.Fatalf("stripe: forged %q verifies (genuine %q)", stripe, genuine)
				}
			case GitHub:
				hs, _ := Sign(GitHub, secret, id, now, body)
				if !strings.EqualFold(strings.TrimSpace(gh), hs[0].Value) {
					t.Fatalf("github: forged %q verifies (genuine %q)", gh, hs[0].Value)
				}
			case Bearer:
				if !strings.Contains(auth, secret) {
					t.Fatalf("bearer: %q verifies", auth)
				}
			}
		}
	})
}

// stripeT is the t= value of a Stripe-Signature header.
func stripeT(v string) string {
	for _, part := range strings.Split(v, ",") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			return t
		}
	}
	return ""
}
