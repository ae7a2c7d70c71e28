package delivery

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// statusServer answers the given statuses in turn (the last repeats) and
// records what it received.
type statusServer struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	header   http.Header // added to every answer
	got      []received
}

type received struct {
	method string
	header http.Header
	body   string
}

func newStatusServer(t *testing.T, statuses ...int) *statusServer {
	s := &statusServer{statuses: statuses, header: http.Header{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		code := s.statuses[min(len(s.got), len(s.statuses)-1)]
		s.got = append(s.got, received{r.Method, r.Header.Clone(), string(b)})
		for k, v := range s.header {
			w.Header()[k] = v
		}
		s.mu.Unlock()
		w.WriteHeader(code)
		io.WriteString(w, "answer "+strconv.Itoa(code))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *statusServer) requests() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

// fakeSleep records the waits Send asks for and returns at once.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return ctx.Err()
}

func TestSendOnce(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 200)
	h := http.Header{"Content-Type": {"application/json"}, "Webhook-Id": {"msg_1"}}
	req := Request{URL: srv.URL + "/hook", Header: h, Body: []byte(`{"a":1}`)}
	resp, err := Send(context.Background(), srv.Client(), req, Policy{Retries: 3}, func(Attempt) { t.Error("retried a 200") })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || !resp.OK() || resp.Attempts != 1 || string(resp.Body) != "answer 200" {
		t.Errorf("resp = %+v", resp)
	}
	got := srv.requests()
	if len(got) != 1 || got[0].method != "POST" || got[0].body != `{"a":1}` || got[0].header.Get("Webhook-Id") != "msg_1" {
		t.Errorf("server got %+v", got)
	}
	if len(h) != 2 {
		t.Errorf("Send changed the caller's header: %v", h)
	}
}

func TestSendRetriesRetryableStatuses(t *testing.T) {
	t.Parallel()
	for _, code := range []int{429, 502, 503, 504} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			srv := newStatusServer(t, code, code, 200)
			fs := &fakeSleep{}
			var attempts []Attempt
			resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL, Body: []byte("x")},
				Policy{Retries: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Sleep: fs.sleep},
				func(a Attempt) { attempts = append(attempts, a) })
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != 200 || resp.Attempts != 3 {
				t.Errorf("status %d after %d attempts, want 200 after 3", resp.Status, resp.Attempts)
			}
			if len(attempts) != 2 || attempts[0].N != 1 || attempts[1].N != 2 || attempts[0].Status != code {
				t.Fatalf("onRetry got %+v", attempts)
			}
			// Equal jitter: retry n waits between half and all of base*2^(n-1).
			for i, a := range attempts {
				full := 100 * time.Millisecond << i
				if a.Wait < full/2 || a.Wait > full {
					t.Errorf("retry %d waits %v, want within [%v, %v]", a.N, a.Wait, full/2, full)
				}
				if fs.waits[i] != a.Wait {
					t.Errorf("slept %v, reported %v", fs.waits[i], a.Wait)
				}
			}
			if n := len(srv.requests()); n != 3 {
				t.Errorf("server got %d requests, want 3", n)
			}
		})
	}
}

func TestSendGivesUpAfterRetries(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 503)
	fs := &fakeSleep{}
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL},
		Policy{Retries: 2, Sleep: fs.sleep}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 503 || resp.Attempts != 3 || len(fs.waits) != 2 {
		t.Errorf("status %d, %d attempts, %d waits; want 503, 3, 2", resp.Status, resp.Attempts, len(fs.waits))
	}
}

func TestSendDoesNotRetryOtherStatuses(t *testing.T) {
	t.Parallel()
	for _, code := range []int{400, 401, 404, 409, 413, 500, 301} {
		srv := newStatusServer(t, code, 200)
		resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL},
			Policy{Retries: 3, Sleep: (&fakeSleep{}).sleep}, func(Attempt) { t.Errorf("%d retried", code) })
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != code || resp.Attempts != 1 || resp.OK() {
			t.Errorf("%d: got status %d after %d attempts", code, resp.Status, resp.Attempts)
		}
	}
}

func TestSendHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name, value string
		wait, asked time.Duration
	}{
		{"seconds", "7", 7 * time.Second, 7 * time.Second},
		{"zero", "0", 0, 0},
		{"date", now.Add(4 * time.Second).Format(http.TimeFormat), 4 * time.Second, 4 * time.Second},
		{"past date", now.Add(-time.Hour).Format(http.TimeFormat), 0, 0},
		{"capped", "3600", 20 * time.Second, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newStatusServer(t, 429, 200)
			srv.header.Set("Retry-After", tt.value)
			fs := &fakeSleep{}
			var got []Attempt
			resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL},
				Policy{Retries: 1, MaxDelay: 20 * time.Second, Sleep: fs.sleep, Now: func() time.Time { return now }},
				func(a Attempt) { got = append(got, a) })
			if err != nil || resp.Status != 200 {
				t.Fatalf("status %d, err %v", resp.Status, err)
			}
			if len(got) != 1 || got[0].Wait != tt.wait || got[0].RetryAfter != tt.asked || fs.waits[0] != tt.wait {
				t.Errorf("attempts %+v, slept %v; want wait %v (asked %v)", got, fs.waits, tt.wait, tt.asked)
			}
		})
	}
}

