package callback

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBaseFor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://127.0.0.1:8080/webhooks?x=1": "http://127.0.0.1:8080/webhooks/callback/",
		"https://app.example.com/a/b/":       "https://app.example.com/webhooks/callback/",
		"http://[::1]:9000":                  "http://[::1]:9000/webhooks/callback/",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		got := BaseFor(u)
		if got != want {
			t.Errorf("BaseFor(%s) = %q, want %q", in, got, want)
		}
		if id, ok := IDFromPath(strings.TrimPrefix(got, u.Scheme+"://"+u.Host)+"d1", "/"); !ok || id != "d1" {
			t.Errorf("the listener does not take %sd1 as a callback URL (%q, %v)", got, id, ok)
		}
	}
}

func TestIDFromPath(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path, base string
		id         string
		ok         bool
	}{
		{"/webhooks/callback/7f1c", "/", "7f1c", true},
		{"/hooks/webhooks/callback/7f1c", "/hooks/", "7f1c", true},
		{"/hooks/webhooks/callback/7f1c", "/", "", false},
		{"/webhooks/callback/", "/", "", false},
		{"/webhooks/callback", "/", "", false},
		{"/webhooks/callback/a/b", "/", "", false},
		{"/webhooks/callbacks/a", "/", "", false},
		{"/elsewhere", "/", "", false},
	}
	for _, c := range cases {
		if id, ok := IDFromPath(c.path, c.base); id != c.id || ok != c.ok {
			t.Errorf("IDFromPath(%q, %q) = %q, %v; want %q, %v", c.path, c.base, id, ok, c.id, c.ok)
		}
	}
}

func TestNearID(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path, base string
		id, exact  string
		ok         bool
	}{
		{"/webhooks/callback/7f1c/", "/", "7f1c", "/webhooks/callback/7f1c", true},
		{"/webhooks//callback/7f1c", "/", "7f1c", "/webhooks/callback/7f1c", true},
		{"//webhooks/callback//7f1c//", "/", "7f1c", "/webhooks/callback/7f1c", true},
		{"/hooks//webhooks/callback/7f1c", "/hooks/", "7f1c", "/hooks/webhooks/callback/7f1c", true},
		{"/webhooks/callback/7f1c", "/", "", "", false}, // the callback URL itself
		{"/webhooks/callback/", "/", "", "", false},
		{"/webhooks/callback//", "/", "", "", false},
		{"/webhooks/callback/a/b/", "/", "", "", false},
		{"/", "/", "", "", false},
	}
	for _, c := range cases {
		id, exact, ok := NearID(c.path, c.base)
		if id != c.id || ok != c.ok || (ok && exact != c.exact) {
			t.Errorf("NearID(%q, %q) = %q, %q, %v; want %q, %q, %v", c.path, c.base, id, exact, ok, c.id, c.exact, c.ok)
		}
	}
}

type post struct {
	method, path, body string
	status             int
	answer             string // a part of the answer's body
}

