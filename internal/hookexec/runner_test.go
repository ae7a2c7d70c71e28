//go:build unix

package hookexec_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/testexec"
)

// script writes a shell script into dir and returns the command line that
// runs it.
func script(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "hook.sh")
	testexec.Write(t, p, "#!/bin/sh\n"+text)
	return "'" + p + "'"
}

// runner starts a Runner whose results arrive on the returned channel.
func runner(t *testing.T, cfg hookexec.Config) (*hookexec.Runner, chan *hookexec.Result) {
	t.Helper()
	results := make(chan *hookexec.Result, 64)
	cfg.Done = func(r *hookexec.Result) { results <- r }
	if cfg.Env == nil {
		cfg.Env = []string{"PATH=" + os.Getenv("PATH")}
	}
	r, err := hookexec.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Wait(context.Background()) })
	return r, results
}

// submit reserves a place and queues j.
func submit(t *testing.T, r *hookexec.Runner, j *hookexec.Job) {
	t.Helper()
	if err := r.Reserve(); err != nil {
		t.Fatalf("Reserve: %v", err)
	}
	r.Submit(j)
}

func next(t *testing.T, results chan *hookexec.Result) *hookexec.Result {
	t.Helper()
	select {
	case res := <-results:
		return res
	case <-time.After(60 * time.Second):
		t.Fatal("no result after 60s")
		return nil
	}
}

// waitFile waits until path exists, for a script to say it got somewhere.
func waitFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within 30s", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStdinIsTheBodyByteForByte(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "stdin")
	r, results := runner(t, hookexec.Config{Command: script(t, dir, "cat > '"+out+"'\n")})
	// Not UTF-8, a NUL, CRLF, no final newline: nothing is changed.
	body := []byte("{\"a\":1}\r\n\x00\xff\xfe tail")
	submit(t, r, &hookexec.Job{DeliverySeq: 1, Body: body})
	res := next(t, results)
	if res.ExitCode != 0 || !res.Started {
		t.Fatalf("exit %d, started %v, err %v", res.ExitCode, res.Started, res.Err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Fatalf("stdin = %q, want %q", got, body)
	}
}

func TestVariablesAndNothingInTheCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envOut := filepath.Join(dir, "env")
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	base := []string{
		"PATH=" + os.Getenv("PATH"),
		"MY_API_TOKEN=kept-for-the-script",
		"WEBHOOK_TOOL_SECRET=" + secret,
		"WEBHOOK_TOOL_OUTPUT=json",
		"COPY_OF_SECRET=" + secret,
		"WEBHOOK_ID=stale-from-the-parent",
	}
	env := hookexec.Environ(base, []string{secret})
	r, results := runner(t, hookexec.Config{
		Command: script(t, dir, "cd '"+dir+"' && env > '"+envOut+"'\n"),
		Env:     env,
	})
	// Shell syntax in every field: were any of them in the command line,
	// the shell would create a file.
	evil := "$(touch pwned1);`touch pwned2`"
	submit(t, r, &hookexec.Job{
		DeliverySeq: 42,
		ID:          "id-" + evil,
		Schema:      "permission_assist.access_request",
		Event:       "AccessRequestProvisioning",
		Callback:    "http://127.0.0.1:1/webhooks/callback/x",
		Path:        "/hooks/" + evil,
		Body:        []byte(evil),
	})
	next(t, results)
	raw, err := os.ReadFile(envOut)
	if err != nil {
		t.Fatal(err)
	}
	vars := strings.Split(strings.TrimSpace(string(raw)), "\n")
	for _, want := range []string{
		"WEBHOOK_ID=id-" + evil,
		"WEBHOOK_SEQ=42",
		"WEBHOOK_SCHEMA=permission_assist.access_request",
		"WEBHOOK_EVENT=AccessRequestProvisioning",
		"WEBHOOK_CALLBACK=http://127.0.0.1:1/webhooks/callback/x",
		"WEBHOOK_PATH=/hooks/" + evil,
		"MY_API_TOKEN=kept-for-the-script",
		"WEBHOOK_TOOL_OUTPUT=json",
	} {
		if !slices.Contains(vars, want) {
			t.Errorf("the environment lacks %s:\n%s", want, raw)
		}
	}
	if strings.Contains(string(raw), secret) || strings.Contains(string(raw), "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
		t.Errorf("the secret reached the command:\n%s", raw)
	}
	if strings.Contains(string(raw), "stale-from-the-parent") {
		t.Errorf("a WEBHOOK_ID from the parent survived:\n%s", raw)
	}
	for _, f := range []string{"pwned1", "pwned2"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s exists: delivery text was run as shell", f)
		}
	}
}