func TestSendIgnoresBadRetryAfter(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 503, 200)
	srv.header.Set("Retry-After", "soon")
	var got []Attempt
	_, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL},
		Policy{Retries: 1, BaseDelay: time.Second, Sleep: (&fakeSleep{}).sleep}, func(a Attempt) { got = append(got, a) })
	if err != nil {
		t.Fatal(err)
	}
	if got[0].RetryAfter != 0 || got[0].Wait < 500*time.Millisecond || got[0].Wait > time.Second {
		t.Errorf("attempt %+v, want the backoff delay", got[0])
	}
}

func TestBackoffCapped(t *testing.T) {
	t.Parallel()
	for n := 1; n < 70; n++ {
		d := backoff(time.Second, 10*time.Second, n)
		if d > 10*time.Second || d < time.Second/2 {
			t.Fatalf("backoff(%d) = %v", n, d)
		}
	}
}

// deadAddr returns a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestSendConnectionRefused(t *testing.T) {
	t.Parallel()
	fs := &fakeSleep{}
	var got []Attempt
	resp, err := Send(context.Background(), http.DefaultClient, Request{URL: "http://" + deadAddr(t) + "/"},
		Policy{Retries: 2, Sleep: fs.sleep}, func(a Attempt) { got = append(got, a) })
	if err == nil {
		t.Fatal("no error sending to a dead port")
	}
	if !NotSent(err) || Explain(err) != "connection refused" {
		t.Errorf("err = %v (NotSent %v, Explain %q)", err, NotSent(err), Explain(err))
	}
	if resp.Attempts != 3 || len(got) != 2 || got[0].Err == nil || got[0].Status != 0 {
		t.Errorf("%d attempts, retries %+v", resp.Attempts, got)
	}
}

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
	var got []Attempt
	_, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL},
		Policy{Retries: 1, Timeout: 50 * time.Millisecond, Sleep: (&fakeSleep{}).sleep}, func(a Attempt) { got = append(got, a) })
	var te *TimeoutError
	if !errors.As(err, &te) || te.After != 50*time.Millisecond {
		t.Fatalf("err = %v, want a TimeoutError after 50ms", err)
	}
	if want := "timed out waiting for the response after 50ms"; err.Error() != want || Explain(err) != want {
		t.Errorf("err = %q, want %q", err.Error(), want)
	}
	if NotSent(err) {
		t.Error("a timed-out request counts as not sent")
	}
	if len(got) != 1 {
		t.Errorf("timeouts retried %d times, want 1", len(got))
	}
}

func TestSendContextCanceledStopsWaiting(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 503)
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := Send(ctx, srv.Client(), Request{URL: srv.URL}, Policy{Retries: 5},
		func(Attempt) { cancel() }) // the real sleep must notice
	if !errors.Is(err, context.Canceled) || resp.Attempts != 1 {
		t.Errorf("err %v after %d attempts, want context.Canceled after 1", err, resp.Attempts)
	}
}

func TestSendTLSFailureNotRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	_, err := Send(context.Background(), http.DefaultClient, Request{URL: srv.URL},
		Policy{Retries: 3, Sleep: (&fakeSleep{}).sleep}, func(Attempt) { t.Error("retried a TLS failure") })
	if err == nil || !strings.HasPrefix(Explain(err), "TLS handshake failed") {
		t.Errorf("err = %v", err)
	}
}

func TestSendKeepsFirst64KiB(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("a"), MaxResponseBody+1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(big) }))
	defer srv.Close()
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL}, Policy{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body) != MaxResponseBody {
		t.Errorf("kept %d bytes, want %d", len(resp.Body), MaxResponseBody)
	}
}

func TestSendBadURL(t *testing.T) {
	t.Parallel()
	_, err := Send(context.Background(), http.DefaultClient, Request{URL: "http://[::1"}, Policy{Retries: 3},
		func(Attempt) { t.Error("retried a bad URL") })
	if err == nil {
		t.Error("no error for a malformed URL")
	}
}

func TestNewClientDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		t.Errorf("followed the redirect to %s", r.URL.Path)
	}))
	defer srv.Close()
	resp, err := Send(context.Background(), NewClient(4), Request{URL: srv.URL + "/"}, Policy{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusFound || resp.Header.Get("Location") != "/elsewhere" {
		t.Errorf("status %d, Location %q", resp.Status, resp.Header.Get("Location"))
	}
}

func TestStatusText(t *testing.T) {
	t.Parallel()
	if got := StatusText(503); got != "503 Service Unavailable" {
		t.Errorf("StatusText(503) = %q", got)
	}
	if got := StatusText(599); got != "599" {
		t.Errorf("StatusText(599) = %q", got)
	}
}
