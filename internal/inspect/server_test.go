package inspect_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// fakeReplayer notes what the server asked it to replay.
type fakeReplayer struct {
	mu   sync.Mutex
	to   []string
	body []string
}

func (f *fakeReplayer) Replay(_ context.Context, rec *record.Record, to string) (inspect.Outcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rec.Kind == record.KindCallback {
		return inspect.Outcome{}, fmt.Errorf("cannot replay #%d: a callback, not a delivery", rec.Seq)
	}
	b, _ := rec.RawBody()
	f.to, f.body = append(f.to, to), append(f.body, string(b))
	return inspect.Outcome{Seq: rec.Seq, URL: to, Status: 200, OK: true}, nil
}

type apiEnv struct {
	t     *testing.T
	rc    *recorder
	store *inspect.Store
	srv   *httptest.Server
	rep   *fakeReplayer
}

// stream opens the event stream with filter q, checks that it is one and
// reads its opening comment; it is closed when the test ends.
func (e *apiEnv) stream(t *testing.T, q string) *bufio.Reader {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/stream?q="+url.QueryEscape(q), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	br := bufio.NewReader(resp.Body)
	if line, _ := br.ReadString('\n'); !strings.HasPrefix(line, ":") {
		t.Fatalf("first line %q", line) // the comment that says the stream is open
	}
	return br
}

func newAPI(t *testing.T, n int, cfg inspect.Config) *apiEnv {
	t.Helper()
	rc := newRecorder(t, record.Options{})
	for i := 1; i <= n; i++ {
		action := ""
		if i%3 == 0 {
			action = "Delete"
		}
		rc.send("/", guid(i), paBody(t, guid(i), action), true)
	}
	s := openStore(t, rc.path)
	rep := &fakeReplayer{}
	cfg.Store, cfg.Replayer = s, rep
	srv := httptest.NewServer(inspect.NewServer(cfg))
	t.Cleanup(srv.Close)
	return &apiEnv{t: t, rc: rc, store: s, srv: srv, rep: rep}
}

// do sends a request and returns status and body; hdr are name, value pairs.
func (e *apiEnv) do(method, path, body string, hdr ...string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *apiEnv) page(path string) inspect.Page {
	e.t.Helper()
	code, body := e.do("GET", path, "")
	if code != 200 {
		e.t.Fatalf("GET %s: %d %s", path, code, body)
	}
	var p inspect.Page
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func TestAPIPagingAndSearch(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 9, inspect.Config{})
	p := e.page("/api/deliveries?limit=4")
	if got := fmt.Sprint(seqs(p)); got != "[9 8 7 6]" || p.Next == nil || *p.Next != 6 {
		t.Fatalf("page 1: %s next %v", got, p.Next)
	}
	p = e.page(fmt.Sprintf("/api/deliveries?limit=4&before=%d", *p.Next))
	if got := fmt.Sprint(seqs(p)); got != "[5 4 3 2]" {
		t.Fatalf("page 2: %s", got)
	}
	p = e.page(fmt.Sprintf("/api/deliveries?limit=4&before=%d", *p.Next))
	if got := fmt.Sprint(seqs(p)); got != "[1]" || p.Next != nil {
		t.Fatalf("page 3: %s next %v", got, p.Next)
	}
	if got := fmt.Sprint(seqs(e.page("/api/deliveries?q=is:invalid"))); got != "[9 6 3]" {
		t.Fatalf("q=is:invalid: %s", got)
	}
	if got := fmt.Sprint(seqs(e.page("/api/deliveries?q=" + guid(4)))); got != "[4]" {
		t.Fatalf("q=id: %s", got)
	}
	// The fields the issue names are all there, null where nothing was checked.
	_, body := e.do("GET", "/api/deliveries?limit=1", "")
	for _, k := range []string{"seq", "received_at", "method", "path", "kind", "schema", "event", "delivery_id",
		"signature_valid", "schema_valid", "status", "duplicate"} {
		if !strings.Contains(body, `"`+k+`":`) {
			t.Errorf("no %q in %s", k, body)
		}
	}
	for _, bad := range []string{"limit=0", "limit=x", "before=-1", "before=y"} {
		if code, _ := e.do("GET", "/api/deliveries?"+bad, ""); code != 400 {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}

func TestAPIDetail(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 3, inspect.Config{})
	e.rc.callback(guid(3), "Provisioned.")
	if err := e.store.Refresh(); err != nil {
		t.Fatal(err)
	}
	code, body := e.do("GET", "/api/deliveries/3", "")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var d struct {
		Seq    int64  `json:"seq"`
		Body   string `json:"body"`
		Schema struct {
			Errors []struct{ InstanceLocation string }
		}
		Callbacks []struct{ Body string }
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	if d.Seq != 3 || len(d.Schema.Errors) != 1 || d.Schema.Errors[0].InstanceLocation != "/event/request/action" ||
		len(d.Callbacks) != 1 || d.Callbacks[0].Body != "Provisioned." {
		t.Fatalf("detail %s", body)
	}
	if code, _ := e.do("GET", "/api/deliveries/42", ""); code != 404 {
		t.Fatalf("missing record: %d", code)
	}
	if code, _ := e.do("GET", "/api/deliveries/x", ""); code != 400 {
		t.Fatalf("bad seq: %d", code)
	}
}

// readEvent reads the next "data:" line of a stream.
func readEvent(t *testing.T, br *bufio.Reader) inspect.Summary {
	t.Helper()
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var s inspect.Summary
			if err := json.Unmarshal([]byte(data), &s); err != nil {
				t.Fatalf("data line %q: %v", data, err)
			}
			return s
		}
	}
}

