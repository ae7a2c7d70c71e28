package delivery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A load worker keeps one attempt context and timer between deliveries: the
// timer must restart with each attempt, so deliveries that each finish
// within the timeout never time out however long the run lasts.
func TestRunLoadTimeoutIsPerAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) == 8 {
			// The last delivery gets no answer (for long enough to time out).
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}))
	defer srv.Close()
	// One worker: 7 deliveries of ~100 ms against a 500 ms timeout, 700 ms in
	// all, so a clock that kept running from the first attempt would fire;
	// then one that hangs, which a clock that was not restarted would miss.
	// Each attempt has 400 ms to spare, so a loaded machine does not time out
	// a delivery that should pass.
	sum, err := RunLoad(context.Background(), NewClient(1), Load{
		Count: 8, Concurrency: 1, Build: buildTo(srv.URL),
		Policy: Policy{Timeout: 500 * time.Millisecond},
	})
	want := "timed out waiting for the response after 500ms"
	if err != nil || sum.OK != 7 || sum.Failures[want] != 1 {
		t.Fatalf("%d of 8 ok (failures %v), err %v; want 7 ok and 1 %q", sum.OK, sum.Failures, err, want)
	}
}

// After an attempt times out, the worker's next delivery runs on a fresh
// context: the spent one would cancel it at once.
func TestRunLoadRecoversAfterTimeout(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			<-r.Context().Done() // the first delivery never gets an answer
		}
	}))
	defer srv.Close()
	sum, err := RunLoad(context.Background(), NewClient(1), Load{
		Count: 4, Concurrency: 1, Build: buildTo(srv.URL),
		Policy: Policy{Timeout: 50 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "timed out waiting for the response after 50ms"
	if sum.Sent != 4 || sum.OK != 3 || sum.Failures[want] != 1 {
		t.Errorf("sent %d, ok %d, failures %v; want 4 sent, 3 ok, 1 %q", sum.Sent, sum.OK, sum.Failures, want)
	}
}

// A retry after a timed-out attempt gets its own full timeout.
func TestSendRetryAfterTimeoutSucceeds(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the server notices the client hanging up only after the body
		if n.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL, Body: []byte(`{}`)},
		Policy{Retries: 2, Timeout: 50 * time.Millisecond, Sleep: (&fakeSleep{}).sleep}, nil)
	if err != nil || resp.Status != http.StatusAccepted || resp.Attempts != 2 {
		t.Fatalf("status %d after %d attempts, err %v; want 202 after 2", resp.Status, resp.Attempts, err)
	}
}

// Each attempt's request is its own: the whole body, rewindable (GetBody,
// which the transport needs to re-send on a kept-alive connection that turned
// out to be closed), an in-memory reader (headers and body in one write), its
// own header map, and the attempt's context.
func TestSenderRequestIsFreshEachAttempt(t *testing.T) {
	t.Parallel()
	s := newSender(context.Background(), NewClient(1), time.Second)
	defer s.close()
	var prev *http.Request
	for i := range 3 {
		body := []byte(`{"n":` + strconv.Itoa(i) + `}`)
		s.begin()
		hr, err := s.request(http.MethodPost, Request{URL: "http://127.0.0.1:9/hook?x=1", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if hr.Method != http.MethodPost || hr.URL.String() != "http://127.0.0.1:9/hook?x=1" || hr.Host != "127.0.0.1:9" {
			t.Errorf("request line %s %s (host %s)", hr.Method, hr.URL, hr.Host)
		}
		if hr.Context() != s.actx {
			t.Error("request not bound to the attempt's context")
		}
		if hr.ContentLength != int64(len(body)) {
			t.Errorf("ContentLength %d, want %d", hr.ContentLength, len(body))
		}
		for range 2 {
			if hr.GetBody == nil {
				t.Fatal("no GetBody: the transport cannot re-send the body")
			}
			rc, _ := hr.GetBody()
			if got, _ := io.ReadAll(rc); string(got) != string(body) {
				t.Errorf("GetBody gave %q, want %q", got, body)
			}
		}
		if got, _ := io.ReadAll(hr.Body); string(got) != string(body) {
			t.Errorf("Body %q, want %q", got, body)
		}
		hr.Header.Set("X-Seen", "1")
		if prev != nil && prev.Header.Get("X-Seen") != "1" || s.tmpl.Header.Get("X-Seen") != "" {
			t.Error("requests share a header map")
		}
		prev = hr
		s.end()
	}
	hr, err := s.request(http.MethodPost, Request{URL: "http://127.0.0.1:9/"})
	if err != nil || hr.Body != http.NoBody || hr.ContentLength != 0 {
		t.Errorf("empty body: %v, %v, %d", err, hr.Body, hr.ContentLength)
	}
	if hr.URL.Path != "/" {
		t.Errorf("a new URL kept the old one: %s", hr.URL)
	}
	if _, err := s.request(http.MethodPost, Request{URL: "http://[::1"}); err == nil {
		t.Error("a malformed URL gave no error")
	}
}

// A sender goes to the transport directly only when c.Do would add nothing.
func TestDirectOnlyWhenTheClientAddsNothing(t *testing.T) {
	t.Parallel()
	jar, _ := cookiejar.New(nil)
	tr := http.DefaultTransport
	for _, tc := range []struct {
		name string
		c    *http.Client
		want bool
	}{
		{"NewClient", NewClient(4), true},
		{"no redirects", &http.Client{Transport: tr, CheckRedirect: NoRedirects}, true},
		{"follows redirects", &http.Client{Transport: tr}, false},
		{"own redirect policy", &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}, false},
		{"cookie jar", &http.Client{Transport: tr, CheckRedirect: NoRedirects, Jar: jar}, false},
		{"client timeout", &http.Client{Transport: tr, CheckRedirect: NoRedirects, Timeout: time.Second}, false},
		{"default transport", &http.Client{CheckRedirect: NoRedirects}, false},
	} {
		if got := direct(tc.c) != nil; got != tc.want {
			t.Errorf("%s: direct = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Going to the transport directly keeps c.Do's errors and its Basic auth
// from credentials in the URL.
func TestDirectSendsAsClientDoWould(t *testing.T) {
	t.Parallel()
	var auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		auth.Store(r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c := NewClient(1)

	withUser := strings.Replace(srv.URL, "http://", "http://hook:s3cret@", 1)
	sum, err := RunLoad(context.Background(), c, Load{Count: 1, Build: buildTo(withUser)})
	if err != nil || sum.OK != 1 {
		t.Fatalf("%d ok, failures %v, err %v", sum.OK, sum.Failures, err)
	}
	if got, _ := auth.Load().(string); got != "Basic aG9vazpzM2NyZXQ=" {
		t.Errorf("Authorization %q, want Basic auth from the URL", got)
	}

	tlsURL := strings.Replace(srv.URL, "http://", "https://", 1)
	sum, err = RunLoad(context.Background(), c, Load{Count: 2, Build: buildTo(tlsURL)})
	want := "server answered plain HTTP to an HTTPS request"
	if err != nil || sum.Failures[want] != 2 {
		t.Errorf("failures %v, want 2 %q", sum.Failures, want)
	}

	_, err = Send(context.Background(), c, Request{URL: tlsURL}, Policy{}, nil)
	var ue *url.Error
	if !errors.As(err, &ue) || ue.Op != "Post" || ue.URL != tlsURL || !errors.Is(err, http.ErrSchemeMismatch) {
		t.Errorf("err = %#v, want a *url.Error for Post %s wrapping ErrSchemeMismatch", err, tlsURL)
	}
}
