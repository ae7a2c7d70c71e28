package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// receiver is an httptest server that records what it gets and answers
// with status(n) for the n-th request (1-based).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	heads  []http.Header
	status func(n int) int
	after  func(body []byte) // runs after the answer, for callbacks
}

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	r := &receiver{status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.heads = append(r.heads, req.Header.Clone())
		n := len(r.bodies)
		r.mu.Unlock()
		code := http.StatusOK
		if r.status != nil {
			code = r.status(n)
		}
		w.WriteHeader(code)
		if r.after != nil {
			w.(http.Flusher).Flush()
			go r.after(b)
		}
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() ([][]byte, []http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.bodies), slices.Clone(r.heads)
}

func runOptions(url string) RunOptions {
	signer, err := signature.NewSigner(signature.Standard, testSecret)
	if err != nil {
		panic(err)
	}
	return RunOptions{
		URL:       url,
		Client:    delivery.NewClient(1),
		Policy:    delivery.Policy{Retries: 0, Timeout: 5 * time.Second},
		Signer:    signer,
		Extra:     []signature.Header{{Name: "X-Test", Value: "1"}},
		UserAgent: "scenario-test",
		Now:       func() time.Time { return testStart },
		Sleep:     func(context.Context, time.Duration) error { return nil },
	}
}

func collect(results *[]Result) func(Result) {
	return func(r Result) { *results = append(*results, r) }
}

func TestRunSendsEveryStepInOrderSigned(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	ds := prepareBundled(t, "permission_assist.lifecycle")
	var results []Result
	sum, err := Run(context.Background(), ds, runOptions(recv.URL), collect(&results))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Passed != 6 || sum.Failed != 0 || sum.Sent != 6 || sum.Skipped != 0 {
		t.Errorf("summary %+v", sum)
	}
	bodies, heads := recv.got()
	if len(bodies) != len(ds) {
		t.Fatalf("receiver got %d deliveries, want %d", len(bodies), len(ds))
	}
	for i, d := range ds {
		if !bytes.Equal(bodies[i], d.Body) || heads[i].Get("webhook-id") != d.ID || heads[i].Get("X-Test") != "1" ||
			heads[i].Get("User-Agent") != "scenario-test" || heads[i].Get("Content-Type") != "application/json" {
			t.Errorf("delivery %d is not step %s as rendered", i+1, d.Step)
		}
		v := signature.Verify(signature.VerifyOptions{Scheme: signature.Standard, Secrets: []string{testSecret}, Now: testStart}, heads[i], bodies[i])
		if !v.Valid {
			t.Errorf("delivery %d: signature does not verify: %s", i+1, v.Reason)
		}
		if r := results[i]; r.Step != d.Step || r.Status != 200 || r.Err != nil || r.Copy != 1 || r.Attempts != 1 {
			t.Errorf("result %d = %+v", i+1, r)
		}
	}
}

func TestRunDuplicateSendsIdenticalBytesAndHeaders(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	ds := prepareBundled(t, "permission_assist.canceled")
	opts := runOptions(recv.URL)
	opts.Duplicate = true
	now := testStart
	opts.Now = func() time.Time { now = now.Add(time.Second); return now } // a fresh signature would differ
	var results []Result
	sum, err := Run(context.Background(), ds, opts, collect(&results))
	if err != nil {
		t.Fatal(err)
	}
	bodies, heads := recv.got()
	if len(bodies) != 4 || sum.Sent != 4 || sum.Passed != 2 {
		t.Fatalf("got %d deliveries, summary %+v; want each of 2 steps twice", len(bodies), sum)
	}
	for i := 0; i < 4; i += 2 {
		if !bytes.Equal(bodies[i], bodies[i+1]) || !reflect.DeepEqual(heads[i], heads[i+1]) {
			t.Errorf("the two copies of step %d differ", i/2+1)
		}
		if !bytes.Equal(bodies[i], ds[i/2].Body) {
			t.Errorf("copy %d is not step %d", i+1, i/2+1)
		}
		if results[i].Copy != 1 || results[i+1].Copy != 2 || results[i].ID != results[i+1].ID {
			t.Errorf("results %+v, %+v", results[i], results[i+1])
		}
	}
	if heads[0].Get("webhook-signature") == heads[2].Get("webhook-signature") {
		t.Error("two different steps carry the same signature")
	}
}