func TestAPIStream(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 1, inspect.Config{})
	all, invalid := e.stream(t, ""), e.stream(t, "is:invalid")
	e.rc.send("/", guid(2), paBody(t, guid(2), ""), true)
	e.rc.send("/", guid(3), paBody(t, guid(3), "Delete"), true)
	if err := e.store.Refresh(); err != nil {
		t.Fatal(err)
	}
	if s := readEvent(t, all); s.Seq != 2 || s.DeliveryID != guid(2) {
		t.Fatalf("first event %+v", s)
	}
	if s := readEvent(t, all); s.Seq != 3 {
		t.Fatalf("second event %+v", s)
	}
	if s := readEvent(t, invalid); s.Seq != 3 || *s.SchemaValid {
		t.Fatalf("filtered stream got %+v", s)
	}
	// A callback streams itself and its delivery, whose count changed.
	e.rc.callback(guid(3), "done")
	e.store.Refresh()
	if s := readEvent(t, all); s.Seq != 4 || s.Kind != "callback" {
		t.Fatalf("callback event %+v", s)
	}
	if s := readEvent(t, all); s.Seq != 3 || s.Callbacks != 1 {
		t.Fatalf("updated delivery %+v", s)
	}
}

func TestAPIReplay(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 2, inspect.Config{ReplayTo: "http://127.0.0.1:9/app"})
	js := "Content-Type"
	code, body := e.do("POST", "/api/deliveries/2/replay", `{}`, js, "application/json")
	if code != 200 || !strings.Contains(body, `"ok":true`) {
		t.Fatalf("replay: %d %s", code, body)
	}
	code, _ = e.do("POST", "/api/deliveries/1/replay", `{"to":"http://127.0.0.1:9/other","body":"{\"edited\":true}"}`, js, "application/json")
	if code != 200 {
		t.Fatalf("edit and send: %d", code)
	}
	if fmt.Sprint(e.rep.to) != "[http://127.0.0.1:9/app http://127.0.0.1:9/other]" || !strings.Contains(e.rep.body[0], "AccessRequestCreated") || e.rep.body[1] != `{"edited":true}` {
		t.Fatalf("replayed to %v bodies %.40q", e.rep.to, e.rep.body)
	}
	for _, tc := range []struct {
		path, body string
		want       int
	}{
		{"/api/deliveries/42/replay", `{}`, 404},
		{"/api/deliveries/1/replay", `not json`, 400},
	} {
		if code, body := e.do("POST", tc.path, tc.body, js, "application/json"); code != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.path, tc.body, code, body, tc.want)
		}
	}
	e.rc.callback(guid(1), "x")
	e.store.Refresh()
	if code, body := e.do("POST", "/api/deliveries/3/replay", `{}`, js, "application/json"); code != 422 || !strings.Contains(body, "a callback") {
		t.Errorf("replaying a callback: %d %s", code, body)
	}

	none := newAPI(t, 1, inspect.Config{})
	if code, body := none.do("POST", "/api/deliveries/1/replay", `{}`, js, "application/json"); code != 400 || !strings.Contains(body, "no URL") {
		t.Errorf("no target: %d %s", code, body)
	}
}

