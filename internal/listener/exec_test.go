//go:build unix

package listener_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
	"github.com/webhook-tool/webhook-tool/internal/testexec"
)

// hookScript writes a shell script and returns the command line running it.
func hookScript(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "hook.sh")
	testexec.Write(t, p, "#!/bin/sh\n"+text)
	return "'" + p + "'"
}

// startExec runs a listener with --exec command; edit adjusts the rest.
func startExec(t *testing.T, command string, edit func(*listener.Config)) *env {
	t.Helper()
	return start(t, func(c *listener.Config) {
		c.Exec = &listener.ExecConfig{Config: hookexec.Config{
			Command: command,
			Env:     []string{"PATH=" + os.Getenv("PATH")},
		}}
		if edit != nil {
			edit(c)
		}
	})
}

// paDelivery is a Permission Assist fixture with delivery id id and its
// callback URL under cbBase.
func paDelivery(t *testing.T, name, id, cbBase string) []byte {
	t.Helper()
	b := fixture(t, name)
	var old struct{ ID string }
	if i := bytes.Index(b, []byte(`"id": "`)); i >= 0 {
		rest := b[i+7:]
		old.ID = string(rest[:bytes.IndexByte(rest, '"')])
	}
	b = bytes.ReplaceAll(b, []byte(old.ID), []byte(id))
	return bytes.Replace(b, []byte("https://pa.example.com/webhooks/callback/"), []byte(cbBase), 1)
}

func signed(t *testing.T, id string, body []byte) []signature.Header {
	return sign(t, signature.Standard, secret, id, clock, body)
}

// execLines are the exec record lines of recs.
func execLines(recs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		if r["kind"] == "exec" {
			out = append(out, r)
		}
	}
	return out
}

func TestExecRunsOnlyForAcceptedDeliveries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	e := startExec(t, hookScript(t, dir, `echo "$WEBHOOK_SEQ $WEBHOOK_SCHEMA $WEBHOOK_EVENT $WEBHOOK_ID" >> '`+log+"'\n"),
		func(c *listener.Config) { c.Exec.On = []string{"AccessRequestProvisioning", "invite_user"} })

	prov := paDelivery(t, "permission_assist.access_request_provisioning", "aaaaaaaa-0000-4000-8000-000000000001", "https://pa.example.com/webhooks/callback/")
	created := paDelivery(t, "permission_assist.access_request_created", "bbbbbbbb-0000-4000-8000-000000000002", "https://pa.example.com/webhooks/callback/")
	tampered := bytes.Replace(prov, []byte(`"number": `), []byte(`"number": 1`), 1)
	invalid := bytes.Replace(prov, []byte(`"action": "Remove"`), []byte(`"action": "Delete"`), 1)
	invite, createUser := fixture(t, "permit.invite_user"), fixture(t, "permit.create_user")

	for _, tc := range []struct {
		what   string
		body   []byte
		hdr    []signature.Header
		status int
	}{
		{"provisioning (runs)", prov, signed(t, "msg_1", prov), 200},
		{"the same delivery again", prov, signed(t, "msg_1", prov), 200},
		{"another event", created, signed(t, "msg_2", created), 200},
		{"a bad signature", tampered, signed(t, "msg_3", prov), 401},
		{"an invalid payload", invalid, signed(t, "msg_4", invalid), 200},
		{"invite_user (runs)", invite, signed(t, "msg_5", invite), 200},
		{"create_user", createUser, signed(t, "msg_6", createUser), 200},
		{"unsigned", prov, nil, 401},
	} {
		if status, answer := e.post("/", tc.body, tc.hdr...); status != tc.status {
			t.Fatalf("%s: %d %s", tc.what, status, answer)
		}
	}
	if status, _ := e.post("/webhooks/callback/aaaaaaaa-0000-4000-8000-000000000001", []byte("done")); status != 200 {
		t.Fatalf("callback: %d", status)
	}
	recs := e.records()
	runs := execLines(recs)
	if len(recs) != 9+2 || len(runs) != 2 {
		t.Fatalf("%d records, %d exec lines; want 9 deliveries and 2 runs", len(recs), len(runs))
	}
	// The runs' lines come between the deliveries', so find the seqs.
	seqOf := map[string]float64{}
	for _, r := range recs {
		if id, _ := r["delivery_id"].(string); r["kind"] == nil && seqOf[id] == 0 {
			seqOf[id] = r["seq"].(float64)
		}
	}
	// Both may run at once: order by the delivery.
	slices.SortFunc(runs, func(a, b map[string]any) int { return int(a["delivery_seq"].(float64) - b["delivery_seq"].(float64)) })
	for i, id := range []string{"msg_1", "msg_5"} {
		if runs[i]["delivery_seq"] != seqOf[id] || runs[i]["delivery_id"] != id || runs[i]["exit_code"] != 0.0 || runs[i]["timed_out"] != false {
			t.Errorf("exec line %d: %v", i, runs[i])
		}
	}
	raw, _ := os.ReadFile(log)
	lines := strings.SplitAfter(string(raw), "\n")
	slices.Sort(lines)
	raw = []byte(strings.Join(lines, ""))
	want := fmt.Sprintf("%v permission_assist.access_request AccessRequestProvisioning msg_1\n%v permit.invite_user invite_user msg_5\n", seqOf["msg_1"], seqOf["msg_5"])
	if string(raw) != want {
		t.Errorf("the command ran for:\n%s\nwant:\n%s", raw, want)
	}
	st := e.l.Stats().Exec
	if st == nil || st.Runs != 2 || st.OK != 2 {
		t.Errorf("exec stats = %+v", st)
	}
}

