package listener_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/respond"
	"github.com/webhook-tool/webhook-tool/internal/route"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// rules reads --respond values (inline rules) as listen does.
func rules(t *testing.T, seed uint64, specs ...string) *respond.Rules {
	t.Helper()
	rs, err := respond.Load(specs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return respond.New(rs, seed)
}

// signedPost sends a signed permit.create_user with id to path over
// client, and returns the answer (its body read), or the error.
func (e *env) signedPost(client *http.Client, path, id string) (*http.Response, string, error) {
	e.t.Helper()
	body := fixture(e.t, "permit.create_user")
	req, err := http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, h := range sign(e.t, signature.Standard, secret, id, clock, body) {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// A rule answers with its status, headers and body, the body's
// placeholders filled in with the delivery's id, event and the seq its
// record has; times lets it answer only the first N it matches, then the
// next rule (or --status) answers. The record names the rule that
// answered, and pretty output shows it.
func TestRulesAnswerAndTimes(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) {
		c.Rules = rules(t, 1, `status=503 times=2 headers.Retry-After=7 body='busy #${delivery.seq} ${delivery.id}'`,
			`name=fallback path=/other status=202`)
	})
	var got []string
	for i := range 3 {
		resp, body, err := e.signedPost(e.client, "/", fmt.Sprintf("msg_r%d", i))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body, resp.Header.Get("Content-Type")))
	}
	resp, _, err := e.signedPost(e.client, "/other", "msg_r3")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, fmt.Sprint(resp.StatusCode))
	want := []string{
		`503 7 "busy #1 msg_r0" text/plain; charset=utf-8`,
		`503 7 "busy #2 msg_r1" text/plain; charset=utf-8`,
		`200  "" `,
		`202`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	out := e.out.String()
	recs := e.records()
	for i, want := range []any{1.0, 1.0, nil, "fallback"} {
		if recs[i]["rule"] != want {
			t.Errorf("record %d: rule %v, want %v", i+1, recs[i]["rule"], want)
		}
	}
	if dig(recs[0], "status") != 503.0 || dig(recs[2], "status") != 200.0 {
		t.Errorf("statuses %v, %v", dig(recs[0], "status"), dig(recs[2], "status"))
	}
	if strings.Count(out, "\n  rule: 1\n") != 2 || strings.Count(out, "\n  rule: fallback\n") != 1 {
		t.Errorf("pretty output:\n%s", out)
	}
}

// rateRun sends n deliveries to a listener with a rate rule and seed, and
// returns which were answered by the rule.
func rateRun(t *testing.T, seed uint64, n int) string {
	e := start(t, func(c *listener.Config) { c.Rules = rules(t, seed, "status=429 rate=0.5"); c.Output = listener.Quiet })
	var b strings.Builder
	for i := range n {
		resp, _, err := e.signedPost(e.client, "/", fmt.Sprintf("msg_%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == 429 {
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// rate answers a share of the deliveries, the same ones again with the
// same --seed, and others with another.
func TestRulesRateWithSeed(t *testing.T) {
	t.Parallel()
	const n = 60
	a, b, c := rateRun(t, 7, n), rateRun(t, 7, n), rateRun(t, 8, n)
	if a != b {
		t.Errorf("seed 7 twice:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 picked alike: %s", a)
	}
	if k := strings.Count(a, "x"); k < n/5 || k > n*4/5 {
		t.Errorf("rate 0.5 answered %d of %d: %s", k, n, a)
	}
}

// close drops the connection: a real client sees it end without an
// answer, and the record has the delivery, status 0, and the rule.
func TestRulesClose(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Rules = rules(t, 1, "close") })
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	_, _, err := e.signedPost(client, "/", "msg_close")
	if err == nil || strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("the client got %v, want the connection closed", err)
	}
	recs := e.records()
	if len(recs) != 1 || recs[0]["status"] != 0.0 || recs[0]["rule"] != 1.0 {
		t.Fatalf("records %v", recs)
	}
	if !strings.Contains(e.out.String(), "  rule: 1, no answer: the connection was dropped\n") {
		t.Errorf("pretty output:\n%s", e.out.String())
	}
}

// hang holds the connection until the client gives up: a client with a
// timeout times out, and the handler lets go then (the listener stops at
// once after it, its record written with status 0).
func TestRulesHangUntilTheClientGivesUp(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Rules = rules(t, 1, "path=/slow hang") })
	client := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	_, _, err := e.signedPost(client, "/slow", "msg_hang")
	if err == nil || !strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("the client got %v, want its timeout", err)
	}
	recs := e.records()
	if len(recs) != 1 || recs[0]["status"] != 0.0 || recs[0]["rule"] != 1.0 {
		t.Fatalf("records %v", recs)
	}
}

