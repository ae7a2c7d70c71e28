package listener_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
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
		// Dot segments resolve below the forward URL's path, never above it.
		{"http://127.0.0.1:3000/webhooks", "/", "/../admin", "http://127.0.0.1:3000/webhooks/admin"},
		{"http://127.0.0.1:3000/webhooks", "/", "/%2e%2e/admin", "http://127.0.0.1:3000/webhooks/admin"},
		{"http://127.0.0.1:3000/webhooks", "/", "/.%2E/%2E./admin", "http://127.0.0.1:3000/webhooks/admin"},
		{"http://127.0.0.1:3000/webhooks", "/", "/a/b/../../../admin?v=2", "http://127.0.0.1:3000/webhooks/admin?v=2"},
		{"http://127.0.0.1:3000/webhooks", "/", "/a/./b/../c", "http://127.0.0.1:3000/webhooks/a/c"},
		{"http://127.0.0.1:3000/webhooks", "/", "/a/..", "http://127.0.0.1:3000/webhooks"},
		{"http://127.0.0.1:3000/webhooks", "/", "/..", "http://127.0.0.1:3000/webhooks"},
		{"http://127.0.0.1:3000/webhooks", "/hooks/", "/hooks/../../admin", "http://127.0.0.1:3000/webhooks/admin"},
		// An escaped slash or backslash is a separator for the dot segments
		// (an app that decodes %2F first would otherwise climb above base).
		{"http://127.0.0.1:3000/webhooks", "/", "/a%2F..%2Fb/...", "http://127.0.0.1:3000/webhooks/b/..."},
		{"http://127.0.0.1:3000/base", "/p/", "/p/..%2f..%2fetc", "http://127.0.0.1:3000/base/etc"},
		{"http://127.0.0.1:3000/base", "/", "/..%2F..%2F..%2Fetc%2Fpasswd", "http://127.0.0.1:3000/base/etc%2Fpasswd"},
		{"http://127.0.0.1:3000/base", "/", "/..%5C..%5cetc", "http://127.0.0.1:3000/base/etc"},
		{"http://127.0.0.1:3000/base", "/", "/x/%2e%2e%2f%2e%2e%2fetc", "http://127.0.0.1:3000/base/etc"},
		{"http://127.0.0.1:3000/base", "/", "/a%2Fb%2F..", "http://127.0.0.1:3000/base/a/"},
		{"http://127.0.0.1:3000/webhooks", "/", "/v1.2/x..y", "http://127.0.0.1:3000/webhooks/v1.2/x..y"},
		// A fragment is never sent.
		{"http://127.0.0.1:3000/in#frag", "/", "/", "http://127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in#frag", "/", "/x?v=2", "http://127.0.0.1:3000/in/x?v=2"},
		// The password is sent (ForwardShown hides it).
		{"http://user:hunter2@127.0.0.1:3000/in", "/", "/x", "http://user:hunter2@127.0.0.1:3000/in/x"},
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

func TestForwardShown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://user:hunter2@127.0.0.1:3000/in", "http://user:xxxxx@127.0.0.1:3000/in"},
		{"http://user@127.0.0.1:3000/in", "http://user@127.0.0.1:3000/in"},
		{"http://127.0.0.1:3000/in#frag", "http://127.0.0.1:3000/in"},
		{"http://u:p%40ss@127.0.0.1:3000/%zz", "(invalid URL)"},
	} {
		if got := listener.ForwardShown(tc.in); got != tc.want {
			t.Errorf("ForwardShown(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// A --forward-to URL with a password: the app gets the credentials, the
// record and output show user:xxxxx@, and no fragment goes anywhere. A
// request path with .. segments stays below the forward URL's path.
func TestForwardHidesPasswordAndStaysBelowItsPath(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		user, pass, _ := r.BasicAuth()
		mu.Lock()
		seen = append(seen, user+":"+pass+" "+r.URL.RequestURI())
		mu.Unlock()
	}))
	defer app.Close()
	withPass := strings.Replace(app.URL, "http://", "http://user:hunter2@", 1)
	e := start(t, func(c *listener.Config) { c.ForwardTo = withPass + "/webhooks#frag"; c.Output = listener.Pretty })
	body := fixture(t, "permit.create_user")
	for i, path := range []string{"/../admin", "/%2e%2e/admin"} {
		req, err := http.NewRequest(http.MethodPost, e.url+"/", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = path // sent as it is, as curl --path-as-is does
		for _, h := range sign(t, signature.Standard, secret, "msg_dd"+string(rune('a'+i)), clock, body) {
			req.Header.Set(h.Name, h.Value)
		}
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
	}
	recs := e.records()
	mu.Lock()
	defer mu.Unlock()
	for _, s := range seen {
		if s != "user:hunter2 /webhooks/admin" {
			t.Errorf("app saw %q, want user:hunter2 /webhooks/admin", s)
		}
	}
	shown := strings.Replace(app.URL, "http://", "http://user:xxxxx@", 1) + "/webhooks/admin"
	for _, rec := range recs {
		if got := dig(rec, "forward.url"); got != shown {
			t.Errorf("record names %v, want %s", got, shown)
		}
	}
	raw, _ := os.ReadFile(e.recPath)
	for where, text := range map[string]string{"record": string(raw), "stdout": e.out.String(), "stderr": e.errOut.String()} {
		if strings.Contains(text, "hunter2") || strings.Contains(text, "frag") {
			t.Errorf("%s shows the password or fragment:\n%s", where, text)
		}
	}
}

// An app that cannot be reached: the error recorded and sent back names
// the URL with its password hidden and the secrets masked.
func TestForwardErrorHidesPasswordAndSecret(t *testing.T) {
	app := httptest.NewServer(http.NotFoundHandler())
	dead := app.URL
	app.Close()
	e := start(t, func(c *listener.Config) {
		c.ForwardTo = strings.Replace(dead, "http://", "http://user:hunter2@", 1) + "/in"
		c.Secrets = []string{secret, "json"}
	})
	body := fixture(t, "permit.create_user")
	status, answer := e.post("/json?k="+secret, body, sign(t, signature.Standard, secret, "msg_err", clock, body)...)
	if status != http.StatusBadGateway {
		t.Fatalf("status %d %q", status, answer)
	}
	recs := e.records()
	fwErr, _ := dig(recs[0], "forward.error").(string)
	if fwErr == "" {
		t.Fatalf("no forward.error: %v", recs[0])
	}
	for where, text := range map[string]string{"forward.error": fwErr, "answer": answer} {
		if strings.Contains(text, "hunter2") || strings.Contains(text, "/json") || strings.Contains(text, secret[len("whsec_"):]) {
			t.Errorf("%s shows the password or a secret: %s", where, text)
		}
		if !strings.Contains(text, "user:xxxxx@") || !strings.Contains(text, "/in/****?k=****") {
			t.Errorf("%s does not name the masked URL: %s", where, text)
		}
	}
}
