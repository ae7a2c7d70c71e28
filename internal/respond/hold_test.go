package respond

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// serve answers every request with the rule spec, as listen would.
func serve(t *testing.T, spec string) (*httptest.Server, chan error) {
	t.Helper()
	s := mustRules(t, 0, spec)
	ended := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the body read, a client that leaves cancels r's context
		_, a, _ := s.Match(created())
		defer func() { ended <- r.Context().Err() }()
		Write(w, r, a, http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, ended
}

func TestWriteAnswer(t *testing.T) {
	srv, _ := serve(t, `status=429 headers.Retry-After=7 body='slow down ${delivery.id}' delay=50ms`)
	start := time.Now()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || string(body) != "slow down msg_1" ||
		resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("answer %d %v %q", resp.StatusCode, resp.Header, body)
	}
	if time.Since(start) < 50*time.Millisecond {
		t.Error("answered before the delay")
	}
}

// TestWriteClose: close drops the connection; the client gets no answer.
func TestWriteClose(t *testing.T) {
	srv, _ := serve(t, "close")
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer: %d", resp.StatusCode)
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		t.Fatalf("the client timed out instead of seeing the connection close: %v", err)
	}
}

// TestWriteHang: hang holds the connection until the client gives up, and
// then lets go of it.
func TestWriteHang(t *testing.T) {
	srv, ended := serve(t, "hang")
	c := &http.Client{Timeout: 200 * time.Millisecond}
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer: %d", resp.StatusCode)
	}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() {
		t.Fatalf("want the client's timeout, got %v", err)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the handler ended with %v, want the client gone", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler still holds the connection 10s after the client left")
	}
}

// TestWaitHangFor: a hang ends at HangFor, and ctx cuts any wait short.
func TestWaitHangFor(t *testing.T) {
	a := Answer{Answers: true, Hang: true, HangFor: 10 * time.Millisecond}
	if err := a.Wait(context.Background()); err != nil {
		t.Errorf("Wait: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	long := Answer{Delay: time.Hour}
	if err := long.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a cancelled context: %v", err)
	}
	if err := (&Answer{}).Wait(context.Background()); err != nil {
		t.Errorf("no wait: %v", err)
	}
}