// A hang lets go when listen stops (Ctrl-C), rather than holding the
// drain for respond.MaxHold; the delivery was recorded before it.
func TestRulesHangEndsAtShutdown(t *testing.T) {
	t.Parallel()
	recorded := make(chan struct{}, 1)
	e := start(t, func(c *listener.Config) {
		c.Rules = rules(t, 1, "hang")
		c.Observe = func(*record.Record, string) { recorded <- struct{}{} }
	})
	errc := make(chan error, 1)
	go func() {
		_, _, err := e.signedPost(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, "/", "msg_hang")
		errc <- err
	}()
	<-recorded
	start := time.Now()
	e.stop()
	if err := <-errc; err == nil {
		t.Error("the hanging request got an answer")
	}
	if d := time.Since(start); d > respond.MaxHold/2 {
		t.Errorf("stopping took %s: the hang held the drain", d)
	}
}

// Under --secret a bad signature is answered 401 before any rule, unless
// a rule matches bad signatures on purpose; then it answers.
func TestRulesBadSignature(t *testing.T) {
	t.Parallel()
	badSig := func(e *env) int {
		body := fixture(t, "permit.create_user")
		status, _ := e.post("/", body, sign(t, signature.Standard, "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ==", "msg_bad", clock, body)...)
		return status
	}
	plain := start(t, func(c *listener.Config) { c.Rules = rules(t, 1, "status=202") })
	onPurpose := start(t, func(c *listener.Config) { c.Rules = rules(t, 1, "status=202", "signature=invalid status=403") })
	if got := badSig(plain); got != 401 {
		t.Errorf("a bad signature with a rule for all: %d, want 401", got)
	}
	if got := badSig(onPurpose); got != 403 {
		t.Errorf("a bad signature with a rule for it: %d, want 403", got)
	}
	if r := plain.records(); r[0]["rule"] != nil {
		t.Errorf("the 401 names rule %v", r[0]["rule"])
	}
	if r := onPurpose.records(); r[0]["rule"] != 2.0 {
		t.Errorf("the 403 names rule %v, want 2", r[0]["rule"])
	}
}

// A rule with a delay answers after it, with what the delivery would get
// without rules when the rule says nothing more.
func TestRulesDelayOnly(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Rules = rules(t, 1, "delay=20ms"); c.Status = 204 })
	resp, _, err := e.signedPost(e.client, "/", "msg_delay")
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("%v %v", resp, err)
	}
	if r := e.records(); r[0]["rule"] != 1.0 || r[0]["status"] != 204.0 {
		t.Errorf("record %v", r[0])
	}
}

// --events: a delivery outside the list is answered (rules included) and
// recorded, but not printed, nor forwarded; the count says how many.
func TestEventsFilter(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		hits.Add(1)
	}))
	defer app.Close()
	ev, err := route.ParseEvents([]string{"AccessRequest*"})
	if err != nil {
		t.Fatal(err)
	}
	e := start(t, func(c *listener.Config) {
		c.Events, c.ForwardTo = ev, app.URL
		c.Rules = rules(t, 1, "event=create_user status=202")
	})
	resp, _, err := e.signedPost(e.client, "/", "msg_permit")
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("the filtered delivery: %v %v", resp, err)
	}
	pa := fixture(t, "permission_assist.access_request_created")
	if status, _ := e.post("/", pa, sign(t, signature.Standard, secret, "msg_pa", clock, pa)...); status != 200 {
		t.Fatalf("the delivery in the list: %d", status)
	}
	if st := e.l.Stats(); st.Filtered != 1 || st.Deliveries != 2 {
		t.Errorf("stats %+v", st)
	}
	out := e.out.String()
	recs := e.records()
	if len(recs) != 2 || recs[0]["rule"] != 1.0 || recs[0]["forward"] != nil || recs[1]["forward"] == nil {
		t.Errorf("records %v", recs)
	}
	if hits.Load() != 1 || strings.Contains(out, "#1 ") || !strings.Contains(out, "#2 ") {
		t.Errorf("the app got %d; output:\n%s", hits.Load(), out)
	}
}
