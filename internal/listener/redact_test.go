package listener_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// TestSecretInQueryPathAndHeadersIsMasked: a client that puts the configured
// secret in the query, the path or a header not named as a credential does
// not get it written to the record, the JSON output, the pretty output or
// stderr.
func TestSecretInQueryPathAndHeadersIsMasked(t *testing.T) {
	t.Parallel()
	for _, out := range []listener.Output{listener.Pretty, listener.JSON} {
		t.Run(string(out), func(t *testing.T) {
			mirror := &syncBuffer{}
			e := start(t, func(c *listener.Config) {
				c.Output = out
				c.PathPrefix = "/hooks/"
				if out == listener.JSON {
					f, err := record.OpenFile(t.TempDir() + "/json.ndjson")
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { f.Close() })
					c.Records = record.NewWriter(f, record.Options{Mirror: mirror})
				}
			})
			body := fixture(t, "permit.create_user")
			// In the query (raw and escaped) and the path, under --path.
			e.post("/hooks/"+secret+"?token="+secret+"&k="+url.QueryEscape(secret), body,
				signature.Header{Name: "webhook-signature", Value: "v1," + secret},
				signature.Header{Name: "X-Note", Value: "key is " + secret})
			// Outside --path: refused 404, with the path in the error.
			if status, _ := e.post("/elsewhere/"+secret, body); status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", status)
			}
			e.stop()
			var recorded []byte
			if out == listener.Pretty {
				var err error
				if recorded, err = os.ReadFile(e.recPath); err != nil {
					t.Fatal(err)
				}
			} else {
				recorded = []byte(mirror.String())
			}
			lines := bytes.Split(bytes.TrimSpace(recorded), []byte("\n"))
			if len(lines) != 2 {
				t.Fatalf("%d record lines, want 2:\n%s", len(lines), recorded)
			}
			for where, text := range map[string]string{"record": string(recorded), "stdout": e.out.String(), "stderr": e.errOut.String()} {
				if strings.Contains(text, secret) {
					t.Errorf("the secret is in %s:\n%s", where, text)
				}
			}
			for _, want := range []string{`"path":"/hooks/****"`, `"query":"token=****&k=****"`, `"Webhook-Signature":"v1,****"`, `"X-Note":"key is ****"`, `"path":"/elsewhere/****"`, `no deliveries are taken at /elsewhere/****`} {
				if !bytes.Contains(recorded, []byte(want)) {
					t.Errorf("record lacks %s:\n%s", want, recorded)
				}
			}
			if out == listener.Pretty && !strings.Contains(e.out.String(), "POST /hooks/****?token=****&k=****") {
				t.Errorf("pretty output:\n%s", e.out)
			}
		})
	}
}

// A secret in a callback URL, the key of a whsec_ secret alone, and an app
// answer that echoes a secret are masked in the record and output too.
func TestSecretInCallbackKeyAndForwardAnswerIsMasked(t *testing.T) {
	t.Parallel()
	key := secret[len("whsec_"):]
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A long answer, with a secret across the first 1024 bytes' end.
		w.Write([]byte("got key " + key + ", secret " + secret + " " + strings.Repeat("x", 922) + secret + strings.Repeat("y", 200)))
	}))
	defer app.Close()
	e := start(t, func(c *listener.Config) { c.ForwardTo = app.URL + "/in" })
	body := fixture(t, "permit.create_user")
	e.post("/in?k="+url.QueryEscape(key), body, append(sign(t, signature.Standard, secret, "msg_key", clock, body),
		signature.Header{Name: "X-Note", Value: "key is " + key})...)
	e.post("/webhooks/callback/"+secret, []byte("done"))
	e.post("/webhooks/callback/"+secret, []byte("again"))
	recs := e.records()
	raw, _ := os.ReadFile(e.recPath)
	for where, text := range map[string]string{"record": string(raw), "stdout": e.out.String(), "stderr": e.errOut.String()} {
		if strings.Contains(text, key[:8]) {
			t.Errorf("%s shows (part of) the key:\n%s", where, text)
		}
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	if got := dig(recs[0], "query"); got != "k=****" {
		t.Errorf("query %v", got)
	}
	if got := dig(recs[0], "headers.X-Note"); got != "key is ****" {
		t.Errorf("X-Note %v", got)
	}
	if got, _ := dig(recs[0], "forward.body").(string); !strings.HasPrefix(got, "got key ****, secret **** xxx") || !strings.Contains(got, "x****y") || !strings.HasSuffix(got, "y...") {
		t.Errorf("forward.body %q", got)
	}
	if got := dig(recs[1], "callback_for"); got != "****" {
		t.Errorf("callback_for %v", got)
	}
	if got := dig(recs[2], "error"); !strings.Contains(fmt.Sprint(got), "delivery **** was already used") {
		t.Errorf("error %v", got)
	}
}

// A short secret is masked where it is a whole value, and leaves other text
// (a JSON content type, a .json path) as it is.
func TestShortSecretMaskedOnlyAsWholeValue(t *testing.T) {
	t.Parallel()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("json"))
	}))
	defer app.Close()
	e := start(t, func(c *listener.Config) {
		c.Secrets = []string{"json"}
		c.Scheme = signature.Bearer
		c.ForwardTo = app.URL + "/in"
	})
	body := fixture(t, "permit.create_user")
	e.post("/orders.json/json?format=json&f=jsonl", body,
		signature.Header{Name: "Authorization", Value: "Bearer json"},
		signature.Header{Name: "Content-Type", Value: "application/json"},
		signature.Header{Name: "X-Format", Value: "json"})
	recs := e.records()
	for field, want := range map[string]string{
		"path":                 "/orders.json/****",
		"query":                "format=****&f=jsonl",
		"headers.Content-Type": "application/json",
		"headers.X-Format":     "****",
		"forward.url":          app.URL + "/in/orders.json/****?format=****&f=jsonl",
		"forward.body":         "****",
	} {
		if got := dig(recs[0], field); got != want {
			t.Errorf("%s = %v, want %s", field, got, want)
		}
	}
}
