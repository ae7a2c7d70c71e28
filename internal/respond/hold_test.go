package respond

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A rule's answer is held for its delay, or, hanging, for HangFor (a hang
// rule's is respond.MaxHold).
func TestHeld(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		spec string
		want time.Duration
	}{
		{"status=503", 0},
		{"delay=250ms", 250 * time.Millisecond},
		{"close delay=2s", 2 * time.Second},
		{"hang", MaxHold},
	} {
		s := mustRules(t, 0, c.spec)
		_, a, _ := s.Match(created())
		if got := a.Held(); got != c.want {
			t.Errorf("%s: held %v, want %v", c.spec, got, c.want)
		}
	}
}

// Drop closes the connection: a client sees it end with no answer.
func TestDrop(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Drop(w) }))
	t.Cleanup(srv.Close)
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer: %d", resp.StatusCode)
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		t.Fatalf("the client timed out instead of seeing the connection close: %v", err)
	}
}
