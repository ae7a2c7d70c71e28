package replay

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func recordedDelivery(scheme string, headers map[string]string) *record.Record {
	return &record.Record{
		Seq: 7, Method: "POST", Path: "/pa", Body: `{"a":1}`, Headers: headers,
		Signature: &record.Signature{Scheme: scheme, Valid: true},
	}
}

var recorded = map[string]string{
	"Content-Type":      "application/json",
	"Content-Length":    "7",
	"Host":              "127.0.0.1:8080",
	"Connection":        "keep-alive",
	"Accept-Encoding":   "gzip",
	"Webhook-Id":        "msg_old",
	"Webhook-Timestamp": "1614265330",
	"Webhook-Signature": "v1,old",
	"X-Api-Key":         "****",
	"Authorization":     "Bearer ****",
	"X-Trace":           "t-1",
}

func TestPlan(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	opts := func(o Options) Options {
		o.URL, o.Now, o.NewID = "http://127.0.0.1:3000/hooks", func() time.Time { return now }, func() string { return "0a2f4d8e-1111-4222-8333-944455556666" }
		return o
	}
	tests := []struct {
		name       string
		rec        *record.Record
		opts       Options
		wantScheme string
		resigned   bool
		wantID     string
		wantHeader http.Header // exactly
	}{
		{
			name: "as recorded: hop-by-hop, transport and redacted headers dropped",
			rec:  recordedDelivery("standard", recorded), opts: opts(Options{}),
			wantScheme: "standard (as recorded)", wantID: "msg_old",
			wantHeader: http.Header{
				"Content-Type": {"application/json"}, "Webhook-Id": {"msg_old"}, "Webhook-Timestamp": {"1614265330"},
				"Webhook-Signature": {"v1,old"}, "X-Trace": {"t-1"},
			},
		},
		{
			name: "re-signed in the recorded scheme with a fresh id and now",
			rec:  recordedDelivery("standard", recorded), opts: opts(Options{Secret: secret}),
			wantScheme: "standard", resigned: true, wantID: "msg_0a2f4d8e111142228333944455556666",
		},
		{
			name: "re-signed in the scheme asked for; its headers replace the old signature",
			rec:  recordedDelivery("standard", recorded), opts: opts(Options{Secret: "gh-secret", Scheme: signature.GitHub}),
			wantScheme: "github", resigned: true,
		},
		{
			name: "an unknown recorded scheme re-signs as standard",
			rec:  recordedDelivery("none", map[string]string{"Content-Type": "application/json"}), opts: opts(Options{Secret: secret, Scheme: signature.Auto}),
			wantScheme: "standard", resigned: true, wantID: "msg_0a2f4d8e111142228333944455556666",
		},
		{
			name:       "extra headers add and replace",
			rec:        recordedDelivery("github", map[string]string{"X-Trace": "old", "X-Hub-Signature-256": "sha256=aa"}),
			opts:       opts(Options{Extra: http.Header{"X-Trace": {"new"}, "x-more": {"1"}}}),
			wantScheme: "github (as recorded)",
			wantHeader: http.Header{"X-Trace": {"new"}, "X-More": {"1"}, "X-Hub-Signature-256": {"sha256=aa"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Plan(tt.rec, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if p.Scheme != tt.wantScheme || p.Resigned != tt.resigned || p.WebhookID != tt.wantID {
				t.Errorf("scheme %q resigned %v id %q; want %q %v %q", p.Scheme, p.Resigned, p.WebhookID, tt.wantScheme, tt.resigned, tt.wantID)
			}
			r := p.Request
			// Recorded at /pa: below --to's path, as --forward-to maps it.
			if r.Method != "POST" || r.URL != "http://127.0.0.1:3000/hooks/pa" || string(r.Body) != `{"a":1}` {
				t.Errorf("request %s %s %q", r.Method, r.URL, r.Body)
			}
			if tt.wantHeader != nil && !reflect.DeepEqual(r.Header, tt.wantHeader) {
				t.Errorf("header\n got %v\nwant %v", r.Header, tt.wantHeader)
			}
			if tt.resigned {
				for _, k := range []string{"Connection", "Host", "Content-Length", "Authorization", "X-Api-Key"} {
					if r.Header.Get(k) != "" {
						t.Errorf("re-signed request kept %s", k)
					}
				}
				sec := tt.opts.Secret
				res := signature.Verify(signature.VerifyOptions{Secrets: []string{sec}, Now: now}, r.Header, r.Body)
				if !res.Valid || string(res.Scheme) != tt.wantScheme {
					t.Errorf("the new signature does not verify: %s %s", res.Scheme, res.Reason)
				}
				if tt.wantScheme == "standard" && r.Header.Get("Webhook-Id") != tt.wantID {
					t.Errorf("webhook-id %q", r.Header.Get("Webhook-Id"))
				}
			}
		})
	}
}

func TestPlanBase64Body(t *testing.T) {
	t.Parallel()
	rec := recordedDelivery("standard", nil)
	rec.SetBody([]byte{0xff, 0x00, 'x'})
	p, err := Plan(rec, Options{URL: "http://h/"})
	if err != nil || string(p.Request.Body) != "\xff\x00x" {
		t.Fatalf("body %q, %v", p.Request.Body, err)
	}
}

func TestSkip(t *testing.T) {
	t.Parallel()
	refused := recordedDelivery("", nil)
	refused.Signature, refused.Error = nil, "body over --max-body"
	for _, tt := range []struct {
		rec  *record.Record
		want string
	}{
		{recordedDelivery("standard", nil), ""},
		{&record.Record{Kind: record.KindCallback}, "a callback, not a delivery"},
		{&record.Record{Kind: "exec", Signature: &record.Signature{}}, `unknown kind "exec"`},
		{refused, "listen refused it before reading the body (body over --max-body)"},
	} {
		if got := Skip(tt.rec); got != tt.want {
			t.Errorf("Skip = %q, want %q", got, tt.want)
		}
		if _, err := Plan(tt.rec, Options{}); (err == nil) != (tt.want == "") {
			t.Errorf("Plan of a record Skip calls %q: err %v", tt.want, err)
		}
	}
}

func TestSelection(t *testing.T) {
	t.Parallel()
	seqs, err := ParseSeqs([]string{"3", "5-7", "10, 12"})
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{Seqs: seqs, Path: "/pa"}
	for n, want := range map[int64]bool{1: false, 3: true, 4: false, 5: true, 7: true, 8: false, 10: true, 12: true} {
		if got := sel.Match(&record.Record{Seq: n, Path: "/pa/x"}); got != want {
			t.Errorf("seq %d: %v", n, got)
		}
	}
	if sel.Match(&record.Record{Seq: 3, Path: "/other"}) {
		t.Error("path prefix ignored")
	}
	if !(Selection{}).Match(&record.Record{Seq: 99, Path: "/"}) {
		t.Error("an empty selection must take every record")
	}
	if (Selection{}).Match(&record.Record{Seq: 4, Kind: record.KindExec}) {
		t.Error("a run of listen --exec's command is not a request to replay")
	}
	for _, bad := range []string{"0", "x", "5-3", "1-", "-2", ""} {
		if _, err := ParseSeqs([]string{bad}); err == nil || err.Error() != `bad --seq "`+bad+`"` {
			t.Errorf("ParseSeqs(%q) = %v", bad, err)
		}
	}
}

// A delivery keeps its recorded path and query below --to's path; a
// re-signed Permission Assist delivery keeps its body's id as webhook-id;
// several secrets give one signature each, as send signs.
func TestPlanPathIDAndSecrets(t *testing.T) {
	t.Parallel()
	pa := `{"id":"0b7e2a9c-1d4f-4e8a-9c3b-5f6a7d8e9f01","event":{"name":"AccessRequestCreated"},"callback":"http://x/cb"}`
	for _, tc := range []struct {
		to, path, query, wantURL string
	}{
		{"http://127.0.0.1:3000/webhooks", "/", "", "http://127.0.0.1:3000/webhooks"},
		{"http://127.0.0.1:3000/webhooks", "/permit", "tenant=acme", "http://127.0.0.1:3000/webhooks/permit?tenant=acme"},
		{"http://127.0.0.1:3000/", "/a/../../etc", "", "http://127.0.0.1:3000/etc"},
	} {
		rec := &record.Record{Seq: 1, Method: "POST", Path: tc.path, Query: tc.query, Body: pa,
			Signature: &record.Signature{Scheme: "standard", Valid: true}}
		p, err := Plan(rec, Options{URL: tc.to, Secrets: []string{secret, "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ=="}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Request.URL != tc.wantURL {
			t.Errorf("%s + %s?%s = %s, want %s", tc.to, tc.path, tc.query, p.Request.URL, tc.wantURL)
		}
		if p.WebhookID != "0b7e2a9c-1d4f-4e8a-9c3b-5f6a7d8e9f01" || p.Request.Header.Get("webhook-id") != p.WebhookID {
			t.Errorf("webhook-id %q (header %q), want the body's id", p.WebhookID, p.Request.Header.Get("webhook-id"))
		}
		if sig := p.Request.Header.Get("webhook-signature"); strings.Count(sig, "v1,") != 2 {
			t.Errorf("webhook-signature %q: want one signature per secret", sig)
		}
	}
}