func TestRunShuffleWithSeedIsRepeatable(t *testing.T) {
	t.Parallel()
	ds := prepareBundled(t, "permission_assist.reopened")
	received := func(seed uint64) ([]string, Summary) {
		recv := newReceiver(t, nil)
		opts := runOptions(recv.URL)
		opts.Shuffle, opts.Seed = true, seed
		sum, err := Run(context.Background(), ds, opts, func(Result) {})
		if err != nil {
			t.Fatal(err)
		}
		bodies, _ := recv.got()
		var steps []string
		for _, b := range bodies {
			for _, d := range ds {
				if bytes.Equal(b, d.Body) {
					steps = append(steps, d.Step)
				}
			}
		}
		return steps, sum
	}
	first, sum := received(42)
	again, _ := received(42)
	if !reflect.DeepEqual(first, again) {
		t.Errorf("--seed 42 sent %q, then %q", first, again)
	}
	if !reflect.DeepEqual(first, sum.Order) {
		t.Errorf("the summary's order %q is not the order sent %q", sum.Order, first)
	}
	var want []string
	for _, i := range Order(len(ds), 42) {
		want = append(want, ds[i].Step)
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("sent %q, Order(42) says %q", first, want)
	}
	inOrder := make([]string, len(ds))
	for i, d := range ds {
		inOrder[i] = d.Step
	}
	shuffled := 0
	for seed := range uint64(5) {
		o := Order(len(ds), seed)
		sorted := slices.Sorted(slices.Values(o))
		if !reflect.DeepEqual(sorted, []int{0, 1, 2, 3, 4, 5, 6}) {
			t.Fatalf("Order(7, %d) = %v is not a permutation", seed, o)
		}
		if !slices.IsSorted(o) {
			shuffled++
		}
	}
	if shuffled == 0 {
		t.Error("five seeds all kept the steps in order")
	}
}

