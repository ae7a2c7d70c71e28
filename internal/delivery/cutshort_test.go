package delivery

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// dripServer answers 200 at once, then its body a byte at a time until the
// client goes (10 s at most, so the test ends by itself).
func dripServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
		for range 200 {
			if _, err := io.WriteString(w, "x"); err != nil {
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
	t.Cleanup(srv.Close)
	return srv
}

// A status followed by a body the timeout cuts short is a failure, not the
// status's success: a CutShortError in a TimeoutError, the Response keeping
// the status and what arrived.
func TestSendBodyCutShortByTheTimeout(t *testing.T) {
	t.Parallel()
	srv := dripServer(t)
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL}, Policy{Timeout: 100 * time.Millisecond}, nil)
	var te *TimeoutError
	var cut *CutShortError
	if !errors.As(err, &te) || !errors.As(err, &cut) {
		t.Fatalf("err = %v (%T), want a body cut short by the timeout", err, err)
	}
	if cut.Status != 200 || cut.Read != int64(len(resp.Body)) || resp.Status != 200 {
		t.Errorf("cut %+v, response status %d body %q", cut, resp.Status, resp.Body)
	}
	if want := "the answer (200 OK) was cut short: timed out reading its body after 100ms"; Explain(err) != want {
		t.Errorf("Explain = %q, want %q", Explain(err), want)
	}
	if NotSent(err) {
		t.Error("an answer cut short counts as not sent")
	}

	// A load run reads only the status, and counts it the same way.
	sum, _ := RunLoad(context.Background(), srv.Client(), Load{Count: 1, Policy: Policy{Timeout: 100 * time.Millisecond},
		Build: func(int) (Request, error) { return Request{URL: srv.URL}, nil }})
	if sum.OK != 0 || sum.Failures["the answer (200 OK) was cut short: timed out reading its body after 100ms"] != 1 {
		t.Errorf("load summary %+v", sum)
	}
}

// A body the server stops short of its Content-Length is cut short too.
func TestSendBodyCutShortByTheServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
		_ = buf.Flush()
	}))
	defer srv.Close()
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL}, Policy{}, nil)
	var cut *CutShortError
	if !errors.As(err, &cut) || cut.Read != 10 || string(resp.Body) != "only ten b" {
		t.Fatalf("err = %v, body %q: want a body cut short after 10 bytes", err, resp.Body)
	}
	if want := "the answer (200 OK) was cut short: the connection closed before its body ended"; Explain(err) != want {
		t.Errorf("Explain = %q, want %q", Explain(err), want)
	}
}

// A whole body, however long, is no error: what is kept stops at
// MaxResponseBody and the rest is read only to reuse the connection.
func TestSendLongBodyIsWhole(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bw := bufio.NewWriter(w)
		for range MaxResponseBody + 1000 {
			_ = bw.WriteByte('y')
		}
		_ = bw.Flush()
	}))
	defer srv.Close()
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL}, Policy{Timeout: 10 * time.Second}, nil)
	if err != nil || resp.Status != 200 || len(resp.Body) != MaxResponseBody {
		t.Fatalf("status %d, %d bytes kept, err %v", resp.Status, len(resp.Body), err)
	}
}