func TestRefusesForeignOriginsAndHosts(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 1, inspect.Config{ReplayTo: "http://127.0.0.1:9/", Host: "devbox.internal"})
	host := strings.TrimPrefix(e.srv.URL, "http://")
	_, port, _ := strings.Cut(host, ":")
	js := "application/json"
	for _, tc := range []struct {
		name string
		hdr  []string
		want int
	}{
		{"own page", []string{"Content-Type", js, "Origin", e.srv.URL, "Sec-Fetch-Site", "same-origin"}, 200},
		{"no origin (a script)", []string{"Content-Type", js}, 200},
		{"foreign origin", []string{"Content-Type", js, "Origin", "http://evil.example"}, 403},
		{"same host, other port", []string{"Content-Type", js, "Origin", "http://127.0.0.1:1"}, 403},
		{"null origin", []string{"Content-Type", js, "Origin", "null"}, 403},
		{"cross-site fetch", []string{"Content-Type", js, "Sec-Fetch-Site", "cross-site"}, 403},
		{"a form post", []string{"Content-Type", "application/x-www-form-urlencoded"}, 403},
		{"rebound name", []string{"Content-Type", js, "Host", "evil.example:" + port}, 403},
	} {
		code, body := e.do("POST", "/api/deliveries/1/replay", `{}`, tc.hdr...)
		if code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, code, body, tc.want)
		}
	}
	for _, h := range []string{"evil.example", "evil.example:" + port, "127.0.0.1.nip.io:" + port} {
		if code, _ := e.do("GET", "/api/deliveries", "", "Host", h); code != 403 {
			t.Errorf("GET with Host %q: %d, want 403", h, code)
		}
	}
	for _, h := range []string{host, "localhost:" + port, "[::1]:" + port, "app.localhost:" + port, "devbox.internal:" + port} {
		if code, _ := e.do("GET", "/api/deliveries", "", "Host", h); code != 200 {
			t.Errorf("GET with Host %q: %d, want 200", h, code)
		}
	}
}

// No answer of the inspector carries a secret: not the one it re-signs
// with, nor its key, nor a bearer token, even from a record file written
// by something that did not mask them.
func TestNoSecretInAnyAnswer(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 1, inspect.Config{ReplayTo: "http://127.0.0.1:9/", Secrets: []string{secret}})
	key := strings.TrimPrefix(secret, "whsec_")
	e.rc.appendLine(`{"seq":2,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/x/` + secret + `","headers":{"Authorization":"Bearer tok-123456","X-Key":"` + key + `"},"body":"{\"token\":\"` + secret + `\"}","signature":{"scheme":"standard","valid":false,"reason":"no match for ` + secret + `"},"schema":{"name":"","valid":false,"errors":[]},"status":401,"error":"` + secret + `"}` + "\n")
	e.rc.callback(guid(1), "the secret is "+secret)
	e.rc.appendLine(`{"seq":8,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/x/` + secret + `","headers":{"Authorization":"Bearer tok-123456","X-Key":"` + key + `"},"body":"{\"token\":\"` + secret + `\"}","signature":{"scheme":"standard","valid":false,"reason":"x"},"status":401}` + "\n")
	e.store.Refresh()
	br := e.stream(t, "")
	e.rc.appendLine(`{"seq":9,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/` + secret + `","headers":{},"body":"","status":200,"delivery_id":"` + secret + `"}` + "\n")
	e.store.Refresh()
	var streamed strings.Builder
	for !strings.Contains(streamed.String(), "data:") {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		streamed.WriteString(line)
	}
	answers := map[string]string{"stream": streamed.String()}
	for _, p := range []string{"/", "/app.js", "/api/info", "/api/deliveries", "/api/deliveries?q=x", "/api/deliveries/1", "/api/deliveries/2", "/api/deliveries/9", "/api/deliveries/2/curl", "/api/deliveries/8/curl"} {
		code, body := e.do("GET", p, "")
		if code != 200 {
			t.Fatalf("GET %s: %d %s", p, code, body)
		}
		answers[p] = body
	}
	_, answers["replay"] = e.do("POST", "/api/deliveries/2/replay", `{}`, "Content-Type", "application/json")
	for name, body := range answers {
		for _, s := range []string{secret, key, "tok-123456"} {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %q:\n%s", name, s, body)
			}
		}
	}
	if c := answers["/api/deliveries/8/curl"]; !strings.Contains(c, "header Authorization: masked") {
		t.Errorf("the curl command does not say the masked header is left out: %s", c)
	}
	if !strings.Contains(answers["/api/deliveries/2"], "****") {
		t.Errorf("the masked record shows no mask: %s", answers["/api/deliveries/2"])
	}
}

