package listener_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/route"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// targets reads --forward-to values as listen does.
func targets(t *testing.T, specs ...string) []route.Target {
	t.Helper()
	var out []route.Target
	for _, s := range specs {
		tg, err := route.ParseTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tg)
	}
	return out
}

// seen collects what an app got.
type seen struct {
	mu   sync.Mutex
	reqs []string // method, path, body and the delivery's headers
}

func (s *seen) add(r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r.Method+" "+r.URL.Path+" "+r.Header.Get("Webhook-Id")+" "+r.Header.Get("Webhook-Signature")+" "+string(b))
}

func (s *seen) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

// Every target gets the delivery at once, unchanged: the slow one, listed
// first, answers only once the other has the delivery, so forwarding one
// after the other would never get it to answer. The sender gets the first
// target's answer; the record has each one's, the first in forward, the
// other in forwards.
func TestRoutesFanOut(t *testing.T) {
	t.Parallel()
	fastGot := make(chan struct{})
	var slowSaw, fastSaw seen
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slowSaw.add(r)
		select {
		case <-fastGot:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("X-App", "slow")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "queued")
	}))
	defer slow.Close()
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fastSaw.add(r)
		close(fastGot)
		io.WriteString(w, "fast")
	}))
	defer fast.Close()
	e := start(t, func(c *listener.Config) {
		c.Targets = targets(t, slow.URL+"/slow", fast.URL+"/fast")
		c.ForwardTimeout = 30 * time.Second
	})
	resp, body, err := e.signedPost(e.client, "/", "msg_fan")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 202 || body != "queued" || resp.Header.Get("X-App") != "slow" {
		t.Errorf("the sender got %d %q %v, want the first target's answer", resp.StatusCode, body, resp.Header)
	}
	s, f := slowSaw.got(), fastSaw.got()
	if len(s) != 1 || len(f) != 1 || strings.TrimPrefix(s[0], "POST /slow ") != strings.TrimPrefix(f[0], "POST /fast ") ||
		!strings.Contains(s[0], " msg_fan v1,") || !strings.Contains(s[0], `"type": "create_user"`) {
		t.Errorf("the apps got\n%q\n%q", s, f)
	}
	rec := e.records()[0]
	if dig(rec, "forward.url") != slow.URL+"/slow" || dig(rec, "forward.status") != 202.0 || dig(rec, "forward.body") != "queued" {
		t.Errorf("forward %v", rec["forward"])
	}
	fws, _ := rec["forwards"].([]any)
	if len(fws) != 1 || dig(fws[0].(map[string]any), "url") != fast.URL+"/fast" || dig(fws[0].(map[string]any), "status") != 200.0 {
		t.Errorf("forwards %v", rec["forwards"])
	}
	if st := e.l.Stats(); st.Forwarded != 2 || st.ForwardFailures != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A first target that cannot be reached gets the sender a 502; one that
// does not answer within --forward-timeout is cut off there and recorded
// with why; a good one among them is recorded as such. The delivery is
// answered once --forward-timeout has passed, not when the slow app
// would have answered.
func TestRoutesSlowAndFailing(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	release := make(chan struct{})
	defer close(release)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	var okSaw seen
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { okSaw.add(r) }))
	defer ok.Close()
	e := start(t, func(c *listener.Config) {
		c.Targets = targets(t, deadURL, slow.URL, ok.URL)
		c.ForwardTimeout = 200 * time.Millisecond
	})
	resp, body, err := e.signedPost(e.client, "/", "msg_bad_apps")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "could not reach --forward-to "+deadURL) {
		t.Errorf("the sender got %d %q", resp.StatusCode, body)
	}
	rec := e.records()[0]
	fws, _ := rec["forwards"].([]any)
	if len(fws) != 2 {
		t.Fatalf("forwards %v", rec["forwards"])
	}
	sl, good := fws[0].(map[string]any), fws[1].(map[string]any)
	if e, _ := dig(rec, "forward.error").(string); !strings.Contains(e, "connection refused") || rec["status"] != 502.0 {
		t.Errorf("the first target: %v, status %v", rec["forward"], rec["status"])
	}
	if sl["error"] != "no answer within 200ms (--forward-timeout)" || sl["status"] != nil {
		t.Errorf("the slow target: %v", sl)
	}
	if good["status"] != 200.0 || good["error"] != nil || len(okSaw.got()) != 1 {
		t.Errorf("the good target: %v", good)
	}
	if st := e.l.Stats(); st.Forwarded != 3 || st.ForwardFailures != 2 {
		t.Errorf("stats %+v", st)
	}
}

