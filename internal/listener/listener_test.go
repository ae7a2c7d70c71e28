package listener_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// clock is the listener's and the signers' time, so stale and fresh are exact.
var clock = time.Date(2025, 12, 1, 14, 30, 5, 0, time.UTC)

// env is a listener running over loopback with its record file.
type env struct {
	t       *testing.T
	url     string
	recPath string
	out     *syncBuffer
	errOut  *syncBuffer
	l       *listener.Listener
	client  *http.Client
	stop    func()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var registry = func() *payload.Registry {
	r, err := payload.NewRegistry()
	if err != nil {
		panic(err)
	}
	return r
}()

// start runs a listener; edit adjusts its config. The record goes to a file
// unless edit sets Records.
func start(t *testing.T, edit func(*listener.Config)) *env {
	t.Helper()
	e := &env{t: t, recPath: filepath.Join(t.TempDir(), "rec.ndjson"), out: &syncBuffer{}, errOut: &syncBuffer{}}
	f, err := record.OpenFile(e.recPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := listener.Config{
		Scheme:   signature.Auto,
		Secrets:  []string{secret},
		Registry: registry,
		Output:   listener.Pretty,
		Out:      e.out,
		Diag:     render.NewDiag(e.errOut),
		Now:      func() time.Time { return clock },
	}
	if edit != nil {
		edit(&cfg)
	}
	if cfg.Records == nil {
		cfg.Records = record.NewWriter(f, record.Options{})
	}
	l, err := listener.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.l = l
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http"
	tr := &http.Transport{MaxConnsPerHost: 256, MaxIdleConnsPerHost: 256}
	if cfg.TLS != nil {
		scheme = "https"
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	e.client = &http.Client{Transport: tr}
	e.url = scheme + "://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Serve(ctx, ln) }()
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
			cfg.Records.Close()
			f.Close()
			tr.CloseIdleConnections()
		})
	}
	t.Cleanup(e.stop)
	return e
}

// post sends body to path with headers, returning status and body.
func (e *env) post(path string, body []byte, hdr ...signature.Header) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, h := range hdr {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// records stops the listener and reads the whole record file.
func (e *env) records() []map[string]any {
	e.t.Helper()
	e.stop()
	raw, err := os.ReadFile(e.recPath)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			e.t.Fatalf("record line %d is not JSON: %v\n%s", i+1, err, line)
		}
		out = append(out, m)
	}
	return out
}