// twoPorts binds two consecutive free ports on 127.0.0.1.
func twoPorts(t *testing.T) (int, net.Listener, net.Listener) {
	t.Helper()
	for range 50 {
		a, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := a.Addr().(*net.TCPAddr).Port
		b, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+1))
		if err == nil {
			return p, a, b
		}
		a.Close()
	}
	t.Fatal("found no two consecutive free ports")
	return 0, nil, nil
}

func TestListenFallsBackToTheNextPort(t *testing.T) {
	t.Parallel()
	p, a, b := twoPorts(t)
	b.Close() // p taken, p+1 free
	defer a.Close()
	addr := fmt.Sprintf("127.0.0.1:%d", p)
	if _, err := inspect.Listen(addr, 1); err == nil {
		t.Fatal("bound a port in use")
	}
	ln, err := inspect.Listen(addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if got := ln.Addr().(*net.TCPAddr).Port; got != p+1 {
		t.Fatalf("fell back from %d to %d", p, got)
	}
}

func TestListenNoFreePort(t *testing.T) {
	t.Parallel()
	p, a, b := twoPorts(t)
	defer a.Close()
	defer b.Close()
	_, err := inspect.Listen(fmt.Sprintf("127.0.0.1:%d", p), 2)
	if !errors.Is(err, inspect.ErrNoFreePort) {
		t.Fatalf("err %v, want ErrNoFreePort", err)
	}
	if inspect.Loopback("0.0.0.0:4040") || !inspect.Loopback("127.0.0.1:4040") || !inspect.Loopback("[::1]:1") || !inspect.Loopback("localhost:1") {
		t.Fatal("Loopback is wrong")
	}
}

// A password in listen's --forward-to is the app's: it goes there, and is
// shown nowhere.
func TestReplayTargetPasswordNotShown(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 1, inspect.Config{ReplayTo: "http://user:hunter2-secret@127.0.0.1:9/app"})
	_, info := e.do("GET", "/api/info", "")
	_, out := e.do("POST", "/api/deliveries/1/replay", `{}`, "Content-Type", "application/json")
	for _, body := range []string{info, out} {
		if strings.Contains(body, "hunter2-secret") || !strings.Contains(body, "user:xxxxx@127.0.0.1:9/app") {
			t.Errorf("answer %s", body)
		}
	}
	if fmt.Sprint(e.rep.to) != "[http://user:hunter2-secret@127.0.0.1:9/app]" {
		t.Errorf("replayed to %v", e.rep.to)
	}
}

// Copy as curl's command comes from the server: the record's method, path
// and query, headers and body, each quoted, sent below the URL typed or
// else below listen's own.
func TestAPICurl(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 1, inspect.Config{Listener: "http://127.0.0.1:8080/", ReplayTo: "http://u:pw@127.0.0.1:3000/"})
	e.rc.appendLine(`{"seq":2,"received_at":"2026-11-30T12:00:09Z","method":"X&touch$IFS'PWNED'&","path":"/hooks","query":"tenant=acme","headers":{"Content-Type":"text/plain","Content-Length":"14"},"body":"@/etc/hostname","status":405}` + "\n")
	e.rc.appendLine(`{"seq":3,"kind":"exec","delivery_seq":1}` + "\n")
	e.store.Refresh()
	for _, tc := range []struct{ to, url string }{
		{"", "http://127.0.0.1:8080/hooks?tenant=acme"},
		{"http://127.0.0.1:3000/app?v=2", "http://127.0.0.1:3000/app/hooks?v=2&tenant=acme"},
	} {
		code, body := e.do("GET", "/api/deliveries/2/curl?to="+url.QueryEscape(tc.to), "")
		var a struct {
			Command string   `json:"command"`
			Argv    []string `json:"argv"`
		}
		if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil {
			t.Fatalf("%d %s", code, body)
		}
		want := []string{"curl", "--globoff", "-X", "X&touch$IFS'PWNED'&", "--url", tc.url, "-H", "Content-Type: text/plain", "--data-binary", "@-"}
		if !slices.Equal(a.Argv, want) {
			t.Errorf("argv %q, want %q", a.Argv, want)
		}
		if !strings.HasPrefix(a.Command, "printf '@/etc/hostname' | curl --globoff -X 'X&touch$IFS'\\''PWNED'\\''&' --url '"+tc.url+"'") {
			t.Errorf("command:\n%s", a.Command)
		}
	}

	// The method as a client sends it to listen, which records it (405).
	req := httptest.NewRequest(`X&touch$IFS'PWNED'&`, "/p?tenant=acme", strings.NewReader("@/etc/hostname"))
	e.rc.h.ServeHTTP(httptest.NewRecorder(), req)
	e.store.Refresh()
	p := e.page("/api/deliveries?q=status:405&limit=1")
	if len(p.Deliveries) != 1 || p.Deliveries[0].Method != `X&touch$IFS'PWNED'&` {
		t.Fatalf("listen did not record the method: %+v", p.Deliveries)
	}
	code, body := e.do("GET", fmt.Sprintf("/api/deliveries/%d/curl", p.Deliveries[0].Seq), "")
	if code != 200 || !strings.Contains(body, `"argv":["curl","--globoff","-X","X\u0026touch$IFS'PWNED'\u0026","--url","http://127.0.0.1:8080/p?tenant=acme"`) {
		t.Errorf("the curl command for what listen recorded: %d %s", code, body)
	}
	for path, want := range map[string]int{"/api/deliveries/99/curl": 404, "/api/deliveries/3/curl": 422, "/api/deliveries/x/curl": 400} {
		if code, body := e.do("GET", path, ""); code != want {
			t.Errorf("GET %s: %d %s, want %d", path, code, body, want)
		}
	}
}

