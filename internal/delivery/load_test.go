package delivery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func buildTo(url string) func(int) (Request, error) {
	return func(i int) (Request, error) {
		h := http.Header{}
		h.Set("webhook-id", "msg_"+strconv.Itoa(i))
		return Request{URL: url, Header: h, Body: []byte(`{"n":` + strconv.Itoa(i) + `}`)}, nil
	}
}

func TestRunLoadEveryDeliveryItsOwn(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	ids := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		ids[r.Header.Get("webhook-id")]++
		mu.Unlock()
	}))
	defer srv.Close()

	var results atomic.Int64
	sum, err := RunLoad(context.Background(), NewClient(8), Load{
		Count: 200, Concurrency: 8, Build: buildTo(srv.URL),
		OnResult: func(Result) { results.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 200 || sum.OK != 200 || sum.Failed() != 0 || len(sum.Failures) != 0 || results.Load() != 200 {
		t.Errorf("summary %+v, %d results", sum, results.Load())
	}
	if len(ids) != 200 {
		t.Errorf("server saw %d distinct ids, want 200", len(ids))
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	l := sum.Latency
	if l.P50 <= 0 || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.Max {
		t.Errorf("percentiles out of order: %+v", l)
	}
	if sum.PerSecond() <= 0 {
		t.Errorf("PerSecond = %v", sum.PerSecond())
	}
}

func TestRunLoadReusesConnections(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var fresh atomic.Int64
	build := func(i int) (Request, error) { return Request{URL: srv.URL}, nil }
	c := NewClient(4)
	c.Transport = traced{c.Transport, &fresh}
	if _, err := RunLoad(context.Background(), c, Load{Count: 400, Concurrency: 4, Build: build}); err != nil {
		t.Fatal(err)
	}
	// net/http hands a finished connection back to the idle pool on its
	// read goroutine, so on a loaded machine a worker's next request can
	// now and then dial before it is back. Without reuse this would be 400.
	if n := fresh.Load(); n > 8 {
		t.Errorf("opened %d connections for 400 deliveries by 4 workers", n)
	}
}

// traced counts connections that were not reused.
type traced struct {
	rt    http.RoundTripper
	fresh *atomic.Int64
}

func (t traced) RoundTrip(r *http.Request) (*http.Response, error) {
	trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		if !ci.Reused {
			t.fresh.Add(1)
		}
	}}
	return t.rt.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
}

func TestRunLoadCountsFailuresByStatus(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.Header.Get("webhook-id")[len("msg_"):])
		switch {
		case n%10 == 0:
			w.WriteHeader(500)
		case n%10 == 1:
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	fs := &fakeSleep{}
	sum, err := RunLoad(context.Background(), NewClient(3), Load{
		Count: 100, Concurrency: 3, Build: buildTo(srv.URL),
		Policy: Policy{Retries: 1, Sleep: fs.sleep},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 100 || sum.OK != 80 || sum.Failures["500"] != 10 || sum.Failures["503"] != 10 || len(sum.Failures) != 2 {
		t.Errorf("summary %+v", sum)
	}
	if len(fs.waits) != 10 {
		t.Errorf("%d retries, want one for each 503", len(fs.waits))
	}
}

func TestRunLoadDeadReceiver(t *testing.T) {
	t.Parallel()
	sum, err := RunLoad(context.Background(), NewClient(2), Load{
		Count: 5, Concurrency: 2, Build: buildTo("http://" + deadAddr(t) + "/"),
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing reached the receiver: not "sent", and counted apart.
	if sum.Sent != 0 || sum.OK != 0 || sum.NotReached != 5 || sum.NotReachedErrors["connection refused"] != 5 || len(sum.Failures) != 0 || sum.Failed() != 5 {
		t.Errorf("summary %+v", sum)
	}
}

// A failure's answer says why: the first body of each failing status is
// kept (bounded), no 2xx body is, and deliveries that never reached the
// receiver are counted apart from those it answered.
func TestRunLoadKeepsTheFirstAnswerOfEachFailure(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch n.Add(1) % 3 {
		case 0:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "no signature in webhook-signature matched the configured secret(s)\n%s", strings.Repeat("x", 4<<10))
		case 1:
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"error":"unknown event"}`)
		default:
			io.WriteString(w, "ok")
		}
	}))
	defer srv.Close()
	dead := "http://" + deadAddr(t) + "/"
	build := func(i int) (Request, error) {
		if i%4 == 3 {
			return buildTo(dead)(i)
		}
		return buildTo(srv.URL)(i)
	}
	sum, err := RunLoad(context.Background(), NewClient(1), Load{Count: 12, Concurrency: 1, Build: build})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 9 || sum.NotReached != 3 || sum.NotReachedErrors["connection refused"] != 3 || sum.Failed() != 9-sum.OK+3 {
		t.Errorf("summary %+v", sum)
	}
	if sum.OK+sum.Failures["401"]+sum.Failures["422"] != 9 || sum.Failures["401"] == 0 || sum.Failures["422"] == 0 {
		t.Errorf("failures %v, ok %d", sum.Failures, sum.OK)
	}
	if b := string(sum.FirstBodies["401"]); !strings.HasPrefix(b, "no signature in webhook-signature matched") || len(b) != FailureExcerpt {
		t.Errorf("401 body %q (%d bytes), want the start, %d bytes", b, len(b), FailureExcerpt)
	}
	if b := string(sum.FirstBodies["422"]); b != `{"error":"unknown event"}` {
		t.Errorf("422 body %q", b)
	}
	if len(sum.FirstBodies) != 2 {
		t.Errorf("bodies kept for %v; want the failures only", sum.FirstBodies)
	}
}

func TestRunLoadBuildErrorStops(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 200)
	boom := errors.New("boom")
	_, err := RunLoad(context.Background(), NewClient(2), Load{
		Count: 50, Concurrency: 2,
		Build: func(i int) (Request, error) {
			if i == 3 {
				return Request{}, boom
			}
			return Request{URL: srv.URL}, nil
		},
	})
	if !errors.Is(err, ErrBuild) || !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if n := len(srv.requests()); n >= 50 {
		t.Errorf("kept sending after the build error: %d requests", n)
	}
}

func TestRunLoadCanceled(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 200)
	ctx, cancel := context.WithCancel(context.Background())
	sum, err := RunLoad(ctx, NewClient(1), Load{
		Count: 1000, Concurrency: 1, Build: buildTo(srv.URL),
		OnResult: func(r Result) {
			if r.Index == 9 {
				cancel()
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 10 {
		t.Errorf("sent %d after cancelling at the 10th", sum.Sent)
	}
}

// TestPacer checks the token bucket against a fake clock: deliveries start
// one interval apart, and a late start does not earn a burst.
func TestPacer(t *testing.T) {
	t.Parallel()
	clock := time.Unix(0, 0)
	var waits []time.Duration
	p := &pacer{
		interval: 100 * time.Millisecond,
		now:      func() time.Time { return clock },
		sleep: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			clock = clock.Add(d)
			return nil
		},
	}
	ctx := context.Background()
	for range 3 {
		p.wait(ctx)
	}
	clock = clock.Add(time.Second) // a slow receiver
	p.wait(ctx)
	p.wait(ctx)
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}

func TestRunLoadRateUsesSleep(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 200)
	fs := &fakeSleep{}
	clock := time.Unix(0, 0)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	sum, err := RunLoad(context.Background(), NewClient(2), Load{
		Count: 10, Concurrency: 2, Rate: 50, Build: buildTo(srv.URL),
		Policy: Policy{Sleep: fs.sleep, Now: now},
	})
	if err != nil || sum.Sent != 10 {
		t.Fatalf("sent %d, err %v", sum.Sent, err)
	}
	// The clock stands still, so every start after the first waits a
	// multiple of 20ms.
	if len(fs.waits) != 9 {
		t.Fatalf("paced %d starts, want 9: %v", len(fs.waits), fs.waits)
	}
	for _, w := range fs.waits {
		if w%(20*time.Millisecond) != 0 || w == 0 {
			t.Errorf("wait %v is not a multiple of the 20ms interval", w)
		}
	}
}

func TestPercentiles(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := percentiles(ds)
	want := Percentiles{P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("percentiles = %+v, want %+v", got, want)
	}
	if (percentiles(nil) != Percentiles{}) {
		t.Error("percentiles of nothing are not zero")
	}
	if one := percentiles([]time.Duration{time.Second}); one.P50 != time.Second || one.P99 != time.Second {
		t.Errorf("percentiles of one = %+v", one)
	}
}

// Deliveries cut short by the interrupt are counted apart: they are not
// failures, and the receiver may have got them.
func TestRunLoadCountsInFlightOnCancel(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-r.Context().Done() // never answers
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for range 4 {
			<-arrived
		}
		cancel() // all four workers are waiting for an answer
	}()
	sum, err := RunLoad(ctx, NewClient(4), Load{Count: 100, Concurrency: 4, Build: buildTo(srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 0 || sum.InFlight != 4 || len(sum.Failures) != 0 {
		t.Errorf("sent %d, in flight %d, failures %v; want 0, 4, none", sum.Sent, sum.InFlight, sum.Failures)
	}
}