func sign(t *testing.T, scheme signature.Scheme, key, id string, ts time.Time, body []byte) []signature.Header {
	t.Helper()
	h, err := signature.Sign(scheme, key, id, ts, body)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fixtureFS(name string) ([]byte, error) { return fixtures.FS.ReadFile(fixtures.Path(name)) }

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fixtures.FS.ReadFile(fixtures.Path(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func dig(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// TestConcurrentDeliveriesAllRecorded fires 5,000 signed deliveries at once
// and checks that every one is in the record, numbered 1..5000 with no gap or
// repeat, and that the listener leaves no goroutine behind.
func TestConcurrentDeliveriesAllRecorded(t *testing.T) {
	baseline := runtime.NumGoroutine()
	e := start(t, func(c *listener.Config) { c.Output = listener.Quiet })
	body := fixture(t, "permission_assist.access_request_created")
	const n = 5000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("msg_%d", i)
			req, _ := http.NewRequest(http.MethodPost, e.url+"/", bytes.NewReader(body))
			for _, h := range sign(t, signature.Standard, secret, id, clock, body) {
				req.Header.Set(h.Name, h.Value)
			}
			resp, err := e.client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("delivery %d: status %d", i, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	recs := e.records()
	if len(recs) != n {
		t.Fatalf("record has %d lines, want %d", len(recs), n)
	}
	seen := make(map[float64]bool, n)
	for i, r := range recs {
		seq, _ := r["seq"].(float64)
		if seq != float64(i+1) {
			t.Fatalf("line %d has seq %v, want %d", i+1, r["seq"], i+1)
		}
		seen[seq] = true
		if dig(r, "signature.valid") != true || dig(r, "schema.valid") != true {
			t.Fatalf("line %d: signature %v schema %v", i+1, r["signature"], r["schema"])
		}
	}
	if len(seen) != n {
		t.Fatalf("%d distinct seqs, want %d", len(seen), n)
	}
	if st := e.l.Stats(); st.Deliveries != n || st.Duplicates != 0 {
		t.Fatalf("stats %+v", st)
	}

	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, baseline %d:\n%s", runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond) // polling for goroutines to exit, not waiting on a server
	}
}

func TestSignatureVerdicts(t *testing.T) {
	t.Parallel()
	body := fixture(t, "permit.create_user")
	tampered := bytes.Replace(body, []byte("create_user"), []byte("create_user "), 1)
	stale := clock.Add(-10 * time.Minute)
	tests := []struct {
		name    string
		headers []signature.Header
		body    []byte
		status  int
		scheme  string
		reason  string // in the answer and the record
	}{
		{"standard", sign(t, signature.Standard, secret, "msg_1", clock, body), body, 200, "standard", ""},
		{"github", sign(t, signature.GitHub, secret, "", clock, body), body, 200, "github", ""},
		{"stripe", sign(t, signature.Stripe, secret, "", clock, body), body, 200, "stripe", ""},
		{"bearer", sign(t, signature.Bearer, secret, "", clock, body), body, 200, "bearer", ""},
		{"tampered", sign(t, signature.Standard, secret, "msg_2", clock, body), tampered, 401, "standard", "no signature in webhook-signature matched"},
		{"stale", sign(t, signature.Standard, secret, "msg_3", stale, body), body, 401, "standard", "old, more than the 5m0s tolerance"},
		{"unsigned", nil, body, 401, "none", "no signature header"},
		{"wrong secret", sign(t, signature.GitHub, "other", "", clock, body), body, 401, "github", "no signature in X-Hub-Signature-256 matched"},
	}
	e := start(t, nil)
	for _, tt := range tests {
		status, answer := e.post("/", tt.body, tt.headers...)
		if status != tt.status || !strings.Contains(answer, tt.reason) {
			t.Errorf("%s: got %d %q, want %d with %q", tt.name, status, answer, tt.status, tt.reason)
		}
	}
	recs := e.records()
	if len(recs) != len(tests) {
		t.Fatalf("%d records, want %d", len(recs), len(tests))
	}
	for i, tt := range tests {
		r := recs[i]
		if dig(r, "status") != float64(tt.status) || dig(r, "signature.scheme") != tt.scheme ||
			dig(r, "signature.valid") != (tt.status == 200) || !strings.Contains(dig(r, "signature.reason").(string), tt.reason) {
			t.Errorf("%s: record %v", tt.name, r)
		}
	}
	if got := e.l.Stats().BadSignatures; got != 4 {
		t.Errorf("bad signatures = %d, want 4", got)
	}
	if !strings.Contains(e.out.String(), "signature INVALID (standard)") {
		t.Errorf("pretty output lacks the verdict:\n%s", e.out)
	}
}

func TestNoSecretReportsButDoesNotReject(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	body := fixture(t, "permit.create_user")
	if status, _ := e.post("/", body, sign(t, signature.GitHub, "x", "", clock, body)...); status != 200 {
		t.Fatalf("status %d", status)
	}
	if status, _ := e.post("/", body); status != 200 {
		t.Fatalf("status %d", status)
	}
	recs := e.records()
	if dig(recs[0], "signature.kind") != "unchecked" || dig(recs[0], "signature.scheme") != "github" {
		t.Errorf("signed, no secret: %v", recs[0]["signature"])
	}
	if dig(recs[1], "signature.valid") != true || dig(recs[1], "signature.scheme") != "none" {
		t.Errorf("unsigned, no secret: %v", recs[1]["signature"])
	}
}

func TestPayloadVerdictsAndRecordFields(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil; c.MaxBody = 64 << 10; c.Status = 202 })
	invite := fixture(t, "permit.invite_user")
	pa := fixture(t, "permission_assist.access_request_approved")
	badPA := bytes.Replace(pa, []byte(`"action": "`), []byte(`"action": "Delete`), 1)
	notUTF8 := []byte{0xff, 0xfe, 'h', 'i'}

	cases := []struct {
		path   string
		body   []byte
		hdr    []signature.Header
		status int
	}{
		{"/", invite, nil, 202},
		{"/", pa, nil, 202},
		{"/", badPA, nil, 202},
		{"/", []byte("hello, not JSON"), nil, 202},
		{"/", notUTF8, nil, 202},
		{"/", []byte(`{"some":"thing"}`), nil, 202},
		{"/", bytes.Repeat([]byte("x"), 65<<10), nil, 413},
		{"/", pa, nil, 202}, // the same Permission Assist id again
		{"/", invite, []signature.Header{{Name: "webhook-id", Value: "msg_dup"}}, 202},
		{"/", invite, []signature.Header{{Name: "webhook-id", Value: "msg_dup"}, {Name: "Authorization", Value: "Bearer s3cr3t"}}, 202},
	}
	for i, c := range cases {
		if status, answer := e.post(c.path, c.body, c.hdr...); status != c.status {
			t.Fatalf("case %d: status %d %q, want %d", i, status, answer, c.status)
		}
	}
	recs := e.records()
	if len(recs) != len(cases) {
		t.Fatalf("%d records", len(recs))
	}
	check := func(i int, path string, want any) {
		t.Helper()
		if got := dig(recs[i], path); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("record %d: %s = %v, want %v", i+1, path, got, want)
		}
	}
	check(0, "schema.name", "permit.invite_user")
	check(0, "user_invite_id", "3c7e9a15-6b2d-4f80-a4c1-e8d05b7f2a96")
	check(1, "schema.valid", true)
	if id, _ := dig(recs[1], "delivery_id").(string); id == "" || !bytes.Contains(pa, []byte(`"id": "`+id+`"`)) {
		t.Errorf("record 2: delivery_id %q is not the payload's id", id)
	}
	check(2, "schema.valid", false)
	check(2, "duplicate", true) // the same payload id, tampered with
	if errs, _ := dig(recs[2], "schema.errors").([]any); len(errs) == 0 || !strings.Contains(fmt.Sprint(errs[0]), "/event/request/action") {
		t.Errorf("record 3 errors: %v", dig(recs[2], "schema.errors"))
	}
	check(3, "schema.valid", false)
	check(3, "schema.name", "")
	check(3, "body", "hello, not JSON")
	check(4, "body_encoding", "base64")
	check(4, "body", "//5oaQ==")
	check(5, "schema.name", "")
	if !strings.Contains(fmt.Sprint(dig(recs[5], "schema.errors")), "no schema matches") {
		t.Errorf("record 6: %v", recs[5]["schema"])
	}
	check(6, "status", 413)
	check(6, "body", "")
	check(7, "duplicate", true)
	check(8, "duplicate", nil)
	check(9, "duplicate", true)
	check(9, "headers.Authorization", "Bearer ****")

	out := e.out.String()
	for _, want := range []string{
		"invite to approve: user_invite_id 3c7e9a15-6b2d-4f80-a4c1-e8d05b7f2a96",
		"AccessRequestApproved (permission_assist.access_request)",
		"/event/request/action (line ",
		"not JSON",
		"hello, not JSON",
		"(4 bytes, not UTF-8; the record holds them base64)",
		"DUPLICATE",
		"larger than --max-body",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("pretty output lacks %q", want)
		}
	}
	if strings.Contains(out, "s3cr3t") {
		t.Error("pretty output shows a secret")
	}
	if st := e.l.Stats(); st.Duplicates != 3 || st.Rejected != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestCallbackStandIn(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.PathPrefix = "/hooks" })
	for i, c := range []struct {
		path   string
		status int
	}{
		{"/hooks/webhooks/callback/abc", 200},
		{"/hooks/webhooks/callback/abc", 409},
		{"/webhooks/callback/def", 200}, // where `send` points callbacks by default
		{"/elsewhere", 404},
	} {
		if status, answer := e.post(c.path, []byte("Provisioned in AD."), nil...); status != c.status {
			t.Errorf("case %d: %d %q, want %d", i, status, answer, c.status)
		}
	}
	recs := e.records()
	if dig(recs[0], "kind") != "callback" || dig(recs[0], "callback_for") != "abc" || dig(recs[0], "body") != "Provisioned in AD." {
		t.Errorf("record 1: %v", recs[0])
	}
	if dig(recs[1], "status") != float64(409) || !strings.Contains(fmt.Sprint(dig(recs[1], "error")), "must not be reused") {
		t.Errorf("record 2: %v", recs[1])
	}
	if recs[0]["signature"] != nil || recs[0]["schema"] != nil {
		t.Errorf("a callback has no verdicts: %v", recs[0])
	}
	if st := e.l.Stats(); st.Callbacks != 3 || st.ReusedCallbacks != 1 || st.Deliveries != 1 {
		t.Errorf("stats %+v", st)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestRecordFailureAnswers500Loudly(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) {
		c.Secrets = nil
		c.Records = record.NewWriter(failingWriter{}, record.Options{})
	})
	status, _ := e.post("/", fixture(t, "permit.create_user"))
	if status != 500 {
		t.Fatalf("status %d, want 500", status)
	}
	e.stop()
	if !strings.Contains(e.errOut.String(), "NOT RECORDED, answered 500: no space left on device") {
		t.Errorf("stderr: %q", e.errOut)
	}
	if e.l.Stats().RecordFailures != 1 {
		t.Errorf("stats %+v", e.l.Stats())
	}
}