func TestStandInAnswers(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", MaxIDLen+1)
	cases := []struct {
		name    string
		standIn func() *StandIn
		posts   []post
		got     map[string]int    // id: callbacks Received counts
		first   map[string]string // id: the first callback's body
	}{{
		name:    "first callback 200, reuse 409",
		standIn: func() *StandIn { return &StandIn{} },
		posts: []post{
			{"POST", Path + "abc", "done", 200, "ok"},
			{"POST", Path + "abc", "again", 409, "a callback URL must not be reused"},
			{"POST", Path + "abc", "and again", 409, "already used"},
			{"POST", Path + "def", "other", 200, "ok"},
		},
		got:   map[string]int{"abc": 3, "def": 1, "nope": 0},
		first: map[string]string{"abc": "done", "def": "other"},
	}, {
		name:    "wrong method or path",
		standIn: func() *StandIn { return &StandIn{} },
		posts: []post{
			{"GET", Path + "abc", "", 405, "method GET: callbacks are POSTed"},
			{"PUT", Path + "abc", "done", 405, "callbacks are POSTed"},
			{"POST", "/elsewhere", "x", 404, "not a callback URL"},
			{"POST", Path, "x", 404, "not a callback URL"},
			{"POST", Path + "a/b", "x", 404, "not a callback URL"},
			{"POST", "/hooks" + Path + "abc", "x", 404, "not a callback URL"},
			{"POST", Path + long, "x", 404, "over 256 bytes"},
			{"POST", Path + "abc", "done", 200, "ok"},
		},
		got:   map[string]int{"abc": 1, "a": 0, long: 0},
		first: map[string]string{"abc": "done"},
	}, {
		name: "only expected ids",
		standIn: func() *StandIn {
			s := &StandIn{ExpectedOnly: true}
			s.Expect("sent")
			return s
		},
		posts: []post{
			{"POST", Path + "unknown", "x", 404, "no delivery was sent with this callback URL"},
			{"POST", Path + "sent", "done", 200, "ok"},
			{"POST", Path + "sent", "again", 409, "already used"},
		},
		got:   map[string]int{"sent": 2, "unknown": 0},
		first: map[string]string{"sent": "done"},
	}, {
		name:    "a base the receiver reaches it at: callbacks at its path",
		standIn: func() *StandIn { return &StandIn{Base: "http://host.docker.internal:9999/probe/cb/"} },
		posts: []post{
			{"POST", "/probe/cb/abc", "done", 200, "ok"},
			{"POST", Path + "def", "x", 404, "not a callback URL: POST /probe/cb/{delivery id}"},
			{"POST", "/probe/cb/a/b", "x", 404, "not a callback URL"},
		},
		got:   map[string]int{"abc": 1, "def": 0},
		first: map[string]string{"abc": "done"},
	}, {
		name:    "a base with {id} inside",
		standIn: func() *StandIn { return &StandIn{Base: "https://abc.trycloudflare.com/cb/{id}/reply"} },
		posts: []post{
			{"POST", "/cb/abc/reply", "done", 200, "ok"},
			{"POST", "/cb/def", "x", 404, "not a callback URL: POST /cb/{id}/reply"},
			{"POST", "/cb//reply", "x", 404, "not a callback URL"},
		},
		got:   map[string]int{"abc": 1, "def": 0},
		first: map[string]string{"abc": "done"},
	}, {
		name:    "body over the limit",
		standIn: func() *StandIn { return &StandIn{MaxBody: 4} },
		posts: []post{
			{"POST", Path + "abc", "12345", 413, "callback body over the 4B limit"},
			{"POST", Path + "abc", "1234", 200, "ok"},
		},
		got:   map[string]int{"abc": 1},
		first: map[string]string{"abc": "1234"},
	}, {
		name:    "callbacks kept are capped",
		standIn: func() *StandIn { return &StandIn{MaxKept: 2} },
		posts: []post{
			{"POST", Path + "a", "1", 200, "ok"},
			{"POST", Path + "b", "2", 200, "ok"},
			{"POST", Path + "c", "3", 503, "keeps at most 2 callbacks"},
			{"POST", Path + "a", "again", 409, "already used"},
		},
		got:   map[string]int{"a": 2, "b": 1, "c": 0},
		first: map[string]string{"a": "1", "b": "2"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.standIn()
			srv := httptest.NewServer(s)
			defer srv.Close()
			for _, p := range c.posts {
				status, answer := do(t, p.method, srv.URL+p.path, "text/plain", p.body)
				if status != p.status || !strings.Contains(answer, p.answer) {
					t.Errorf("%s %s: %d %q, want %d with %q", p.method, p.path, status, answer, p.status, p.answer)
				}
			}
			for id, want := range c.got {
				first, n := s.Received(id)
				if n != want {
					t.Errorf("Received(%.10s) n = %d, want %d", id, n, want)
				}
				if n > 0 && (first.Body != c.first[id] || first.ID != id || first.ContentType != "text/plain") {
					t.Errorf("Received(%s) = %+v, want the body %q", id, first, c.first[id])
				}
			}
		})
	}
}

