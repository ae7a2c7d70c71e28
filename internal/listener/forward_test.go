package listener_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// A delivery below the listen prefix reaches the app at the same place below
// the --forward-to URL, with its query, and the record names that URL.
func TestForwardKeepsSubPathAndQuery(t *testing.T) {
	t.Parallel()
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

// A --forward-to URL with a password: the app gets the credentials, the
// record and output show user:xxxxx@, and no fragment goes anywhere. A
// request path with .. segments stays below the forward URL's path.
func TestForwardHidesPasswordAndStaysBelowItsPath(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