// A request refused before it is checked (here a GET, 405 with Allow)
// whose record cannot be written gets the same 500 as any other: the text
// says it was not recorded, and no Allow says what to send instead.
func TestRecordFailureOfARefusalAnswers500(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) {
		c.Secrets = nil
		c.Records = record.NewWriter(failingWriter{}, record.Options{})
	})
	resp, err := e.client.Get(e.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || resp.Header.Get("Allow") != "" ||
		string(b) != "webhook-tool listen could not record this delivery; see its stderr\n" {
		t.Errorf("got %d, Allow %q, body %q; want 500, no Allow, the could-not-record text", resp.StatusCode, resp.Header.Get("Allow"), b)
	}
}

func TestRecordFileRemoved(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	body := fixture(t, "permit.create_user")
	if status, _ := e.post("/", body); status != 200 {
		t.Fatal(status)
	}
	if err := os.Remove(e.recPath); err != nil {
		t.Fatal(err)
	}
	if status, _ := e.post("/", body); status != 500 {
		t.Fatalf("after removal: status %d, want 500", status)
	}
	if status, _ := e.post("/", body); status != 200 { // the sender's retry lands in the new file
		t.Fatalf("retry: status %d, want 200", status)
	}
	recs := e.records()
	if len(recs) != 1 || dig(recs[0], "seq") != float64(3) {
		t.Fatalf("new file holds %v", recs)
	}
	if !strings.Contains(e.errOut.String(), "was removed; started a new one") {
		t.Errorf("stderr: %q", e.errOut)
	}
}