func parsePrepare(t *testing.T, yaml string, base string) []Delivery {
	t.Helper()
	sc, err := Parse([]byte(yaml), "t.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs(), CallbackBase: base})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestRunExpectations(t *testing.T) {
	t.Parallel()
	codes := map[int]int{1: 200, 2: 404, 3: 202, 4: 200}
	recv := newReceiver(t, func(n int) int { return codes[n] })
	ds := parsePrepare(t, `steps:
  - name: ok
    fixture: permit.create_user
  - name: gone
    fixture: permit.create_user
    expect: {status: 4xx}
  - name: accepted
    fixture: permit.create_user
    expect: {status: 202}
  - name: not-accepted
    fixture: permit.create_user
    expect: {status: 202}
`, "")
	opts := runOptions(recv.URL)
	opts.KeepGoing = true
	var results []Result
	sum, err := Run(context.Background(), ds, opts, collect(&results))
	if err != nil {
		t.Fatal(err)
	}
	for i, wantErr := range []string{"", "", "", "the receiver answered 200 OK, want 202"} {
		got := ""
		if results[i].Err != nil {
			got = results[i].Err.Error()
		}
		if got != wantErr {
			t.Errorf("step %s: error %q, want %q", results[i].Step, got, wantErr)
		}
	}
	if sum.Passed != 3 || sum.Failed != 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestRunStopsAtTheFirstFailureUnlessKeepGoing(t *testing.T) {
	t.Parallel()
	ds := prepareBundled(t, "permission_assist.lifecycle")
	failSecond := func(n int) int {
		if n == 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	recv := newReceiver(t, failSecond)
	var results []Result
	sum, err := Run(context.Background(), ds, runOptions(recv.URL), collect(&results))
	if err != nil {
		t.Fatal(err)
	}
	bodies, _ := recv.got()
	if len(bodies) != 2 || len(results) != 2 || sum.Failed != 1 || sum.Passed != 1 || sum.Skipped != 4 {
		t.Fatalf("sent %d, results %d, summary %+v; want a stop after step 2", len(bodies), len(results), sum)
	}
	if results[1].Status != 500 || !strings.Contains(results[1].Err.Error(), "500 Internal Server Error, want 2xx") {
		t.Errorf("step 2 result %+v", results[1])
	}

	recv = newReceiver(t, failSecond)
	opts := runOptions(recv.URL)
	opts.KeepGoing = true
	sum, err = Run(context.Background(), ds, opts, func(Result) {})
	if err != nil {
		t.Fatal(err)
	}
	if bodies, _ := recv.got(); len(bodies) != 6 || sum.Failed != 1 || sum.Passed != 5 || sum.Skipped != 0 {
		t.Errorf("--keep-going sent %d, summary %+v", len(bodies), sum)
	}
}

func TestRunNoAnswerFailsTheStep(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	url := recv.URL
	recv.Close()
	ds := prepareBundled(t, "permission_assist.canceled")
	var results []Result
	sum, err := Run(context.Background(), ds, runOptions(url), collect(&results))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].Status != 0 || results[0].Err == nil || sum.Failed != 1 {
		t.Errorf("results %+v, summary %+v", results, sum)
	}
}

func TestRunDelays(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	ds := parsePrepare(t, `steps:
  - name: a
    fixture: permit.create_user
  - name: b
    fixture: permit.create_user
  - name: c
    fixture: permit.create_user
    delay: 5s
  - name: d
    fixture: permit.create_user
`, "")
	opts := runOptions(recv.URL)
	opts.Delay = 2 * time.Second
	var waits []time.Duration
	opts.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	if _, err := Run(context.Background(), ds, opts, func(Result) {}); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{2 * time.Second, 5 * time.Second, 2 * time.Second}; !reflect.DeepEqual(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}

func TestRunWaitsForTheCallback(t *testing.T) {
	t.Parallel()
	cbs := &callback.StandIn{}
	standIn := httptest.NewServer(cbs)
	defer standIn.Close()
	answered := map[string]int{}
	var mu sync.Mutex
	recv := newReceiver(t, nil)
	recv.after = func(body []byte) {
		var p struct {
			Callback string `json:"callback"`
		}
		json.Unmarshal(body, &p)
		mu.Lock()
		answered[p.Callback]++
		n := answered[p.Callback]
		mu.Unlock()
		if n > 1 || strings.Contains(string(body), `"AccessRequestCanceled"`) {
			return // an idempotent receiver answers a duplicate once; this one never answers a cancellation
		}
		if resp, err := http.Post(p.Callback, "text/plain", strings.NewReader("handled")); err == nil {
			resp.Body.Close()
		}
	}
	ds := parsePrepare(t, `steps:
  - name: created
    fixture: permission_assist.access_request_created
    expect: {callback: true}
  - name: canceled
    fixture: permission_assist.access_request_canceled
    expect: {callback: true}
`, standIn.URL+callback.Path)
	opts := runOptions(recv.URL)
	opts.Callbacks, opts.CallbackTimeout, opts.KeepGoing, opts.Duplicate = cbs, 200*time.Millisecond, true, true
	var results []Result
	sum, err := Run(context.Background(), ds, opts, collect(&results))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 {
		t.Fatalf("results %+v", results)
	}
	if r := results[0]; r.Err != nil || r.Callback == nil || *r.Callback != "handled" {
		t.Errorf("created: %+v, want the callback \"handled\"", r)
	}
	if r := results[2]; r.Err == nil || !strings.Contains(r.Err.Error(), "no callback for delivery "+ds[1].ID+" within 200ms") {
		t.Errorf("canceled: %+v, want a missing callback", r)
	}
	if sum.Passed != 1 || sum.Failed != 1 {
		t.Errorf("summary %+v", sum)
	}
}