func TestEnvironDropsOnlySecrets(t *testing.T) {
	t.Parallel()
	got := hookexec.Environ([]string{
		"HOME=/home/u",
		"WEBHOOK_TOOL_SECRET=s3cret-value",
		"WEBHOOK_TOOL_DEV_SECRET_FILE=/x",
		"WEBHOOK_TOOL_TO=http://127.0.0.1:8080/",
		"TOKEN=Bearer s3cret-value",
		"SHORT=abc",
		"HAS_ABC=xabcx",
		"KEY_ONLY=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"WEBHOOK_SEQ=9",
		"EMPTY=",
	}, []string{"s3cret-value", "abc", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ""})
	want := []string{"HOME=/home/u", "WEBHOOK_TOOL_TO=http://127.0.0.1:8080/", "HAS_ABC=xabcx", "EMPTY="}
	if !slices.Equal(got, want) {
		t.Errorf("Environ = %q, want %q", got, want)
	}
}

// callbackServer records the callbacks it gets and answers status.
type callbackServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
	types  []string
}

func newCallbackServer(t *testing.T, status int) *callbackServer {
	s := &callbackServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.types = append(s.types, r.Header.Get("Content-Type"))
		s.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *callbackServer) got() ([]string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bodies), slices.Clone(s.types)
}

func sender(s *httptest.Server) *callback.Sender {
	return &callback.Sender{
		Client:  s.Client(),
		Timeout: 10 * time.Second,
		Retries: 3,
		Sleep:   func(context.Context, time.Duration) error { return nil },
	}
}

func TestCallbackPostedOnceWithTheExactText(t *testing.T) {
	t.Parallel()
	srv := newCallbackServer(t, http.StatusOK)
	dir := t.TempDir()
	r, results := runner(t, hookexec.Config{
		Command: script(t, dir, "printf 'Removed rjohnson from “Cash Advance”.\\n\\nTicket CHG-1042  \\n\\n\\n'\necho progress >&2\n"),
		Sender:  sender(srv.Server),
	})
	submit(t, r, &hookexec.Job{DeliverySeq: 1, Callback: srv.URL + "/webhooks/callback/7f1c"})
	res := next(t, results)
	if res.Callback == nil || !res.Callback.OK() || res.CallbackSkipped != "" {
		t.Fatalf("callback = %+v, skipped %q", res.Callback, res.CallbackSkipped)
	}
	bodies, types := srv.got()
	// Trailing newlines go, as $(...) drops them; the rest is kept,
	// trailing spaces on the last line included.
	want := "Removed rjohnson from “Cash Advance”.\n\nTicket CHG-1042  "
	if len(bodies) != 1 || bodies[0] != want {
		t.Fatalf("callbacks = %q, want exactly one %q", bodies, want)
	}
	if types[0] != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", types[0])
	}
	if st := r.Stats(); st.Callbacks != 1 || st.CallbackFailures != 0 || st.OK != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestCallbackAnsweredWithAnErrorIsNotRetried(t *testing.T) {
	t.Parallel()
	srv := newCallbackServer(t, http.StatusServiceUnavailable)
	dir := t.TempDir()
	r, results := runner(t, hookexec.Config{Command: script(t, dir, "echo done\n"), Sender: sender(srv.Server)})
	submit(t, r, &hookexec.Job{DeliverySeq: 1, Callback: srv.URL + "/cb"})
	res := next(t, results)
	if res.Callback == nil || res.Callback.Status != http.StatusServiceUnavailable || res.Callback.Attempts != 1 {
		t.Fatalf("callback = %+v", res.Callback)
	}
	if bodies, _ := srv.got(); len(bodies) != 1 {
		t.Fatalf("%d callbacks reached the server, want 1: one that reached it is never sent again", len(bodies))
	}
	if st := r.Stats(); st.CallbackFailures != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestNoCallbackUnlessExitZeroWithOutput(t *testing.T) {
	t.Parallel()
	srv := newCallbackServer(t, http.StatusOK)
	for _, tc := range []struct {
		name, script string
		noSender     bool
		skipped      string
		exit         int
	}{
		{"non-zero exit", "echo 'half done'\nexit 3\n", false, "the command exited 3", 3},
		{"no output", "true\n", false, "the command printed nothing", 0},
		{"only newlines and spaces", "printf '\\n  \\n\\n'\n", false, "the command printed nothing", 0},
		{"not UTF-8", "printf 'bad \\377 byte'\n", false, "the output cannot be posted: the message is not valid UTF-8 (bad byte at offset 4)", 0},
		{"too much output", "head -c 70000 /dev/zero | tr '\\0' x\n", false, "the output is over the 64KB callback limit", 0},
		{"--exec-callback=false", "echo done\n", true, "--exec-callback=false", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := hookexec.Config{Command: script(t, t.TempDir(), tc.script), Sender: sender(srv.Server)}
			if tc.noSender {
				cfg.Sender = nil
			}
			r, results := runner(t, cfg)
			submit(t, r, &hookexec.Job{DeliverySeq: 1, Callback: srv.URL + "/cb"})
			res := next(t, results)
			if res.ExitCode != tc.exit || res.Callback != nil || res.CallbackSkipped != tc.skipped {
				t.Errorf("exit %d, callback %+v, skipped %q; want exit %d, skipped %q", res.ExitCode, res.Callback, res.CallbackSkipped, tc.exit, tc.skipped)
			}
		})
	}
	if bodies, _ := srv.got(); len(bodies) != 0 {
		t.Fatalf("callbacks were posted: %q", bodies)
	}
}