// Filters: a target takes only the deliveries whose event, schema and path
// match its globs; one that matches no target gets --status.
func TestRoutesFilters(t *testing.T) {
	t.Parallel()
	var paSaw, permitSaw seen
	pa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { paSaw.add(r) }))
	defer pa.Close()
	permit := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		permitSaw.add(r)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer permit.Close()
	e := start(t, func(c *listener.Config) {
		c.Targets = targets(t, pa.URL+"/pa event=AccessRequest*", permit.URL+" schema='permit.*' path=/permit/**")
		c.Status = 204
	})
	post := func(path, fx, id string) int {
		body := fixture(t, fx)
		status, _ := e.post(path, body, sign(t, signature.Standard, secret, id, clock, body)...)
		return status
	}
	got := []int{
		post("/", "permission_assist.access_request_created", "msg_1"),
		post("/permit/users", "permit.create_user", "msg_2"),
		post("/", "permit.create_user", "msg_3"), // not under /permit/: no target
	}
	if got[0] != 200 || got[1] != 202 || got[2] != 204 {
		t.Errorf("statuses %v", got)
	}
	p, q := paSaw.got(), permitSaw.got()
	if len(p) != 1 || !strings.HasPrefix(p[0], "POST /pa msg_1 ") || len(q) != 1 || !strings.HasPrefix(q[0], "POST /permit/users msg_2 ") {
		t.Errorf("the apps got\n%q\n%q", p, q)
	}
	recs := e.records()
	if recs[2]["forward"] != nil || recs[0]["forwards"] != nil {
		t.Errorf("records %v", recs)
	}
}

// A rule's forward URLs get the delivery (first), and the --forward-to
// targets it matches too; a rule that answers keeps its answer, one that
// does not lets the first target's answer through. A bad signature goes to
// no --forward-to target, only to the forward of a rule that matches it on
// purpose, and still gets its 401.
func TestRoutesRuleForward(t *testing.T) {
	t.Parallel()
	var ruleSaw, allSaw seen
	ruleApp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ruleSaw.add(r)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer ruleApp.Close()
	all := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { allSaw.add(r) }))
	defer all.Close()
	e := start(t, func(c *listener.Config) {
		c.Targets = targets(t, all.URL)
		c.Rules = rules(t, 1, "path=/answered status=202 forward="+ruleApp.URL+"/r",
			"path=/passed forward="+ruleApp.URL+"/r",
			"signature=invalid forward="+ruleApp.URL+"/bad")
	})
	for _, tc := range []struct {
		path string
		want int
	}{{"/answered", 202}, {"/passed", 418}} {
		resp, _, err := e.signedPost(e.client, tc.path, "msg"+tc.path)
		if err != nil || resp.StatusCode != tc.want {
			t.Errorf("%s: %v %v, want %d", tc.path, resp, err, tc.want)
		}
	}
	body := fixture(t, "permit.create_user")
	if status, _ := e.post("/", body, sign(t, signature.Standard, "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ==", "msg_bad", clock, body)...); status != 401 {
		t.Errorf("a bad signature: %d", status)
	}
	r, a := ruleSaw.got(), allSaw.got()
	if len(r) != 3 || len(a) != 2 || !strings.HasPrefix(r[2], "POST /bad msg_bad ") {
		t.Errorf("the rule's app got %q; the --forward-to app %q", r, a)
	}
	recs := e.records()
	// The path below --path is kept, as for --forward-to.
	for i, want := range []string{ruleApp.URL + "/r/answered", ruleApp.URL + "/r/passed", ruleApp.URL + "/bad"} {
		if dig(recs[i], "forward.url") != want {
			t.Errorf("record %d: forward %v, want %s", i+1, recs[i]["forward"], want)
		}
	}
	if recs[2]["forwards"] != nil || recs[2]["status"] != 401.0 || recs[2]["rule"] != 3.0 {
		t.Errorf("the bad signature's record: %v", recs[2])
	}
}
