package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func runCLI(t *testing.T, app *App, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	app.Out, app.Err = &out, &errb
	if app.In == nil {
		app.In = strings.NewReader("")
	}
	if app.Getenv == nil {
		app.Getenv = func(string) string { return "" }
	}
	if app.Now == nil {
		app.Now = time.Now
	}
	if app.HTTPClient == nil {
		app.HTTPClient = &http.Client{}
	}
	code := Run(app, args)
	return out.String(), errb.String(), code
}

type delivered struct {
	header http.Header
	body   []byte
}

// recorder is a receiver that keeps every request.
func recorder(t *testing.T) (*httptest.Server, func() []delivered) {
	var mu sync.Mutex
	var got []delivered
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, delivered{r.Header.Clone(), b})
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []delivered {
		mu.Lock()
		defer mu.Unlock()
		return append([]delivered(nil), got...)
	}
}

// Each delivery of a load run has its own id (also in the body and the
// callback), its own timestamp, and a signature over its own bytes.
func TestSendLoadDeliveriesAreDistinct(t *testing.T) {
	t.Parallel()
	srv, got := recorder(t)
	clock := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { // one second per call: every delivery a new time
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	_, errOut, code := runCLI(t, &App{Now: now}, "send", "permission_assist.access_request_assigned",
		"--to", srv.URL+"/in", "--secret", testSecret, "--count", "60", "--concurrency", "6")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ds := got()
	if len(ds) != 60 {
		t.Fatalf("%d deliveries, want 60", len(ds))
	}
	ids, stamps, dates := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, d := range ds {
		var doc struct {
			ID          string `json:"id"`
			Callback    string `json:"callback"`
			CreatedDate string `json:"createdDate"`
		}
		if err := json.Unmarshal(d.body, &doc); err != nil {
			t.Fatal(err)
		}
		id := d.header.Get("webhook-id")
		if doc.ID != id || doc.Callback != srv.URL+"/webhooks/callback/"+id {
			t.Errorf("webhook-id %s, body id %s, callback %s", id, doc.ID, doc.Callback)
		}
		ts := d.header.Get("webhook-timestamp")
		created, err := time.Parse(time.RFC3339, doc.CreatedDate)
		if err != nil || created.Format("2006") != "2026" || created.Unix() < 1772600767 {
			t.Errorf("createdDate %q is not the injected clock's", doc.CreatedDate)
		}
		ids[id], stamps[ts], dates[doc.CreatedDate] = true, true, true
		res := signature.Verify(signature.VerifyOptions{Secrets: []string{testSecret}, Tolerance: -1}, d.header, d.body)
		if !res.Valid {
			t.Errorf("delivery %s: %s", id, res.Reason)
		}
	}
	if len(ids) != 60 || len(stamps) != 60 || len(dates) != 60 {
		t.Errorf("%d ids, %d timestamps, %d createdDates for 60 deliveries", len(ids), len(stamps), len(dates))
	}
}

// A receiver that never answers: --timeout ends each attempt, the message
// says how long, and nothing hangs.
func TestSendTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	out, errOut, code := runCLI(t, &App{}, "send", "permit.create_user", "--to", srv.URL, "--scheme", "none",
		"--timeout", "100ms", "--retries", "0")
	if code != ExitFail {
		t.Errorf("exit %d, want 1", code)
	}
	want := "webhook-tool: delivery to " + strings.TrimPrefix(srv.URL, "http://") + " failed: timed out waiting for the response after 100ms\n" +
		"webhook-tool: hint: raise --timeout if the receiver is just slow\n"
	if errOut != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
	}
	if !strings.HasPrefix(out, "POST / HTTP/1.1\n") {
		t.Errorf("stdout:\n%s", out)
	}
}

// The injected clock signs: --dry-run shows the timestamp it gives.
func TestSendDryRunUsesClock(t *testing.T) {
	t.Parallel()
	at := time.Unix(1700000000, 0)
	out, errOut, code := runCLI(t, &App{Now: func() time.Time { return at }}, "send", "permission_assist.access_request_created",
		"--to", "http://127.0.0.1:9/", "--secret", testSecret, "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"\nwebhook-timestamp: 1700000000\n", `"createdDate": "2023-11-14T22:13:20Z"`} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
}

// Standard input that is a terminal is never read.
func TestSendStdinTerminal(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"send", "-", "--to", "http://127.0.0.1:9/", "--scheme", "none"},
		{"send", "--data", "@-", "--to", "http://127.0.0.1:9/", "--scheme", "none"},
		{"sign", "-", "--secret", "x"},
		{"verify", "-", "--secret", "x"},
	} {
		out, errOut, code := runCLI(t, &App{Streams: Streams{In: blockingReader{}, InTTY: true}}, args...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "standard input is a terminal") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// A redirect is the receiver's answer, not an instruction to re-send.
func TestSendDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/old" {
			t.Errorf("followed the redirect to %s", r.URL.Path)
		}
		http.Redirect(w, r, "/new", http.StatusPermanentRedirect)
	}))
	defer srv.Close()
	_, errOut, code := runCLI(t, &App{}, "send", "permit.create_user", "--to", srv.URL+"/old", "--scheme", "none")
	if code != ExitFail || !strings.Contains(errOut, "answered 308 Permanent Redirect") ||
		!strings.Contains(errOut, "hint: the receiver redirects to /new; send there instead") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
