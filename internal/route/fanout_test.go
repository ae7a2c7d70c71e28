package route

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func deliveryRequest() Request {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Webhook-Id", "msg_1")
	h.Set("Connection", "keep-alive, X-Private")
	h.Set("Keep-Alive", "timeout=5")
	return Request{Method: http.MethodPost, Header: h, Body: []byte(`{"id":"msg_1"}`)}
}

// TestFanOut: two targets get the delivery at once, unchanged, and each
// one's answer comes back in the order the targets were given: the slow
// one, listed first, answers only once the other has the delivery, so a
// fan-out that sent one after the other would never see it answer.
func TestFanOut(t *testing.T) {
	fastGot := make(chan struct{})
	var slowSaw, fastSaw *http.Request
	var slowBody []byte
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slowSaw = r
		slowBody, _ = io.ReadAll(r.Body)
		select {
		case <-fastGot:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("X-App", "slow")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "slow ok")
	}))
	defer slow.Close()
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fastSaw = r
		close(fastGot)
		http.Error(w, "fast says no", http.StatusInternalServerError)
	}))
	defer fast.Close()

	req := deliveryRequest()
	res := FanOut(context.Background(), http.DefaultClient, req, []string{slow.URL + "/hooks", fast.URL + "/other"}, Options{Timeout: 20 * time.Second})
	if len(res) != 2 {
		t.Fatalf("%d results", len(res))
	}
	first, second := res[0], res[1]
	if first.URL != slow.URL+"/hooks" || first.Status != http.StatusAccepted || string(first.Body) != "slow ok" || first.Header.Get("X-App") != "slow" || !first.OK() {
		t.Errorf("first target: %+v", first)
	}
	if second.Status != http.StatusInternalServerError || !strings.Contains(string(second.Body), "fast says no") || !second.Answered() || second.OK() {
		t.Errorf("second target: %+v", second)
	}
	if first.Duration <= 0 || second.Duration <= 0 {
		t.Errorf("durations %s and %s", first.Duration, second.Duration)
	}
	if string(slowBody) != `{"id":"msg_1"}` || slowSaw.URL.Path != "/hooks" || fastSaw.URL.Path != "/other" {
		t.Errorf("the targets got %q at %s and %s", slowBody, slowSaw.URL.Path, fastSaw.URL.Path)
	}
	for _, r := range []*http.Request{slowSaw, fastSaw} {
		if r.Header.Get("Webhook-Id") != "msg_1" || r.Header.Get("Keep-Alive") != "" || r.Header.Get("X-Private") != "" {
			t.Errorf("headers passed on: %v", r.Header)
		}
	}
	if req.Header.Get("Keep-Alive") == "" {
		t.Error("FanOut changed the caller's request")
	}
}

// TestFanOutTimeout: a target that does not answer within the timeout
// gets a timeout error; one that cannot be reached gets its error; the
// one that answers is not held up beyond the timeout by either.
func TestFanOutTimeout(t *testing.T) {
	done := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // from here on, a client that leaves cancels r's context
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer hung.Close()
	defer close(done)
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "fine")
	}))
	defer ok.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/"
	l.Close()

	res := FanOut(context.Background(), http.DefaultClient, deliveryRequest(), []string{hung.URL, refused, ok.URL}, Options{Timeout: 300 * time.Millisecond})
	if !errors.Is(res[0].Err, context.DeadlineExceeded) || !strings.Contains(res[0].Err.Error(), "no answer within 300ms") || res[0].Answered() {
		t.Errorf("hung target: %+v", res[0])
	}
	if res[1].Err == nil || res[1].Status != 0 || errors.Is(res[1].Err, context.DeadlineExceeded) {
		t.Errorf("refused target: %+v", res[1])
	}
	if !res[2].OK() || string(res[2].Body) != "fine" {
		t.Errorf("good target: %+v", res[2])
	}
}

// TestFanOutCutShort: an answer longer than MaxBody is kept in part and
// marked, and one the target breaks off is not a whole answer.
func TestFanOutCutShort(t *testing.T) {
	long := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 100))
	}))
	defer long.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "only part")
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}))
	defer broken.Close()
	res := FanOut(context.Background(), http.DefaultClient, deliveryRequest(), []string{long.URL, broken.URL}, Options{MaxBody: 10})
	if !res[0].Truncated || string(res[0].Body) != "xxxxxxxxxx" || res[0].Answered() || res[0].Err != nil {
		t.Errorf("long answer: %+v", res[0])
	}
	if res[1].Status != 200 || res[1].Err == nil || !strings.Contains(res[1].Err.Error(), "cut short") || res[1].Answered() {
		t.Errorf("broken answer: %+v", res[1])
	}
}

// TestFanOutBadURL: a URL that cannot make a request fails on its own.
func TestFanOutBadURL(t *testing.T) {
	res := FanOut(context.Background(), http.DefaultClient, deliveryRequest(), []string{"http://[::1"}, Options{})
	if res[0].Err == nil {
		t.Errorf("%+v", res[0])
	}
}
