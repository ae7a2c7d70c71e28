package inspect_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

var registry = func() *payload.Registry {
	r, err := payload.NewRegistry()
	if err != nil {
		panic(err)
	}
	return r
}()

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fixtures.FS.ReadFile(fixtures.Path(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recorder is a real listener recording to a file, for the store to read
// what listen writes.
type recorder struct {
	t    testing.TB
	path string
	w    *record.Writer
	h    http.Handler
	n    int
	now  time.Time
}

func newRecorder(t testing.TB, opts record.Options) *recorder {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	f, err := record.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	w := record.NewWriter(f, opts)
	t.Cleanup(func() { w.Close() })
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	rc := &recorder{t: t, path: path, w: w, now: now}
	l, err := listener.New(listener.Config{
		Scheme: signature.Auto, Secrets: []string{secret}, Registry: registry, Records: w,
		Output: listener.Quiet, Now: func() time.Time { return rc.now },
	})
	if err != nil {
		t.Fatal(err)
	}
	rc.h = l
	return rc
}

// send delivers body signed (or, with sign false, signed with a wrong
// secret) with delivery id id, and returns the status.
func (rc *recorder) send(path, id string, body []byte, sign bool, extra ...string) int {
	rc.t.Helper()
	rc.now = rc.now.Add(time.Second)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	key := secret
	if !sign {
		key = "whsec_" + strings.Repeat("A", 32)
	}
	hs, err := signature.Sign(signature.Standard, key, id, rc.now, body)
	if err != nil {
		rc.t.Fatal(err)
	}
	for _, h := range hs {
		req.Header.Set(h.Name, h.Value)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	rr := httptest.NewRecorder()
	rc.h.ServeHTTP(rr, req)
	rc.n++
	return rr.Code
}

// callback posts text to the stand-in for delivery id.
func (rc *recorder) callback(id, text string) int {
	rc.t.Helper()
	rc.now = rc.now.Add(time.Second)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/callback/"+id, strings.NewReader(text))
	req.Header.Set("Content-Type", "text/plain")
	rr := httptest.NewRecorder()
	rc.h.ServeHTTP(rr, req)
	return rr.Code
}

// appendLine adds a raw line to the record file, as another writer would.
func (rc *recorder) appendLine(line string) {
	rc.t.Helper()
	f, err := os.OpenFile(rc.path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		rc.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		rc.t.Fatal(err)
	}
}

// paBody is a Permission Assist payload with delivery id id and, when
// action is not "", that request action (an invalid one makes a schema
// error).
func paBody(t testing.TB, id, action string) []byte {
	t.Helper()
	b := fixture(t, "permission_assist.access_request_created")
	b = bytes.Replace(b, []byte(`"id": "`), []byte(`"id": "`+id+`", "old_id": "`), 1)
	if action != "" {
		b = bytes.Replace(b, []byte(`"action": "Remove"`), []byte(`"action": "`+action+`"`), 1)
	}
	return b
}