func TestExecNeedsAVerifiedSignatureUnlessSchemeNone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	command := hookScript(t, dir, `echo "$WEBHOOK_SEQ" >> '`+log+"'\n")
	body := fixture(t, "permit.create_user")

	// No secret: an unsigned delivery is valid as far as the listener
	// reports, and a signed one unchecked; neither runs the command.
	e := startExec(t, command, func(c *listener.Config) { c.Secrets = nil })
	e.post("/", body)
	e.post("/", body, sign(t, signature.GitHub, "whoever", "", clock, body)...)
	if runs := execLines(e.records()); len(runs) != 0 {
		t.Fatalf("without a secret the command ran: %v", runs)
	}

	// --scheme none: checking is off, and every delivery runs it.
	e = startExec(t, command, func(c *listener.Config) { c.Secrets = nil; c.Scheme = signature.None })
	e.post("/", body)
	if runs := execLines(e.records()); len(runs) != 1 {
		t.Fatalf("with --scheme none %d runs, want 1", len(runs))
	}
	if raw, _ := os.ReadFile(log); string(raw) != "1\n" {
		t.Errorf("log = %q", raw)
	}
}

type cbServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newCBServer(t *testing.T) *cbServer {
	s := &cbServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *cbServer) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func withSender(s *cbServer) func(*listener.Config) {
	return func(c *listener.Config) {
		c.Exec.Sender = &callback.Sender{Client: s.Client(), Timeout: 10 * time.Second, Retries: 3}
	}
}