func TestForward(t *testing.T) {
	t.Parallel()
	var got http.Header
	var gotBody []byte
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		gotBody, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"queued":true}`)
	}))
	defer app.Close()
	e := start(t, func(c *listener.Config) { c.ForwardTo = app.URL + "/hook" })
	body := fixture(t, "permit.create_user")
	status, answer := e.post("/", body, sign(t, signature.Standard, secret, "msg_f", clock, body)...)
	if status != 202 || answer != `{"queued":true}` {
		t.Fatalf("sender got %d %q", status, answer)
	}
	if !bytes.Equal(gotBody, body) || got.Get("webhook-id") != "msg_f" || got.Get("webhook-signature") == "" {
		t.Fatalf("app got %v %q", got, gotBody)
	}
	app.Close()
	status, _ = e.post("/", body, sign(t, signature.Standard, secret, "msg_g", clock, body)...)
	if status != 502 {
		t.Fatalf("app down: %d, want 502", status)
	}
	recs := e.records()
	if dig(recs[0], "forward.status") != float64(202) || dig(recs[0], "forward.body") != `{"queued":true}` || dig(recs[0], "status") != float64(202) {
		t.Errorf("record 1: %v", recs[0])
	}
	if dig(recs[1], "status") != float64(502) || dig(recs[1], "forward.error") == nil {
		t.Errorf("record 2: %v", recs[1])
	}
	if !strings.Contains(e.out.String(), "answered 202 in") {
		t.Errorf("pretty output:\n%s", e.out)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	cert, fp, err := listener.SelfSigned("127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(fp) != 95 {
		t.Errorf("fingerprint %q", fp)
	}
	e := start(t, func(c *listener.Config) {
		c.Secrets = nil
		c.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	})
	if status, _ := e.post("/", fixture(t, "permit.create_user")); status != 200 {
		t.Fatalf("status %d", status)
	}
	if n := len(e.records()); n != 1 {
		t.Fatalf("%d records", n)
	}
}

// TestBadInputNeverPanics throws hostile input at the listener and checks it
// still answers and records a normal delivery afterwards.
func TestBadInputNeverPanics(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	addr := strings.TrimPrefix(e.url, "http://")
	raw := func(payload string, closeWrite bool) string {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, payload)
		if closeWrite {
			c.(*net.TCPConn).CloseWrite()
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		return line
	}

	// Garbage instead of HTTP: net/http answers 400 before the handler.
	if got := raw("\x00\x01\x02 garbage \xff\r\n\r\n", false); !strings.Contains(got, "400") {
		t.Errorf("garbage: %q", got)
	}
	// Half a body, then the client stops sending.
	if got := raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"half\":", true); !strings.Contains(got, "400") {
		t.Errorf("half a body: %q", got)
	}
	// 10 MB body.
	if status, _ := e.post("/", bytes.Repeat([]byte("a"), 10<<20)); status != 413 {
		t.Errorf("10 MB: %d", status)
	}
	// Invalid UTF-8.
	if status, _ := e.post("/", []byte("{\"a\":\"\xff\xfe\"}")); status != 200 {
		t.Errorf("invalid UTF-8: %d", status)
	}
	// 10,000 nested arrays.
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	if status, _ := e.post("/", []byte(deep)); status != 200 {
		t.Errorf("nested arrays: %d", status)
	}
	// A header 64 KB long.
	if status, _ := e.post("/", []byte(`{}`), signature.Header{Name: "X-Long", Value: strings.Repeat("h", 64<<10)}); status != 200 {
		t.Errorf("64 KB header: %d", status)
	}
	// Still well.
	if status, _ := e.post("/", fixture(t, "permit.create_user")); status != 200 {
		t.Errorf("normal delivery after: %d", status)
	}
	recs := e.records()
	// Everything but the garbage (refused by net/http) reached the handler.
	if len(recs) != 6 {
		t.Fatalf("%d records, want 6", len(recs))
	}
	if dig(recs[0], "status") != float64(400) || !strings.Contains(fmt.Sprint(recs[0]["error"]), "could not read the whole body") {
		t.Errorf("half body record: %v", recs[0])
	}
	if len(e.out.String()) > 200<<10 {
		t.Errorf("pretty output is %d bytes: hostile bodies must be cut short", len(e.out.String()))
	}
}

// Headers beyond 64 KiB (net/http's default is 1 MiB) are refused by
// net/http with 431: a webhook's take 1 to 2 KB.
func TestHeadersOver64KiBRefused(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	for _, tc := range []struct {
		size int
		want int
	}{{40 << 10, 200}, {100 << 10, 431}} {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/", strings.NewReader(`{}`))
		req.Header.Set("X-Pad", strings.Repeat("h", tc.size))
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("a %d-byte header: %d, want %d", tc.size, resp.StatusCode, tc.want)
		}
	}
}

// A refused request ends its connection with the answer: net/http would
// otherwise read the rest of its body first, holding the request, and its
// headers, for as long as a client that stalls mid-body likes (here, with
// the body's time limit an hour, for an hour; now for refusedDrain).
func TestRefusalClosesTheConnection(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) {
		c.Secrets = nil
		c.MaxBody, c.MaxBodyInFlight = 16<<10, 32<<10
		c.Timeouts = listener.Timeouts{Read: time.Hour, Write: time.Hour, Idle: time.Hour}
	})
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var req strings.Builder
	req.WriteString("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n")
	for i := range 300 { // some 80 KB as net/http reckons headers: over the budget
		fmt.Fprintf(&req, "X-Pad-%d: %s\r\n", i, strings.Repeat("h", 50))
	}
	req.WriteString("\r\n{") // one byte of the 100, and no more
	if _, err := io.WriteString(c, req.String()); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	got, err := io.ReadAll(c) // the answer, then the end of the connection
	if err != nil {
		t.Fatalf("%v after %q: the connection was left open", err, got)
	}
	if !strings.HasPrefix(string(got), "HTTP/1.1 503 ") || !strings.Contains(string(got), "Connection: close") {
		t.Errorf("answer %q, want a 503 closing the connection", got)
	}

	// A refusal with no body left to read keeps its connection: two GETs
	// (405) on one connection are both answered.
	c2, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	io.WriteString(c2, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	c2.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c2)
	for i := range 2 {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("GET %d: %v", i+1, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Close {
			t.Errorf("GET %d: %d, close %v; want 405 keeping the connection", i+1, resp.StatusCode, resp.Close)
		}
	}
}
