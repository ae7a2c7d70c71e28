package listener_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

func TestForwardURL(t *testing.T) {
	for _, tc := range []struct{ base, prefix, req, want string }{
		{"http://127.0.0.1:3000/webhooks", "/", "/", "http://127.0.0.1:3000/webhooks"},
		{"http://127.0.0.1:3000/webhooks", "/", "/permit", "http://127.0.0.1:3000/webhooks/permit"},
		{"http://127.0.0.1:3000/webhooks/", "/", "/permit/users", "http://127.0.0.1:3000/webhooks/permit/users"},
		{"http://127.0.0.1:3000", "/", "/pa?source=zap", "http://127.0.0.1:3000/pa?source=zap"},
		{"http://127.0.0.1:3000/in?app=1", "/", "/?v=2", "http://127.0.0.1:3000/in?app=1&v=2"},
		{"http://127.0.0.1:3000/in?app=1", "/", "/", "http://127.0.0.1:3000/in?app=1"},
		{"http://127.0.0.1:3000/in", "/hooks/", "/hooks/", "http://127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in", "/hooks/", "/hooks", "http://127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in", "/hooks/", "/hooks/permit", "http://127.0.0.1:3000/in/permit"},
		{"http://127.0.0.1:3000/in", "/", "/a%2Fb", "http://127.0.0.1:3000/in/a%2Fb"},
	} {
		u, err := url.Parse(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := listener.ForwardURL(tc.base, tc.prefix, u); got != tc.want {
			t.Errorf("ForwardURL(%s, %s, %s) = %s, want %s", tc.base, tc.prefix, tc.req, got, tc.want)
		}
	}
}

// A delivery below the listen prefix reaches the app at the same place below
// the --forward-to URL, with its query, and the record names that URL.
func TestForwardKeepsSubPathAndQuery(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen = append(seen, r.URL.RequestURI())
		mu.Unlock()
	}))
	defer app.Close()
	e := start(t, func(c *listener.Config) { c.ForwardTo = app.URL + "/webhooks"; c.PathPrefix = "/in" })
	body := fixture(t, "permit.create_user")
	for i, path := range []string{"/in", "/in/permit?tenant=acme"} {
		id := "msg_p" + string(rune('a'+i))
		if status, answer := e.post(path, body, sign(t, signature.Standard, secret, id, clock, body)...); status != 200 {
			t.Fatalf("%s: sender got %d %q", path, status, answer)
		}
	}
	want := []string{"/webhooks", "/webhooks/permit?tenant=acme"}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != want[0] || seen[1] != want[1] {
		t.Errorf("app saw %v, want %v", seen, want)
	}
	recs := e.records()
	if dig(recs[1], "forward.url") != app.URL+want[1] {
		t.Errorf("record names %v, want %s", dig(recs[1], "forward.url"), app.URL+want[1])
	}
}