func TestExecPostsTheCallbackAndRecordsTheRun(t *testing.T) {
	t.Parallel()
	cb := newCBServer(t)
	dir := t.TempDir()
	e := startExec(t, hookScript(t, dir, `cat > /dev/null
echo "using key `+secret+`" >&2
echo "Provisioning complete for $WEBHOOK_ID."
echo
`), withSender(cb))
	const id = "cccccccc-0000-4000-8000-000000000003"
	body := paDelivery(t, "permission_assist.access_request_provisioning", id, cb.URL+"/webhooks/callback/")
	if status, _ := e.post("/", body, signed(t, id, body)...); status != 200 {
		t.Fatalf("status %d", status)
	}
	recs := e.records()
	if got, want := cb.got(), []string{"/webhooks/callback/" + id + " text/plain; charset=utf-8 Provisioning complete for " + id + "."}; len(got) != 1 || got[0] != want[0] {
		t.Fatalf("callbacks = %q, want %q", got, want)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want the delivery and its run", len(recs))
	}
	run := recs[1]
	for k, want := range map[string]any{
		"seq": 2.0, "kind": "exec", "delivery_seq": 1.0, "delivery_id": id, "exit_code": 0.0, "timed_out": false,
		"stdout_excerpt": "Provisioning complete for " + id + ".\n\n",
		"stderr_excerpt": "using key ****\n",
		"callback.url":   cb.URL + "/webhooks/callback/" + id, "callback.status": 200.0,
	} {
		if got := dig(run, k); got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	if _, ok := run["duration_ms"].(float64); !ok {
		t.Errorf("duration_ms = %#v", run["duration_ms"])
	}
	if s := e.errOut.String(); !strings.Contains(s, "[#1] using key ****\n") || strings.Contains(s, secret) {
		t.Errorf("stderr stream:\n%s", s)
	}
	if s := e.out.String(); !strings.Contains(s, "#2 exec for #1  exit 0  ") || !strings.Contains(s, "callback 200") || strings.Contains(s, secret) {
		t.Errorf("pretty output:\n%s", s)
	}
}

// A command's stderr is shown as it comes, escaped: it may quote the
// delivery, whose bytes the sender chose. The record keeps it as it was.
func TestExecStderrIsShownEscaped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := startExec(t, hookScript(t, dir, "cat > /dev/null\nprintf 'bad input: \\033]0;pwned\\007\\033[2J\\tend\\n' >&2\n"), func(c *listener.Config) {
		c.Secrets, c.Scheme = nil, signature.None
	})
	body := paDelivery(t, "permission_assist.access_request_provisioning", "eeeeeeee-0000-4000-8000-000000000007", "https://pa.example.com/webhooks/callback/")
	if status, _ := e.post("/", body); status != 200 {
		t.Fatalf("status %d", status)
	}
	recs := e.records()
	if s := e.errOut.String(); strings.ContainsAny(s, "\x1b\x07") || !strings.Contains(s, "[#1] bad input: \\x1b]0;pwned\\a\\x1b[2J\tend\n") {
		t.Errorf("stderr stream:\n%q", s)
	}
	if len(recs) != 2 || dig(recs[1], "stderr_excerpt") != "bad input: \x1b]0;pwned\x07\x1b[2J\tend\n" {
		t.Errorf("records %v", recs)
	}
}