func do(t *testing.T, method, url, ctype, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestStandInRelay(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var relayed []string
	s := &StandIn{Relay: func(_ context.Context, id string, msg []byte) (int, string, error) {
		mu.Lock()
		relayed = append(relayed, id+": "+string(msg))
		mu.Unlock()
		switch id {
		case "refused":
			return http.StatusConflict, "already used", nil
		case "down":
			return 0, "", errors.New("connection refused")
		}
		return http.StatusOK, "logged", nil
	}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	cases := []struct {
		id     string
		status int
		answer string
		taken  bool
	}{
		{"ok", 200, "logged", true},             // the relay's answer
		{"refused", 409, "already used", false}, // the relay's refusal, passed through
		{"down", 502, "could not be passed on: connection refused", false},
		{"ok", 409, "a callback URL must not be reused", true}, // a reuse is not passed on
		{"refused", 409, "already used", false},                // a refused one may come again
	}
	for i, c := range cases {
		status, answer := do(t, "POST", srv.URL+Path+c.id, "text/plain", "done")
		if status != c.status || !strings.Contains(answer, c.answer) {
			t.Errorf("%d: %s answered %d %q, want %d with %q", i, c.id, status, answer, c.status, c.answer)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // only what already came
		if cb, ok := s.Wait(ctx, c.id); ok != c.taken || (ok && cb.Body != "done") {
			t.Errorf("%d: Wait(%s) = %+v, %v; want taken %v", i, c.id, cb, ok, c.taken)
		}
	}
	if want := "ok: done|refused: done|down: done|refused: done"; strings.Join(relayed, "|") != want {
		t.Errorf("relayed %q, want %q", relayed, want)
	}
}

// While the first callback is with the relay, a second one to the same URL
// is refused: the relay sees a callback URL once.
func TestStandInRelayHoldsTheURL(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	var relays atomic.Int32
	s := &StandIn{Relay: func(context.Context, string, []byte) (int, string, error) {
		if relays.Add(1) == 1 {
			close(entered)
			<-release
		}
		return http.StatusOK, "logged", nil
	}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	first := make(chan int)
	go func() {
		resp, err := http.Post(srv.URL+Path+"abc", "text/plain", strings.NewReader("done"))
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-entered
	if status, _ := do(t, "POST", srv.URL+Path+"abc", "text/plain", "again"); status != http.StatusConflict {
		t.Errorf("a second callback while the first is relayed: %d, want 409", status)
	}
	close(release)
	if status := <-first; status != http.StatusOK {
		t.Errorf("the first callback: %d, want 200", status)
	}
	if _, n := s.Received("abc"); n != 1 || relays.Load() != 1 {
		t.Errorf("Received n = %d, relayed %d times; want 1 and 1", n, relays.Load())
	}
}

func TestStandInWait(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &StandIn{Now: func() time.Time { return at }}
	srv := httptest.NewServer(s)
	defer srv.Close()

	// Nothing came: Wait ends with its context.
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if cb, ok := s.Wait(ctx, "abc"); ok {
		t.Fatalf("Wait before any callback = %+v, true", cb)
	}

	// A callback that comes while Wait waits wakes it.
	type result struct {
		cb Callback
		ok bool
	}
	done := make(chan result)
	go func() {
		cb, ok := s.Wait(context.Background(), "abc")
		done <- result{cb, ok}
	}()
	next := s.Next()
	do(t, "POST", srv.URL+Path+"other", "text/plain", "not this one")
	<-next // closed by the callback
	do(t, "POST", srv.URL+Path+"abc", "text/plain; charset=utf-8", "done")
	r := <-done
	if !r.ok || r.cb.Body != "done" || r.cb.ID != "abc" || r.cb.ContentType != "text/plain; charset=utf-8" || !r.cb.At.Equal(at) {
		t.Errorf("Wait = %+v, %v", r.cb, r.ok)
	}

	// A reuse wakes the waiters too (probe waits for a second callback), and
	// Wait still gives the first.
	next = s.Next()
	do(t, "POST", srv.URL+Path+"abc", "text/plain", "again")
	select {
	case <-next:
	default:
		t.Error("a reused callback URL did not close Next")
	}
	if cb, ok := s.Wait(context.Background(), "abc"); !ok || cb.Body != "done" {
		t.Errorf("Wait after a reuse = %+v, %v; want the first", cb, ok)
	}
}

func TestStandInStart(t *testing.T) {
	t.Parallel()
	srv, err := (&StandIn{}).Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || !strings.HasSuffix(srv.URL, Path) {
		t.Fatalf("URL %s", srv.URL)
	}
	if status, _ := do(t, "POST", srv.URL+"abc", "text/plain", "done"); status != 200 {
		t.Errorf("first callback: %d", status)
	}
	if status, _ := do(t, "POST", srv.URL+"abc", "text/plain", "again"); status != 409 {
		t.Errorf("reused callback URL: %d, want 409", status)
	}
	if _, err := (&StandIn{}).Start(strings.TrimPrefix(strings.TrimSuffix(srv.URL, Path), "http://")); err == nil {
		t.Error("a second stand-in on the same address started")
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Post(srv.URL+"def", "text/plain", strings.NewReader("late")); err == nil {
		resp.Body.Close()
		t.Errorf("a callback after Close was answered %d", resp.StatusCode)
	}
}

func TestRelayTo(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
		mu.Unlock()
		io.WriteString(w, "logged")
	}))
	defer target.Close()
	for _, base := range []string{target.URL + Path, target.URL + "/cb/{id}/done"} {
		status, body, err := RelayTo(&Sender{Client: target.Client()}, base)(context.Background(), "7f1c", []byte("done"))
		if err != nil || status != 200 || body != "logged" {
			t.Errorf("%s: relay = %d %q %v", base, status, body, err)
		}
	}
	want := "POST /webhooks/callback/7f1c text/plain; charset=utf-8 done|POST /cb/7f1c/done text/plain; charset=utf-8 done"
	if strings.Join(got, "|") != want {
		t.Errorf("target got %q, want %q", got, want)
	}
}
