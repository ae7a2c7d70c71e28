package listener_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/expect"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// expectRun starts a run that expects specs within within, with JSON
// output.
func expectRun(t *testing.T, within time.Duration, specs ...string) (listener.Ready, context.CancelFunc, <-chan runResult, *syncBuffer) {
	t.Helper()
	sp, err := expect.ParseSpecs(specs)
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	r, cancel, done := runService(t, listener.RunConfig{
		Config: listener.Config{Scheme: signature.Auto, Secrets: []string{secret}, Registry: registry, Output: listener.JSON,
			Out: out, Diag: render.NewDiag(&syncBuffer{}), Now: func() time.Time { return clock }},
		Addr: "127.0.0.1:0", Expect: sp, Within: within,
	})
	t.Cleanup(cancel)
	return r, cancel, done, out
}

func postTo(t *testing.T, url string, body []byte, hdr []signature.Header) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	for _, h := range hdr {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// ended waits for a run that must end by itself, and writes its report.
func ended(t *testing.T, done <-chan runResult) (listener.Summary, string, error) {
	t.Helper()
	var res runResult
	select {
	case res = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end by itself")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	var errb bytes.Buffer
	err := res.sum.Report(&errb, render.NewDiag(&errb), render.NewPalette(false))
	return res.sum, errb.String(), err
}

// lastLine is the verdict line JSON output ends with.
func lastLine(t *testing.T, out string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil || m["kind"] != "verdict" {
		t.Fatalf("the last line is no verdict: %v\n%s", err, out)
	}
	return m
}

// --expect 2: the run ends by itself, exit 0, after two good deliveries;
// stderr has the report and the summary, stdout the records and then the
// verdict.
func TestExpectMet(t *testing.T) {
	t.Parallel()
	r, _, done, out := expectRun(t, time.Minute, "2")
	body := fixture(t, "permit.create_user")
	for _, id := range []string{"msg_e1", "msg_e2"} {
		if st := postTo(t, r.URL, body, sign(t, signature.Standard, secret, id, clock, body)); st != 200 {
			t.Fatalf("status %d", st)
		}
	}
	sum, stderr, err := ended(t, done)
	if err != nil || sum.Verdict == nil || sum.Verdict.Verdict != "met" {
		t.Fatalf("err %v, verdict %+v", err, sum.Verdict)
	}
	if !strings.HasPrefix(stderr, "expectation met: 2 of 2 deliveries\nsummary: 2 deliveries, ") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if v := lastLine(t, out.String()); v["ok"] != true || strings.Count(out.String(), "\n") != 3 {
		t.Errorf("stdout:\n%s", out.String())
	}
}

// A matching delivery with a bad signature fails the run at once: exit 1
// (ErrNotMet), the report says which and why.
func TestExpectFailsOnABadSignature(t *testing.T) {
	t.Parallel()
	r, _, done, out := expectRun(t, time.Minute, "2")
	body := fixture(t, "permit.create_user")
	if st := postTo(t, r.URL, body, sign(t, signature.Standard, "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ==", "msg_bad", clock, body)); st != 401 {
		t.Fatalf("status %d", st)
	}
	sum, stderr, err := ended(t, done)
	if !errors.Is(err, listener.ErrNotMet) || sum.Verdict.Verdict != "failed" {
		t.Fatalf("err %v, verdict %+v", err, sum.Verdict)
	}
	if !strings.HasPrefix(stderr, "expectation failed: #1 create_user (msg_bad): signature invalid: ") || !strings.Contains(stderr, "\n  0 of 2 deliveries (2 missing)\nsummary: ") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if v := lastLine(t, out.String()); v["verdict"] != "failed" {
		t.Errorf("verdict line %v", v)
	}
}

// --within runs out: a timeout, exit 1, with what was missing.
func TestExpectWithinRunsOut(t *testing.T) {
	t.Parallel()
	_, _, done, out := expectRun(t, 100*time.Millisecond, "AccessRequestApproved=1")
	sum, stderr, err := ended(t, done)
	if !errors.Is(err, listener.ErrNotMet) || sum.Verdict.Verdict != "timeout" {
		t.Fatalf("err %v, verdict %+v", err, sum.Verdict)
	}
	if !strings.HasPrefix(stderr, "expectation not met within 100ms\n  0 of 1 AccessRequestApproved (1 missing)\n") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if v := lastLine(t, out.String()); v["within_ms"] != 100.0 {
		t.Errorf("verdict line %v", v)
	}
}

// Callbacks to the stand-in count for callback=N; Ctrl-C before the count
// is reached leaves the verdict pending, exit 1.
func TestExpectCallbacks(t *testing.T) {
	t.Parallel()
	r, _, done, _ := expectRun(t, 0, "callback=1")
	if st := postTo(t, r.URL+"webhooks/callback/msg_1", []byte("done"), nil); st != 200 {
		t.Fatalf("status %d", st)
	}
	if sum, _, err := ended(t, done); err != nil || sum.Verdict.Verdict != "met" {
		t.Fatalf("err %v, verdict %+v", err, sum.Verdict)
	}

	r, cancel, done, _ := expectRun(t, 0, "callback=2")
	postTo(t, r.URL+"webhooks/callback/msg_1", []byte("done"), nil)
	cancel()
	if sum, stderr, err := ended(t, done); !errors.Is(err, listener.ErrNotMet) || sum.Verdict.Verdict != "pending" ||
		!strings.HasPrefix(stderr, "expectation not met: listen stopped first\n  1 of 2 callbacks (1 missing)\n") {
		t.Fatalf("err %v, verdict %+v, stderr:\n%s", err, sum.Verdict, stderr)
	}
}