func TestExecNonZeroExitPostsNothingAndSaysSo(t *testing.T) {
	t.Parallel()
	cb := newCBServer(t)
	dir := t.TempDir()
	e := startExec(t, hookScript(t, dir, "echo 'half done'\necho 'ldap: connection refused' >&2\nexit 2\n"), withSender(cb))
	const id = "dddddddd-0000-4000-8000-000000000004"
	body := paDelivery(t, "permission_assist.access_request_provisioning", id, cb.URL+"/webhooks/callback/")
	e.post("/", body, signed(t, id, body)...)
	recs := e.records()
	if got := cb.got(); len(got) != 0 {
		t.Fatalf("a failed run posted %q", got)
	}
	run := recs[1]
	if dig(run, "exit_code") != 2.0 || dig(run, "error") != "exited 2" || dig(run, "callback.skipped") != "the command exited 2" {
		t.Errorf("run = %v", run)
	}
	if s := e.errOut.String(); !strings.Contains(s, "webhook-tool: error: #1: the command exited 2; no callback posted\n") {
		t.Errorf("stderr:\n%s", s)
	}
	if s := e.out.String(); !strings.Contains(s, "FAILED exit 2") || !strings.Contains(s, "ldap: connection refused") {
		t.Errorf("pretty output:\n%s", s)
	}
	if st := e.l.Stats().Exec; st.Failed != 1 || st.Callbacks != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// waitFor polls cond, for a state reached by processes the test started.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 30s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestExecFullQueueAnswers503AndTheRetryRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	e := startExec(t, hookScript(t, dir, "while [ ! -e '"+gate+"' ]; do sleep 0.05; done\n"), func(c *listener.Config) {
		c.Exec.Concurrency, c.Exec.Queue = 1, 1
	})
	body := fixture(t, "permit.create_user")
	for _, id := range []string{"msg_a", "msg_b"} {
		if status, _ := e.post("/", body, signed(t, id, body)...); status != 200 {
			t.Fatalf("%s: %d", id, status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/", bytes.NewReader(body))
	for _, h := range signed(t, "msg_c", body) {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "5" || !strings.Contains(string(answer), "the --exec queue is full (1 running, 1 waiting)") {
		t.Fatalf("third delivery: %d, Retry-After %q, %s", resp.StatusCode, resp.Header.Get("Retry-After"), answer)
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the two runs", func() bool { return e.l.Stats().Exec.OK == 2 })
	// The sender's retry is no duplicate: it runs.
	if status, _ := e.post("/", body, signed(t, "msg_c", body)...); status != 200 {
		t.Fatalf("retry: %d", status)
	}
	recs := e.records()
	if dig(recs[2], "status") != 503.0 || !strings.Contains(dig(recs[2], "error").(string), "Retry-After: 5") {
		t.Errorf("refused delivery's record: %v", recs[2])
	}
	var retry map[string]any
	for _, r := range recs {
		if r["delivery_id"] == "msg_c" && r["status"] == 200.0 && r["kind"] == nil {
			retry = r
		}
	}
	if retry == nil || retry["duplicate"] != nil {
		t.Errorf("the retry's record: %v", retry)
	}
	if runs := execLines(recs); len(runs) != 3 {
		t.Errorf("%d runs, want 3", len(runs))
	}
	if !strings.Contains(e.errOut.String(), "webhook-tool: warning: #3: the --exec queue is full (1 running, 1 waiting): answered 503 with Retry-After: 5, so the sender retries\n") {
		t.Errorf("stderr:\n%s", e.errOut)
	}
	if st := e.l.Stats().Exec; st.Refused != 1 || st.OK != 3 {
		t.Errorf("stats = %+v", st)
	}
}

// A burst of deliveries that find the --exec queue full is said on
// stderr once a second with a count, not once a delivery; each is still
// answered 503 and recorded.
func TestExecRefusalsSaidOnceASecond(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	e := startExec(t, hookScript(t, dir, "while [ ! -e '"+gate+"' ]; do sleep 0.05; done\n"), func(c *listener.Config) {
		c.Exec.Concurrency, c.Exec.Queue = 1, 1
	})
	body := fixture(t, "permit.create_user")
	for i := range 22 {
		id := fmt.Sprintf("msg_%d", i)
		want := 503
		if i < 2 {
			want = 200 // one runs, one waits
		}
		if status, _ := e.post("/", body, signed(t, id, body)...); status != want {
			t.Fatalf("%s: %d, want %d", id, status, want)
		}
	}
	os.WriteFile(gate, nil, 0o644)
	e.stop()
	errs := e.errOut.String()
	if n := strings.Count(errs, "the --exec queue is full"); n == 0 || n >= 10 {
		t.Errorf("%d warnings for 20 refusals:\n%s", n, errs)
	}
	if !regexp.MustCompile(`--exec refusals: \d+ more times since the last message`).MatchString(errs) {
		t.Errorf("no count of the refusals not said:\n%s", errs)
	}
	if st := e.l.Stats().Exec; st.Refused != 20 {
		t.Errorf("stats = %+v", st)
	}
}

func TestExecCtrlCKillsWhatOutlastsTheDrainAndRunsNoQueuedCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	e := startExec(t, hookScript(t, dir, "sleep 300 &\necho $! > '"+pidFile+".tmp'\nmv '"+pidFile+".tmp' '"+pidFile+"'\nwait\n"),
		func(c *listener.Config) {
			c.Exec.Concurrency = 1
			c.ShutdownTimeout = 200 * time.Millisecond // the drain limit, reached on purpose
		})
	body := fixture(t, "permit.create_user")
	e.post("/", body, signed(t, "msg_1", body)...)
	e.post("/", body, signed(t, "msg_2", body)...)
	waitFor(t, "the first command's start", func() bool { _, err := os.Stat(pidFile); return err == nil })
	raw, _ := os.ReadFile(pidFile)
	var pid int
	for _, c := range strings.TrimSpace(string(raw)) {
		pid = pid*10 + int(c-'0')
	}
	recs := e.records() // Ctrl-C: Serve returns once both runs are recorded
	runs := execLines(recs)
	if len(runs) != 2 {
		t.Fatalf("%d runs recorded, want 2", len(runs))
	}
	if runs[0]["killed"] != true || runs[0]["exit_code"] != -1.0 || !strings.Contains(runs[0]["error"].(string), "200ms drain limit") {
		t.Errorf("running command: %v", runs[0])
	}
	if runs[1]["not_run"] != true || runs[1]["delivery_seq"] != 2.0 {
		t.Errorf("queued command: %v", runs[1])
	}
	waitFor(t, "the grandchild's end", func() bool {
		if syscall.Kill(pid, 0) != nil {
			return true
		}
		// A zombie has ended too; in a container nobody may reap it.
		stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(raw)) + "/stat")
		return err == nil && bytes.Contains(stat, []byte(") Z"))
	})
	if st := e.l.Stats().Exec; st.Killed != 1 || st.NotRun != 1 {
		t.Errorf("stats = %+v", st)
	}
	if s := e.errOut.String(); !strings.Contains(s, "webhook-tool: error: 1 queued command was not run: still waiting at the 200ms drain limit; to run it, replay its delivery: webhook-tool replay RECORD --seq 2 --to URL\n") {
		t.Errorf("stderr:\n%s", s)
	}
}

// failFirst fails its first write, as a disk that was full for a moment.
type failFirst struct {
	mu     sync.Mutex
	failed bool
}

func (f *failFirst) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.failed {
		f.failed = true
		return 0, errors.New("no space left on device")
	}
	return len(p), nil
}

