package listener_test

import (
	"bytes"
	"net/http"
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
