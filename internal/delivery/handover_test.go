package delivery

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// headerSpy is a transport that keeps the header map of each request.
type headerSpy struct{ got []http.Header }

func (s *headerSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	s.got = append(s.got, r.Header)
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

func sameMap(a, b http.Header) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func TestSendHandOverSkipsTheCopy(t *testing.T) {
	t.Parallel()
	h := http.Header{"Webhook-Id": {"msg_1"}}
	for _, handOver := range []bool{false, true} {
		spy := &headerSpy{}
		req := Request{URL: "http://127.0.0.1/", Header: h, Body: []byte("x"), HandOver: handOver}
		if _, err := Send(context.Background(), &http.Client{Transport: spy}, req, Policy{}, nil); err != nil {
			t.Fatal(err)
		}
		if sameMap(spy.got[0], h) != handOver {
			t.Errorf("HandOver %v: transport got the caller's map: %v", handOver, sameMap(spy.got[0], h))
		}
		if spy.got[0].Get("Webhook-Id") != "msg_1" {
			t.Errorf("HandOver %v: header %v", handOver, spy.got[0])
		}
	}
}

// A client with a cookie jar adds a Cookie header to each attempt: a
// handed-over header is copied all the same, so retries do not pile up
// cookies and the caller's map stays as it was.
func TestSendHandOverWithCookieJar(t *testing.T) {
	t.Parallel()
	var cookies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookies = append(cookies, r.Header.Get("Cookie"))
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "s1"}})
	h := http.Header{"Content-Type": {"application/json"}}
	fs := &fakeSleep{}
	req := Request{URL: srv.URL, Header: h, Body: []byte("{}"), HandOver: true}
	resp, err := Send(context.Background(), &http.Client{Jar: jar}, req, Policy{Retries: 2, Sleep: fs.sleep}, nil)
	if err != nil || resp.Attempts != 3 {
		t.Fatal(resp.Attempts, err)
	}
	for i, c := range cookies {
		if c != "session=s1" {
			t.Errorf("attempt %d sent Cookie %q", i+1, c)
		}
	}
	if len(h) != 1 {
		t.Errorf("the caller's header changed: %v", h)
	}
}

// A load run drains response bodies without keeping them, and still
// reuses its connections.
func TestRunLoadDrainsBodies(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("r", 100<<10) // above MaxResponseBody
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, big)
	}))
	defer srv.Close()
	var fresh atomic.Int64
	c := NewClient(2)
	c.Transport = traced{c.Transport, &fresh}
	build := func(int) (Request, error) { return Request{URL: srv.URL, Body: []byte("{}"), HandOver: true}, nil }
	sum, err := RunLoad(context.Background(), c, Load{Count: 50, Concurrency: 2, Build: build})
	if err != nil || sum.OK != 50 {
		t.Fatalf("%d ok, %v", sum.OK, err)
	}
	if n := fresh.Load(); n > 2 {
		t.Errorf("opened %d connections for 2 workers", n)
	}
}