// gone reports whether pid has ended: no such process, or a zombie left
// for its new parent (which, in a container, may never reap it).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	if runtime.GOOS == "linux" {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		// pid (comm) S ...: the state follows the last ')'.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
			return stat[i+2] == 'Z' || stat[i+2] == 'X'
		}
	}
	return false
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !gone(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("process %d is still running", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func TestTimeoutKillsTheWholeProcessGroup(t *testing.T) {
	t.Parallel()
	srv := newCallbackServer(t, http.StatusOK)
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "grandchild")
	// The script starts a grandchild that would outlive it, and waits.
	r, results := runner(t, hookexec.Config{
		Command: script(t, dir, "echo partial\nsleep 300 &\necho $! > '"+pidFile+".tmp'\nmv '"+pidFile+".tmp' '"+pidFile+"'\nwait\n"),
		Timeout: 2 * time.Second,
		Sender:  sender(srv.Server),
	})
	submit(t, r, &hookexec.Job{DeliverySeq: 1, Callback: srv.URL + "/cb"})
	res := next(t, results)
	if !res.TimedOut || res.ExitCode != -1 || res.Killed {
		t.Fatalf("timed out %v, exit %d, killed %v", res.TimedOut, res.ExitCode, res.Killed)
	}
	waitGone(t, readPid(t, pidFile))
	if res.Callback != nil || res.CallbackSkipped != "the command timed out" {
		t.Errorf("callback %+v, skipped %q", res.Callback, res.CallbackSkipped)
	}
	if st := r.Stats(); st.TimedOut != 1 || st.OK != 0 || st.Failed != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// TestConcurrencyBound runs 3N jobs whose scripts log their start and end
// and wait, before ending, until N jobs have started: the log's order shows
// how many ran at once. More than N at once breaks the bound; fewer would
// mean the runner does not run N (the scripts then give up waiting).
func TestConcurrencyBound(t *testing.T) {
	t.Parallel()
	const n, jobs = 3, 9
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	r, results := runner(t, hookexec.Config{
		Command: script(t, dir, `echo "start $WEBHOOK_SEQ" >> '`+log+`'
i=0
while [ "$(grep -c start '`+log+`')" -lt `+strconv.Itoa(n)+` ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
echo "end $WEBHOOK_SEQ" >> '`+log+`'
`),
		Concurrency: n,
		Queue:       jobs,
	})
	for i := 1; i <= jobs; i++ {
		submit(t, r, &hookexec.Job{DeliverySeq: int64(i)})
	}
	for range jobs {
		if res := next(t, results); res.ExitCode != 0 {
			t.Fatalf("job %d exited %d", res.Job.DeliverySeq, res.ExitCode)
		}
	}
	raw, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	running, most := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if strings.HasPrefix(line, "start ") {
			running++
		} else {
			running--
		}
		most = max(most, running)
	}
	if most != n {
		t.Fatalf("at most %d ran at once, want %d:\n%s", most, n, raw)
	}
}

func TestQueuedInArrivalOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	r, results := runner(t, hookexec.Config{
		Command:     script(t, dir, `echo "$WEBHOOK_SEQ" >> '`+log+"'\n"),
		Concurrency: 1,
	})
	for i := 1; i <= 8; i++ {
		submit(t, r, &hookexec.Job{DeliverySeq: int64(i)})
	}
	for range 8 {
		next(t, results)
	}
	raw, _ := os.ReadFile(log)
	if got := strings.Fields(string(raw)); !slices.Equal(got, strings.Fields("1 2 3 4 5 6 7 8")) {
		t.Fatalf("ran in order %v", got)
	}
}

func TestFullQueueRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	r, results := runner(t, hookexec.Config{
		Command:     script(t, dir, "while [ ! -e '"+gate+"' ]; do sleep 0.05; done\n"),
		Concurrency: 1,
		Queue:       1,
	})
	submit(t, r, &hookexec.Job{DeliverySeq: 1}) // runs
	submit(t, r, &hookexec.Job{DeliverySeq: 2}) // waits
	if err := r.Reserve(); !errors.Is(err, hookexec.ErrQueueFull) {
		t.Fatalf("third Reserve = %v, want ErrQueueFull", err)
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	next(t, results)
	next(t, results)
	// With the queue empty there is room again.
	if err := r.Reserve(); err != nil {
		t.Fatalf("Reserve after the queue emptied: %v", err)
	}
	r.Release()
	if st := r.Stats(); st.Refused != 1 || st.OK != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestStderrStreamedAsLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var mu sync.Mutex
	var lines []string
	r, results := runner(t, hookexec.Config{
		Command: script(t, dir, "echo one >&2\nprintf 'two\\r\\nthr' >&2\nprintf 'ee' >&2\n"),
		Stderr: func(j *hookexec.Job, line []byte) {
			mu.Lock()
			lines = append(lines, strconv.FormatInt(j.DeliverySeq, 10)+":"+string(line))
			mu.Unlock()
		},
	})
	submit(t, r, &hookexec.Job{DeliverySeq: 7})
	res := next(t, results)
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"7:one", "7:two", "7:three"}; !slices.Equal(lines, want) {
		t.Errorf("stderr lines = %q, want %q", lines, want)
	}
	if string(res.Stderr) != "one\ntwo\r\nthree" {
		t.Errorf("stderr excerpt = %q", res.Stderr)
	}
}

// TestWaitLetsCommandsFinishQueuedOnesToo: after Ctrl-C no new job is
// taken, and the ones submitted still run within the drain limit, the
// queued one after the running one.
func TestWaitLetsCommandsFinishQueuedOnesToo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	started, gate := filepath.Join(dir, "started"), filepath.Join(dir, "gate")
	r, results := runner(t, hookexec.Config{
		Command:     script(t, dir, "touch '"+started+"'\nwhile [ ! -e '"+gate+"' ]; do sleep 0.05; done\necho \"finished $WEBHOOK_SEQ\"\n"),
		Concurrency: 1,
	})
	submit(t, r, &hookexec.Job{DeliverySeq: 1})
	submit(t, r, &hookexec.Job{DeliverySeq: 2})
	waitFile(t, started)
	r.Stop() // Ctrl-C
	if err := r.Reserve(); !errors.Is(err, hookexec.ErrStopped) {
		t.Fatalf("Reserve after Stop = %v, want ErrStopped", err)
	}
	done := make(chan struct{})
	go func() { r.Wait(context.Background()); close(done) }()
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	<-done
	for _, seq := range []int64{1, 2} {
		res := next(t, results)
		if res.Job.DeliverySeq != seq || res.ExitCode != 0 || res.Killed || res.NotRun || string(res.Stdout) != fmt.Sprintf("finished %d\n", seq) {
			t.Errorf("job %d: seq %d exit %d killed %v not run %v stdout %q", seq, res.Job.DeliverySeq, res.ExitCode, res.Killed, res.NotRun, res.Stdout)
		}
	}
	if st := r.Stats(); st.OK != 2 || st.NotRun != 0 || st.Refused != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestWaitKillsWhatOutlastsTheDrainLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "grandchild")
	r, results := runner(t, hookexec.Config{
		Command:     script(t, dir, "sleep 300 &\necho $! > '"+pidFile+".tmp'\nmv '"+pidFile+".tmp' '"+pidFile+"'\nwait\n"),
		Concurrency: 1,
	})
	submit(t, r, &hookexec.Job{DeliverySeq: 1})
	submit(t, r, &hookexec.Job{DeliverySeq: 2}) // waits for the first
	waitFile(t, pidFile)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the drain limit has passed
	r.Wait(ctx)
	res := next(t, results)
	if res.Job.DeliverySeq != 1 || !res.Killed || res.TimedOut || res.ExitCode != -1 {
		t.Fatalf("seq %d killed %v, timed out %v, exit %d", res.Job.DeliverySeq, res.Killed, res.TimedOut, res.ExitCode)
	}
	waitGone(t, readPid(t, pidFile))
	if res := next(t, results); res.Job.DeliverySeq != 2 || !res.NotRun || res.Started {
		t.Errorf("queued job: seq %d not run %v started %v", res.Job.DeliverySeq, res.NotRun, res.Started)
	}
	if st := r.Stats(); st.Killed != 1 || st.NotRun != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestUnknownCommandFails(t *testing.T) {
	t.Parallel()
	r, results := runner(t, hookexec.Config{Command: "no-such-command-for-hookexec"})
	submit(t, r, &hookexec.Job{DeliverySeq: 1})
	res := next(t, results)
	if res.ExitCode != 127 || !strings.Contains(string(res.Stderr), "not found") {
		t.Fatalf("exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
	if st := r.Stats(); st.Failed != 1 || st.Runs != 1 {
		t.Errorf("stats = %+v", st)
	}
}