// A delivery that is not accepted runs nothing: one whose record could
// not be written (answered 500), or one the app behind --forward-to
// answered 503 (the sender gets the app's answer). The sender delivers it
// again; its retry is no duplicate, is answered 200, and runs the command,
// once in all.
func TestExecRunsOnlyForTheAcceptedRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		first int
		edit  func(t *testing.T, c *listener.Config)
	}{
		{"record failed", 500, func(t *testing.T, c *listener.Config) {
			c.Records = record.NewWriter(&failFirst{}, record.Options{})
		}},
		{"the app answered 503", 503, func(t *testing.T, c *listener.Config) {
			var calls atomic.Int32
			app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.WriteHeader(http.StatusServiceUnavailable)
				}
			}))
			t.Cleanup(app.Close)
			c.ForwardTo = app.URL
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			log := filepath.Join(dir, "log")
			e := startExec(t, hookScript(t, dir, `echo "$WEBHOOK_ID" >> '`+log+"'\n"), func(c *listener.Config) {
				c.Secrets, c.Scheme = nil, signature.None
				tc.edit(t, c)
			})
			const id = "eeeeeeee-0000-4000-8000-000000000005"
			body := paDelivery(t, "permission_assist.access_request_provisioning", id, "https://pa.example.com/webhooks/callback/")
			if status, _ := e.post("/", body); status != tc.first {
				t.Fatalf("first attempt: %d, want %d", status, tc.first)
			}
			if status, _ := e.post("/", body); status != 200 {
				t.Fatalf("retry: %d, want 200 (not taken for a duplicate)", status)
			}
			e.stop()
			if raw, _ := os.ReadFile(log); string(raw) != id+"\n" {
				t.Errorf("the command ran for %q, want the retry alone", raw)
			}
			if st := e.l.Stats().Exec; st.OK != 1 {
				t.Errorf("exec stats %+v, want one run", st)
			}
		})
	}
}

func TestExecCallbackThatReachesNobodyIsReported(t *testing.T) {
	t.Parallel()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // connection refused from now on
	dir := t.TempDir()
	e := startExec(t, hookScript(t, dir, "cat > /dev/null\necho Done.\n"), func(c *listener.Config) {
		c.Exec.Sender = &callback.Sender{Client: http.DefaultClient, Timeout: 10 * time.Second}
	})
	const id = "ffffffff-0000-4000-8000-000000000006"
	body := paDelivery(t, "permission_assist.access_request_provisioning", id, gone.URL+"/webhooks/callback/")
	e.post("/", body, signed(t, id, body)...)
	run := e.records()[1]
	if dig(run, "callback.status") != nil || !strings.Contains(dig(run, "callback.error").(string), "(nothing reached the server: sending it again is safe)") {
		t.Errorf("run = %v", run)
	}
	if s := e.errOut.String(); !strings.Contains(s, "webhook-tool: error: #1: callback to "+gone.URL+"/webhooks/callback/"+id+" failed: ") {
		t.Errorf("stderr:\n%s", s)
	}
	if st := e.l.Stats().Exec; st.OK != 1 || st.Callbacks != 1 || st.CallbackFailures != 1 {
		t.Errorf("stats = %+v", st)
	}
}
