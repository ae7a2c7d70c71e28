package callback

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
)

func TestJoinWords(t *testing.T) {
	t.Parallel()
	got := string(JoinWords([]string{"Provisioning", "complete.", "line\ntwo", ""}))
	if want := "Provisioning complete. line\ntwo "; got != want {
		t.Errorf("JoinWords = %q, want %q", got, want)
	}
}

func TestCheckMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		msg     string
		limit   int
		wantErr string
	}{
		{"done", 10, ""},
		{"héllo ✓\nsecond line\n", 100, ""},
		{"", 10, "the message is empty"},
		{" \n\t", 10, "the message is empty"},
		{"12345678901", 10, "the message is 11 bytes, over the 10B limit"},
		{"ok \xff there", 100, "the message is not valid UTF-8 (bad byte at offset 3)"},
	}
	for _, c := range cases {
		err := CheckMessage([]byte(c.msg), c.limit)
		if c.wantErr == "" {
			if err != nil {
				t.Errorf("CheckMessage(%q) = %v", c.msg, err)
			}
			continue
		}
		var ie *InputError
		if !errors.As(err, &ie) || err.Error() != c.wantErr || ie.Hint == "" {
			t.Errorf("CheckMessage(%q) = %v, want input error %q with a hint", c.msg, err, c.wantErr)
		}
	}
}

func TestReadMessageStopsAtLimit(t *testing.T) {
	t.Parallel()
	b, err := ReadMessage(strings.NewReader("12345"), 5, "standard input")
	if err != nil || string(b) != "12345" {
		t.Fatalf("ReadMessage at the limit = %q, %v", b, err)
	}
	// An endless reader must not be read to the end.
	_, err = ReadMessage(endless{}, 64<<10, "standard input")
	if err == nil || !strings.Contains(err.Error(), "over the 64KB message limit") {
		t.Fatalf("ReadMessage(endless) = %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://pa.example.com/webhooks/callback/abc", "http://127.0.0.1:8080/x", "HTTP://[::1]:9/"} {
		if _, err := ParseURL(ok); err != nil {
			t.Errorf("ParseURL(%q) = %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"pa.example.com/webhooks/callback/abc": "it has no scheme",
		"ftp://example.com/x":                  `invalid callback URL "ftp://example.com/x": the scheme must be http or https`,
		"file:///etc/passwd":                   `not "file"`,
		"https://":                             "has no host",
		"Provisioning complete.":               "it has no scheme",
		"http://bad host/":                     "it is not a URL",
	} {
		_, err := ParseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q) = %v, want it to mention %q", in, err, want)
		}
	}
}

func TestPlainHTTPToRemote(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		"http://example.com/":       true,
		"http://10.0.0.5:8080/":     true,
		"https://example.com/":      false,
		"http://127.0.0.1:8080/":    false,
		"http://127.9.9.9/":         false,
		"http://[::1]:8080/":        false,
		"http://localhost:8080/":    false,
		"http://LOCALHOST./":        false,
		"http://app.localhost/":     false,
		"http://localhost.evil.com": true,
	} {
		u, _ := url.Parse(raw)
		if got := PlainHTTPToRemote(u); got != want {
			t.Errorf("PlainHTTPToRemote(%s) = %v, want %v", raw, got, want)
		}
	}
}

const paDelivery = `{"id":"7f1c","createdDate":"2026-01-02T03:04:05Z","callback":"https://pa.example.com/webhooks/callback/7f1c","event":{"name":"AccessRequestCreated"}}`

func TestURLFromPayload(t *testing.T) {
	t.Parallel()
	want := "https://pa.example.com/webhooks/callback/7f1c"
	record := `{"seq":1,"received_at":"2026-01-02T03:04:05.1Z","method":"POST","path":"/","headers":{},"body":` + quote(paDelivery) + `,"status":200}`
	b64 := `{"seq":2,"body":"eyJjYWxsYmFjayI6Imh0dHBzOi8vcGEuZXhhbXBsZS5jb20vd2ViaG9va3MvY2FsbGJhY2svN2YxYyJ9","body_encoding":"base64"}`
	for name, in := range map[string]string{"delivery": paDelivery, "indented": "\n  " + paDelivery + "\n", "record": record + "\n", "base64 record": b64} {
		got, err := URLFromPayload([]byte(in), "d.json")
		if err != nil || got != want {
			t.Errorf("%s: URLFromPayload = %q, %v", name, got, err)
		}
	}
}

func TestURLFromPayloadErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                             "d.json is empty",
		"callback: https://x":          "d.json is not JSON: invalid character 'c' looking for beginning of value (line 1, column 1)",
		"{\n  \"callback\": \"x\",\n}": "d.json is not JSON: invalid character '}' looking for beginning of object key string (line 3, column 1)",
		`{"callback": "x"`:             "d.json is not JSON: unexpected end of input (line 1, column 17)",
		`["https://x"]`:                "d.json is JSON but not an object (it is array)",
		`null`:                         "d.json is JSON but not an object (it is null)",
		`{"type":"create_user"}`:       "d.json has no callback field",
		`{"callback": 42}`:             "d.json: callback is a number (42), not a string",
		`{"callback": null}`:           "d.json: callback is null, not a string",
		`{"callback": " "}`:            "d.json: callback is empty",
		"{\"callback\":\"a\"}\n{\"callback\":\"b\"}\n": "d.json holds 2 JSON values; --from-payload takes one delivery",
		`{"seq":1,"body":"Provisioning complete."}`:    "d.json: the record's body is not JSON: invalid character 'P' looking for beginning of value (line 1, column 1)",
		`{"seq":1,"body":{"callback":"x"}}`:            "d.json: the record's body is not a string",
		`{"seq":1,"body":"{\"id\":\"1\"}"}`:            "d.json: the recorded delivery has no callback field",
	}
	for in, want := range cases {
		_, err := URLFromPayload([]byte(in), "d.json")
		var ie *InputError
		if !errors.As(err, &ie) || err.Error() != want || ie.Hint == "" {
			t.Errorf("URLFromPayload(%q)\n got %v\nwant %q with a hint", in, err, want)
		}
	}
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// receiver is a loopback callback endpoint that keeps what it got.
type receiver struct {
	mu     sync.Mutex
	bodies []string
	ctypes []string
	hdr    []http.Header
}

func (rc *receiver) server(t *testing.T, status int, answer string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, string(b))
		rc.ctypes = append(rc.ctypes, r.Header.Get("Content-Type"))
		rc.hdr = append(rc.hdr, r.Header.Clone())
		rc.mu.Unlock()
		if r.Method != http.MethodPost {
			t.Errorf("method %s", r.Method)
		}
		if status/100 == 3 {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func noSleep(t *testing.T) (func(context.Context, time.Duration) error, *[]time.Duration) {
	var waits []time.Duration
	return func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }, &waits
}

func TestPostSendsMessageExactly(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	srv := rc.server(t, 200, "logged")
	msg := "Provisioning complete.\nUser rjohnson removed — ✓\n"
	sleep, _ := noSleep(t)
	s := &Sender{Client: srv.Client(), Retries: 3, Sleep: sleep, Header: http.Header{"X-Trace": {"abc"}}}
	res := s.Post(context.Background(), srv.URL+"/webhooks/callback/7f1c", []byte(msg))
	if !res.OK() || res.Status != 200 || res.Reason != "200 OK" || res.Attempts != 1 || !res.Sent {
		t.Fatalf("result = %+v", res)
	}
	if res.Excerpt != "logged" {
		t.Errorf("excerpt = %q", res.Excerpt)
	}
	if len(rc.bodies) != 1 || rc.bodies[0] != msg {
		t.Fatalf("bodies = %q", rc.bodies)
	}
	if rc.ctypes[0] != "text/plain; charset=utf-8" || rc.hdr[0].Get("X-Trace") != "abc" {
		t.Errorf("headers = %v", rc.hdr[0])
	}
}

func TestPostNon2xxIsNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{409, 500, 503, 302} {
		rc := &receiver{}
		srv := rc.server(t, status, "callback already used\nsecond\n")
		sleep, waits := noSleep(t)
		s := &Sender{Client: srv.Client(), Retries: 3, Sleep: sleep}
		res := s.Post(context.Background(), srv.URL+"/cb", []byte("done"))
		if res.OK() || res.Status != status || res.Attempts != 1 || !res.Sent {
			t.Errorf("%d: result = %+v", status, res)
		}
		if len(rc.bodies) != 1 || len(*waits) != 0 {
			t.Errorf("%d: %d requests, %d waits; want exactly one request", status, len(rc.bodies), len(*waits))
		}
		if status == 302 && res.Location != "/elsewhere" {
			t.Errorf("302: location %q (the redirect must be reported, not followed)", res.Location)
		}
		if status != 302 && res.Excerpt != "callback already used\nsecond" {
			t.Errorf("%d: excerpt %q", status, res.Excerpt)
		}
	}
}

func TestPostRetriesOnlyWhenRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	sleep, waits := noSleep(t)
	var retries []Retry
	s := &Sender{Client: &http.Client{}, Retries: 3, Sleep: sleep, OnRetry: func(r Retry) { retries = append(retries, r) }}
	res := s.Post(context.Background(), "http://"+addr+"/cb", []byte("done"))
	if res.OK() || res.Sent || res.Attempts != 4 || res.Err == nil {
		t.Fatalf("result = %+v", res)
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	if len(*waits) != 3 || (*waits)[0] != want[0] || (*waits)[1] != want[1] || (*waits)[2] != want[2] {
		t.Errorf("waits = %v, want %v", *waits, want)
	}
	if len(retries) != 3 || retries[0].Attempt != 1 || retries[0].Of != 4 {
		t.Errorf("retries = %+v", retries)
	}

	// Retries 0: one attempt.
	s.Retries = 0
	if res := s.Post(context.Background(), "http://"+addr+"/cb", []byte("done")); res.Attempts != 1 {
		t.Errorf("with no retries: %d attempts", res.Attempts)
	}
}

// A refused connect followed by a receiver that comes up: the retry delivers
// it, exactly once.
func TestPostRetryThenDelivered(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	rc := &receiver{}
	var srv *httptest.Server
	sleep := func(context.Context, time.Duration) error {
		if srv == nil {
			l, err := net.Listen("tcp", addr)
			if err != nil {
				t.Skipf("port taken again: %v", err)
			}
			srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				rc.mu.Lock()
				rc.bodies = append(rc.bodies, string(b))
				rc.mu.Unlock()
			}))
			srv.Listener.Close()
			srv.Listener = l
			srv.Start()
			t.Cleanup(srv.Close)
		}
		return nil
	}
	s := &Sender{Client: &http.Client{}, Retries: 3, Sleep: sleep}
	res := s.Post(context.Background(), "http://"+addr+"/cb", []byte("done"))
	if !res.OK() || res.Attempts != 2 || len(rc.bodies) != 1 {
		t.Fatalf("result = %+v, bodies %q", res, rc.bodies)
	}
}

func TestPostTimeoutAfterSendIsFinal(t *testing.T) {
	t.Parallel()
	got := make(chan struct{}, 4)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		got <- struct{}{}
		<-release
	}))
	defer srv.Close()
	defer close(release)

	sleep, waits := noSleep(t)
	s := &Sender{Client: srv.Client(), Retries: 3, Timeout: 100 * time.Millisecond, Sleep: sleep}
	res := s.Post(context.Background(), srv.URL, []byte("done"))
	if res.Err == nil || !res.Sent || res.Attempts != 1 || len(*waits) != 0 {
		t.Fatalf("result = %+v, waits %v", res, *waits)
	}
	// The handler may not have been scheduled yet on a loaded machine (the
	// race detector, parallel builds): wait for the one request, then make
	// sure no second one came.
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("server saw no request, want 1")
	}
	if len(got) != 0 {
		t.Errorf("server saw %d requests, want 1", 1+len(got))
	}
}

func TestBackoffIsBounded(t *testing.T) {
	t.Parallel()
	for n := 1; n < 100; n++ {
		if d := Backoff(n); d <= 0 || d > 2*time.Second {
			t.Fatalf("Backoff(%d) = %v", n, d)
		}
	}
}

// An answer whose status comes and whose body the timeout then cuts short
// is no acceptance: the callback reached the server (Sent), answered 200,
// and failed all the same.
func TestPostAnswerCutShortIsNotOK(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for range 200 { // 10 s at most
			if _, err := io.WriteString(w, "."); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	sleep, waits := noSleep(t)
	s := &Sender{Client: srv.Client(), Timeout: 100 * time.Millisecond, Retries: 3, Sleep: sleep}
	res := s.Post(context.Background(), srv.URL+"/cb", []byte("done"))
	if res.OK() || res.Err == nil || !res.Sent || res.Status != 200 || res.Attempts != 1 || len(*waits) != 0 {
		t.Fatalf("result = %+v, %d waits: want a failure after one attempt, with the 200 it began", res, len(*waits))
	}
	var cut *delivery.CutShortError
	if !errors.As(res.Err, &cut) {
		t.Errorf("err = %v, want a body cut short", res.Err)
	}
}

// The reason phrase is the server's to choose: escape sequences in it
// (a terminal title, a screen clear) reach the terminal escaped.
func TestPostEscapesTheReasonPhrase(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Read(make([]byte, 4096))
		c.Write([]byte("HTTP/1.1 500 \x1b]0;pwned\x07Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
	}()
	s := &Sender{Client: &http.Client{}}
	res := s.Post(context.Background(), "http://"+ln.Addr().String()+"/cb", []byte("done"))
	if res.Status != 500 || strings.ContainsAny(res.Reason, "\x1b\x07") || !strings.Contains(res.Reason, "Oops") {
		t.Errorf("status %d, reason %q: want 500 with the phrase escaped", res.Status, res.Reason)
	}
}
