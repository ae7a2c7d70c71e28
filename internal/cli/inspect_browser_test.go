package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// The browser tests drive the inspector page in a real headless Chromium,
// over listen as the command runs it (listener.Run: the record writer's
// Tap, the listener) and the replay the page's button uses.
//
// Chromium comes from Debian's package (.ci/run installs it). Outside CI a
// machine without it skips these tests; in CI (CI=true) that is a failure.

const browserSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed, and the browser tests must run in CI: apt-get install -y chromium")
	}
	t.Skip("no Chromium on this machine (apt-get install -y chromium); CI runs these tests")
	return ""
}

// artefactDir is where screenshots go: $WEBHOOK_TOOL_TEST_ARTIFACTS, else
// the test's temporary directory.
func artefactDir(t *testing.T) string {
	if d := os.Getenv("WEBHOOK_TOOL_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// uiEnv is listen with its inspector, run as the command runs them.
type uiEnv struct {
	t    *testing.T
	page string // the inspector's URL
	url  string // the listener's
	now  time.Time
}

func startUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	var out, errb lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := startListen(t, ctx, testListenApp(&out, &errb), &ListenOptions{Addr: "127.0.0.1:0", Path: "/",
		Scheme: "auto", Secrets: []string{browserSecret}, MaxBody: "1MiB", Status: 200, Output: "quiet",
		Tolerance: 5 * time.Minute, UI: "127.0.0.1:0", UIGiven: true})
	t.Cleanup(func() { cancel(); <-done })
	m := regexp.MustCompile(`(?m)^  inspector: (http://127\.0\.0\.1:\d+/) (.*)$`).FindStringSubmatch(errb.String())
	if m == nil || m[1] != ready.UI {
		t.Fatalf("no inspector URL in the banner (ready: %+v):\n%s", ready, errb.String())
	}
	if !strings.Contains(m[2], "in memory (no --record)") {
		t.Errorf("the banner does not say the page holds this run only: %q", m[0])
	}
	return &uiEnv{t: t, page: m[1], url: ready.URL, now: time.Now()}
}

// post sends body to the listener at path, with headers h.
func (e *uiEnv) post(path string, body []byte, h http.Header) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(e.url, "/")+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// send delivers a signed Permission Assist payload with delivery id id; an
// action other than "" replaces the request's action.
func (e *uiEnv) send(id, action string) {
	e.t.Helper()
	body, err := fixtures.FS.ReadFile(fixtures.Path("permission_assist.access_request_created"))
	if err != nil {
		e.t.Fatal(err)
	}
	body = bytes.Replace(body, []byte(`"id": "f1e2d3c4-b5a6-7890-abcd-ef1234567890"`), []byte(`"id": "`+id+`"`), 1)
	if action != "" {
		body = bytes.Replace(body, []byte(`"action": "Remove"`), []byte(`"action": "`+action+`"`), 1)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	hs, _ := signature.Sign(signature.Standard, browserSecret, id, time.Now(), body)
	for _, sh := range hs {
		h.Set(sh.Name, sh.Value)
	}
	if status, answer := e.post("/", body, h); status != 200 {
		e.t.Fatalf("delivery %s: %d %s", id, status, answer)
	}
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser on a context without a deadline (a deadline there
	// would bound the browser's life), with a bound of its own on the wait.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.Navigate("about:blank")) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("cannot start Chromium: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Chromium did not start within 60s")
	}
	return ctx
}

// step runs actions with a time bound, failing the test with what.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// poll waits until js is true. Right after a navigation the predicate may
// go to the old document's execution context, gone by the time it arrives
// (on a loaded machine); it is then sent again, to the new one.
func poll(js string) chromedp.Action[chromedp.Void] {
	p := chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond))
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for {
			_, err := p(ctx, t)
			if err == nil || !strings.Contains(err.Error(), "Cannot find context with specified id") {
				return chromedp.Void{}, err
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, err
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot %s is not a PNG (%d bytes)", name, len(png))
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// receiver is an httptest server that notes what it got.
type receiver struct {
	mu   sync.Mutex
	reqs []*http.Request
	body [][]byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.reqs, r.body = append(r.reqs, req), append(r.body, b)
	r.mu.Unlock()
	io.WriteString(w, "thanks")
}

func (r *receiver) got() ([]*http.Request, [][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...), append([][]byte(nil), r.body...)
}

func guidN(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func TestInspectorInBrowser(t *testing.T) {
	e := startUIEnv(t)
	ctx := newBrowser(t)
	dir := artefactDir(t)
	e.send(guidN(1), "")
	e.send(guidN(2), "Delete") // invalid: /event/request/action

	step(t, ctx, "open the page", chromedp.Navigate(e.page),
		poll(`document.querySelectorAll('#rows tr').length === 2`))
	if got := eval[string](t, ctx, `document.querySelector('#rows').innerText`); !strings.Contains(got, guidN(1)) || !strings.Contains(got, guidN(2)) {
		t.Fatalf("the list lacks the deliveries:\n%s", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#source').innerText`); !strings.Contains(got, "in memory") {
		t.Errorf("the page does not say it holds this run only: %q", got)
	}

	t.Run("a delivery sent after the page loaded appears without reload", func(t *testing.T) {
		step(t, ctx, "wait for the stream", poll(`document.querySelector('#live').textContent === 'live'`))
		eval[bool](t, ctx, `window.loadedOnce = true`)
		e.send(guidN(3), "")
		step(t, ctx, "wait for the new row", poll(`document.querySelector('#rows tr[data-seq="3"]') !== null`))
		if !eval[bool](t, ctx, `window.loadedOnce === true`) {
			t.Fatal("the page was reloaded")
		}
		if first := eval[string](t, ctx, `document.querySelector('#rows tr').dataset.seq`); first != "3" {
			t.Fatalf("the newest row is %s, want 3 at the top", first)
		}
	})
	screenshot(t, ctx, dir, "inspector-list.png")

	t.Run("clicking a row shows its headers and the schema error's pointer", func(t *testing.T) {
		step(t, ctx, "click the invalid delivery", chromedp.Click(`#rows tr[data-seq="2"] td.path`),
			poll(`document.querySelector('#detail .pointer') !== null`))
		detail := eval[string](t, ctx, `document.querySelector('#detail').innerText`)
		for _, want := range []string{"/event/request/action", "Webhook-Id", guidN(2), "Delete", "must be one of"} {
			if !strings.Contains(detail, want) {
				t.Errorf("the detail lacks %q:\n%s", want, detail)
			}
		}
		if got := eval[string](t, ctx, `document.querySelector('#detail .pointer').textContent`); got != "/event/request/action" {
			t.Errorf("pointer %q", got)
		}
		// The error is marked in the raw body at its line.
		if got := eval[string](t, ctx, `document.querySelector('#detail .raw .errline .code').textContent`); !strings.Contains(got, `"action": "Delete"`) {
			t.Errorf("the marked line is %q", got)
		}
		if strings.Contains(detail, browserSecret) || strings.Contains(detail, strings.TrimPrefix(browserSecret, "whsec_")) {
			t.Error("the detail shows the secret")
		}
	})
	screenshot(t, ctx, dir, "inspector-detail.png")

	t.Run("Replay reaches the receiver, re-signed", func(t *testing.T) {
		rcv := &receiver{}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		step(t, ctx, "replay", chromedp.SetValue(`#replay-to`, srv.URL+"/hooks"), chromedp.Click(`#replay`),
			poll(`document.querySelector('#replay-result') !== null`))
		if got := eval[string](t, ctx, `document.querySelector('#replay-result').innerText`); !strings.Contains(got, "200") || !strings.Contains(got, "re-signed") {
			t.Errorf("replay result on the page: %q", got)
		}
		reqs, bodies := rcv.got()
		if len(reqs) != 1 || reqs[0].URL.Path != "/hooks" || !bytes.Contains(bodies[0], []byte(`"Delete"`)) {
			t.Fatalf("the receiver got %d requests", len(reqs))
		}
		v := signature.Verify(signature.VerifyOptions{Scheme: signature.Standard, Secrets: []string{browserSecret}}, reqs[0].Header, bodies[0])
		if !v.Valid {
			t.Errorf("the replay's signature does not verify: %s", v.Reason)
		}
		// A Permission Assist delivery keeps its body's id as webhook-id,
		// as send signs it (replay.Plan); the signature above is fresh.
		if id, _ := fixture.DeliveryID(bodies[0]); id == "" || reqs[0].Header.Get("Webhook-Id") != id {
			t.Errorf("the replay's webhook id %q is not the body's id %q", reqs[0].Header.Get("Webhook-Id"), id)
		}
	})

	t.Run("Edit and send re-signs the edited body", func(t *testing.T) {
		rcv := &receiver{}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		step(t, ctx, "edit", chromedp.SetValue(`#replay-to`, srv.URL), chromedp.Click(`#edit`),
			poll(`document.querySelector('#editbody') !== null`))
		eval[bool](t, ctx, `(() => { const a = document.querySelector('#editbody');
			a.value = a.value.replace('"Delete"', '"Remove"'); return true; })()`)
		step(t, ctx, "send", chromedp.Evaluate[chromedp.Void](`document.querySelector('#replay-result') && document.querySelector('#replay-result').remove()`),
			chromedp.Click(`#editsend`), poll(`document.querySelector('#replay-result') !== null`))
		reqs, bodies := rcv.got()
		if len(reqs) != 1 || !bytes.Contains(bodies[0], []byte(`"action": "Remove"`)) || bytes.Contains(bodies[0], []byte(`"Delete"`)) {
			t.Fatalf("the receiver got %d requests: %.300s", len(reqs), bodies)
		}
		v := signature.Verify(signature.VerifyOptions{Scheme: signature.Standard, Secrets: []string{browserSecret}}, reqs[0].Header, bodies[0])
		if !v.Valid {
			t.Errorf("the edited body is not re-signed: %s", v.Reason)
		}
	})

	t.Run("Copy as curl", func(t *testing.T) {
		step(t, ctx, "curl", chromedp.SetValue(`#replay-to`, "http://127.0.0.1:3000/hooks"), chromedp.Click(`#curl`),
			poll(`document.querySelector('#curltext') !== null`))
		cmd := eval[string](t, ctx, `document.querySelector('#curltext').textContent`)
		for _, want := range []string{"curl --globoff -X 'POST' --url 'http://127.0.0.1:3000/hooks'", "-H 'Webhook-Id: " + guidN(2) + "'", "--data-binary @-", `"action": "Delete"`} {
			if !strings.Contains(cmd, want) {
				t.Errorf("the curl command lacks %q:\n%s", want, cmd)
			}
		}
	})

	t.Run("Diff of two deliveries", func(t *testing.T) {
		step(t, ctx, "tick two", chromedp.Click(`#rows tr[data-seq="1"] input`), chromedp.Click(`#rows tr[data-seq="2"] input`),
			poll(`!document.querySelector('#diff').disabled`), chromedp.Click(`#diff`),
			poll(`document.querySelector('#diffpaths') !== null`))
		paths := eval[string](t, ctx, `document.querySelector('#diffpaths').innerText`)
		for _, want := range []string{"/event/request/action", "/id", `"Delete"`, `"Remove"`} {
			if !strings.Contains(paths, want) {
				t.Errorf("the diff lacks %q:\n%s", want, paths)
			}
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#detail .diffside .chg').length`); n < 4 {
			t.Errorf("%d changed lines marked, want both sides' id and action", n)
		}
		screenshot(t, ctx, dir, "inspector-diff.png")
		step(t, ctx, "untick", chromedp.Click(`#rows tr[data-seq="1"] input`), chromedp.Click(`#rows tr[data-seq="2"] input`))
	})

	t.Run("the callback transcript", func(t *testing.T) {
		e.post("/webhooks/callback/"+guidN(3), []byte("Provisioning complete."), nil)
		step(t, ctx, "the callback row and badge", poll(`document.querySelector('#rows tr[data-seq="4"]') !== null`),
			poll(`document.querySelector('#rows tr[data-seq="3"] .badge.cb') !== null`),
			chromedp.Click(`#rows tr[data-seq="3"] td.path`), poll(`document.querySelector('#detail .transcript') !== null`))
		if got := eval[string](t, ctx, `document.querySelector('#detail .transcript').innerText`); !strings.Contains(got, "Provisioning complete.") || !strings.Contains(got, "200") {
			t.Errorf("transcript %q", got)
		}
	})

	t.Run("the filter narrows the list", func(t *testing.T) {
		step(t, ctx, "filter", chromedp.SendKeys(`#q`, "is:invalid"),
			poll(`document.querySelectorAll('#rows tr').length === 1`))
		if seq := eval[string](t, ctx, `document.querySelector('#rows tr').dataset.seq`); seq != "2" {
			t.Fatalf("the filter left #%s, want #2", seq)
		}
		step(t, ctx, "signature ok, no text", chromedp.Evaluate[chromedp.Void](`(() => {
				const q = document.querySelector('#q'), sig = document.querySelector('#fsig');
				q.value = ''; q.dispatchEvent(new Event('input'));
				sig.value = 'sig:ok'; sig.dispatchEvent(new Event('change'));
			})()`),
			poll(`document.querySelectorAll('#rows tr').length === 3`))
	})
}