// The Diff and the pretty body come from the server, read without loss:
// numbers past 2^53, 1e400, repeated and "__proto__" keys stay as written.
func TestAPIDiffAndPrettyKeepNumbersAndKeys(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 0, inspect.Config{})
	for i, body := range []string{
		`{\"id\":9007199254740993,\"big\":1e400,\"dup\":1,\"dup\":2}`,
		`{\"id\":9007199254740992,\"big\":1e400,\"dup\":1,\"dup\":2}`,
		`{\"__proto__\":{\"x\":1},\"k\":1}`,
		`{\"k\":1.0}`,
		`not json`,
	} {
		e.rc.appendLine(fmt.Sprintf(`{"seq":%d,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/","headers":{},"body":"%s","status":200}`+"\n", i+1, body))
	}
	e.store.Refresh()
	diff := func(a, b int) string {
		t.Helper()
		code, body := e.do("GET", fmt.Sprintf("/api/diff?a=%d&b=%d", a, b), "")
		if code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		var d struct {
			Changes []struct{ Path, Kind, A, B string }
			Left    []struct {
				Text    string
				Changed bool
			}
		}
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range d.Changes {
			out = append(out, c.Path+" "+c.Kind+" "+c.A+" "+c.B)
		}
		for _, l := range d.Left {
			if l.Changed {
				out = append(out, "marked: "+l.Text)
			}
		}
		return strings.Join(out, "\n")
	}
	if got, want := diff(1, 2), "/id changed 9007199254740993 9007199254740992\nmarked:   \"id\": 9007199254740993"; got != want {
		t.Errorf("diff 1 2:\n%s\nwant\n%s", got, want)
	}
	if got, want := diff(3, 4), "/__proto__ removed {\"x\":1} \nmarked:   \"__proto__\": {\nmarked:     \"x\": 1\nmarked:   },"; got != want {
		t.Errorf("diff 3 4:\n%s\nwant\n%s", got, want)
	}
	if got := diff(4, 5); !strings.HasPrefix(got, `/ changed {"k":1.0} "not json"`) {
		t.Errorf("diff 4 5:\n%s", got)
	}
	if got := diff(1, 1); got != "" {
		t.Errorf("diff 1 1:\n%s", got)
	}
	for path, want := range map[string]int{"/api/diff?a=1&b=99": 404, "/api/diff?a=1": 400} {
		if code, body := e.do("GET", path, ""); code != want {
			t.Errorf("GET %s: %d %s", path, code, body)
		}
	}
	_, body := e.do("GET", "/api/deliveries/1", "")
	var d struct {
		Pretty *string `json:"body_pretty"`
	}
	json.Unmarshal([]byte(body), &d)
	if want := "{\n  \"id\": 9007199254740993,\n  \"big\": 1e400,\n  \"dup\": 1,\n  \"dup\": 2\n}"; d.Pretty == nil || *d.Pretty != want {
		t.Errorf("body_pretty %v, want\n%s", d.Pretty, want)
	}
	_, body = e.do("GET", "/api/deliveries/5", "")
	if strings.Contains(body, "body_pretty") {
		t.Errorf("a body that is not JSON has a pretty form: %s", body)
	}
}
