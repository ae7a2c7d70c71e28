package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/webhook-tool/webhook-tool/internal/cli"
)

// TestMain lets testscript run this test binary as the real webhook-tool
// (and as a small test receiver), so the scripts exercise the real main.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"webhook-tool": func() { os.Exit(cli.Main()) },
		"testserver":   func() { os.Exit(testServer(os.Args[1:], os.Stderr)) },
		"exitcode":     func() { os.Exit(expectExit(os.Args[1:])) },
		"logged":       func() { os.Exit(runLogged(os.Args[1:])) },
	})
}

// runLogged backs the script program `logged LOG PROGRAM ARGS...`: it runs
// webhook-tool or testserver with its stderr also copied to the file LOG,
// so a script can read a background server's banner (waitbanner) while it
// runs; testscript shows a background program's output only once it ends.
func runLogged(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: logged LOG webhook-tool|testserver ARGS...")
		return 2
	}
	f, err := os.Create(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "logged:", err)
		return 2
	}
	defer f.Close()
	stderr := io.MultiWriter(os.Stderr, f)
	switch args[1] {
	case "webhook-tool":
		app := cli.NewApp()
		app.Err = stderr
		return cli.MainApp(app, args[2:])
	case "testserver":
		return testServer(args[2:], stderr)
	}
	fmt.Fprintln(os.Stderr, "logged: unknown program", args[1])
	return 2
}

// expectExit backs the script program `exitcode N ARGS...`: it runs
// webhook-tool ARGS... and succeeds only when the exit code is exactly N,
// since testscript itself only tells zero from non-zero.
func expectExit(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: exitcode N ARGS...")
		return 2
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "exitcode: bad N:", err)
		return 2
	}
	if got := cli.Run(cli.NewApp(), args[1:]); got != want {
		fmt.Fprintf(os.Stderr, "exitcode: webhook-tool exited %d, want %d\n", got, want)
		return 1
	}
	return 0
}

// TestScripts runs one script per user story in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			readme, err := filepath.Abs("../../README.md")
			if err != nil {
				return err
			}
			env.Setenv("README", readme)
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/.config")
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("NO_COLOR", "")
			// No script's listen opens the inspector on 4040 unless it asks.
			env.Setenv("WEBHOOK_TOOL_UI", "off")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"deadport":   cmdDeadport,
			"waitbanner": cmdWaitbanner,
			"waitport":   cmdWaitport,
			"waitfile":   cmdWaitfile,
			"jsonfield":  cmdJSONField,
			"jsonget":    cmdJSONGet,
			"junit":      cmdJUnit,
			"fetch":      cmdFetch,
			"heredoc":    cmdHeredoc,
			"gone":       cmdGone,
			"bodies":     cmdBodies,
		},
		RequireExplicitExec: true,
	})
}

// heredoc FILE NAME OUT: write to OUT the here-document that FILE (README.md)
// writes to NAME with `cat > NAME <<'EOF'`, exactly as written there, so a
// script can run the README's example as a reader would.
func cmdHeredoc(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: heredoc FILE NAME OUT")
	}
	text := ts.ReadFile(args[0])
	start := "cat > " + args[1] + " <<'EOF'\n"
	i := strings.Index(text, start)
	if i < 0 {
		ts.Fatalf("%s has no %q", args[0], strings.TrimSpace(start))
	}
	body := text[i+len(start):]
	j := strings.Index(body, "\nEOF\n")
	if j < 0 {
		ts.Fatalf("the here-document for %s in %s has no EOF line", args[1], args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(body[:j+1]), 0o644))
}

// bodies RECORD DIR: write the body of each delivery in RECORD (not
// callbacks or exec runs) to DIR/SEQ.json, so a script can validate what a
// listen recorded.
func cmdBodies(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: bodies RECORD DIR")
	}
	dir := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(dir, 0o755))
	for _, line := range strings.Split(strings.TrimSpace(ts.ReadFile(args[0])), "\n") {
		var rec struct {
			Seq  int64  `json:"seq"`
			Kind string `json:"kind"`
			Body string `json:"body"`
		}
		ts.Check(json.Unmarshal([]byte(line), &rec))
		if rec.Kind == "" {
			ts.Check(os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", rec.Seq)), []byte(rec.Body), 0o644))
		}
	}
}

// gone PID: the process PID has ended: there is none, or it is a zombie
// left for an init that does not reap (as in some containers). A killed
// process ends once it is next scheduled, which on a loaded machine can be
// a moment after kill(2) returned, so gone waits up to 10 s for it;
// ! gone asks about now.
func cmdGone(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: gone PID")
	}
	pid, err := strconv.Atoi(args[0])
	ts.Check(err)
	ended := func() bool {
		p, err := os.FindProcess(pid)
		if err != nil || p.Signal(syscall.Signal(0)) != nil {
			return true
		}
		stat, _ := os.ReadFile("/proc/" + args[0] + "/stat")
		i := bytes.LastIndexByte(stat, ')')
		return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
	}
	gone := ended()
	for deadline := time.Now().Add(10 * time.Second); !neg && !gone && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		gone = ended()
	}
	if gone == neg {
		ts.Fatalf("process %d: gone %v", pid, gone)
	}
}

// deadport VAR: set VAR to a TCP port on 127.0.0.1 that nothing listens
// on, for a script to see a refused connection. Servers never use it: they
// bind port 0 and say where they are in their banner (waitbanner). The
// port stays bound, never listening, until the script ends (holdDeadPort):
// a port merely closed again could be handed to a server of a script
// running in parallel, and was, once in CI.
func cmdDeadport(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: deadport VAR")
	}
	port, release, err := holdDeadPort()
	ts.Check(err)
	ts.Defer(release)
	ts.Setenv(args[0], strconv.Itoa(port))
}

// bannerRE finds the address in the first line a server prints once it
// accepts connections: listen's "listening on http://127.0.0.1:PORT/..."
// and testserver's "testserver listening on 127.0.0.1:PORT".
var bannerRE = regexp.MustCompile(`listening on (?:https?://)?[^\s/]+:(\d+)`)

// waitbanner LOG VAR [REGEXP]: wait until the server started with `logged
// LOG` has printed its banner, and set VAR to the port it listens on (it was
// started with port 0, so the system picked a free one). REGEXP, with one
// group for the port, finds another address in the banner (listen's
// inspector, say). Fails after 15s.
func cmdWaitbanner(ts *testscript.TestScript, neg bool, args []string) {
	if (len(args) != 2 && len(args) != 3) || neg {
		ts.Fatalf("usage: waitbanner LOG VAR [REGEXP]")
	}
	re := bannerRE
	if len(args) == 3 {
		re = regexp.MustCompile(args[2])
	}
	path := ts.MkAbs(args[0])
	for deadline := time.Now().Add(15 * time.Second); ; {
		b, _ := os.ReadFile(path)
		if m := re.FindSubmatch(b); m != nil {
			ts.Setenv(args[1], string(m[1]))
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no banner in %s after 15s:\n%s", args[0], b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitport HOST:PORT: wait until something accepts connections there
// (a started listener), failing after 15s rather than sleeping blindly.
func cmdWaitport(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: waitport HOST:PORT")
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", args[0], time.Second)
		if err == nil {
			c.Close()
			if neg {
				ts.Fatalf("%s accepts connections", args[0])
			}
			return
		}
		if neg {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("nothing listens on %s: %v", args[0], err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitfile FILE [VAR]: wait until FILE exists and is not empty (a
// listen --ready-file), as a shell script's `until [ -s FILE ]` does, and
// set VAR to its first line. Fails after 15s.
func cmdWaitfile(ts *testscript.TestScript, neg bool, args []string) {
	if (len(args) != 1 && len(args) != 2) || neg {
		ts.Fatalf("usage: waitfile FILE [VAR]")
	}
	path := ts.MkAbs(args[0])
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			if len(args) == 2 {
				first, _, _ := strings.Cut(string(b), "\n")
				ts.Setenv(args[1], first)
			}
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s is still missing or empty after 15s", args[0])
		}
	}
}

// jsonfield [-line N] stdout|stderr|FILE PATH WANT: every line (or line N,
// 1-based) must be JSON, and the value at the dotted PATH must print as WANT
// (strings bare, other values as JSON). PATH "." only checks the lines parse.
func cmdJSONField(ts *testscript.TestScript, neg bool, args []string) {
	line := 0
	if len(args) > 1 && args[0] == "-line" {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		line, args = n, args[2:]
	}
	if len(args) != 3 && !(len(args) == 2 && args[1] == ".") {
		ts.Fatalf("usage: jsonfield [-line N] stdout|stderr|FILE PATH WANT")
	}
	var text string
	switch args[0] {
	case "stdout", "stderr":
		text = ts.ReadFile(args[0])
	default:
		text = ts.ReadFile(args[0])
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if line > 0 {
		if line > len(lines) {
			ts.Fatalf("%s has %d lines, want line %d", args[0], len(lines), line)
		}
		lines = lines[line-1 : line]
	}
	for i, l := range lines {
		var v any
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			ts.Fatalf("%s line %d is not JSON: %v\n%s", args[0], i+1, err, l)
		}
		if args[1] == "." {
			continue
		}
		got, ok := dig(v, args[1])
		match := ok && got == args[2]
		if match == neg {
			ts.Fatalf("%s line %d: %s is %q (present %v), want %s%q", args[0], i+1, args[1], got, ok, map[bool]string{true: "not ", false: ""}[neg], args[2])
		}
	}
}

// fetch [-H 'K: V']... [-host H] [-until TEXT] METHOD URL BODY FILE: one
// HTTP request to a loopback URL (BODY ” sends none); FILE gets the
// answer's body and the status must be 2xx (with !, it must not be). With
// -until the request is repeated until the body contains TEXT (for a
// server that shows something once it has noticed it), for at most 30s.
func cmdFetch(ts *testscript.TestScript, neg bool, args []string) {
	hdr := http.Header{}
	host, until := "", ""
	for len(args) > 1 && (args[0] == "-H" || args[0] == "-host" || args[0] == "-until") {
		switch args[0] {
		case "-host":
			host = args[1]
		case "-until":
			until = args[1]
		default:
			if k, v, ok := strings.Cut(args[1], ":"); ok {
				hdr.Set(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		args = args[2:]
	}
	if len(args) != 4 {
		ts.Fatalf("usage: fetch [-H 'K: V']... [-host H] [-until TEXT] METHOD URL BODY FILE")
	}
	c := &http.Client{Timeout: 30 * time.Second}
	var resp *http.Response
	var b []byte
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		req, err := http.NewRequest(args[0], args[1], strings.NewReader(args[2]))
		ts.Check(err)
		req.Header = hdr
		if host != "" {
			req.Host = host
		}
		resp, err = c.Do(req)
		ts.Check(err)
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		ts.Check(err)
		if until == "" || strings.Contains(string(b), until) {
			break
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s %s: no %q in the answer after 30s:\n%s", args[0], args[1], until, b)
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), b, 0o644))
	if ok := resp.StatusCode/100 == 2; ok == neg {
		ts.Fatalf("%s %s: %s\n%s", args[0], args[1], resp.Status, b)
	}
}

// jsonget FILE LINE PATH VAR: set VAR to the value at dotted PATH in line
// LINE (1-based) of FILE, so a script can compare fields across lines.
func cmdJSONGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: jsonget FILE LINE PATH VAR")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	lines := strings.Split(strings.TrimRight(ts.ReadFile(args[0]), "\n"), "\n")
	if n < 1 || n > len(lines) {
		ts.Fatalf("%s has %d lines, want line %d", args[0], len(lines), n)
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(lines[n-1]))
	dec.UseNumber()
	ts.Check(dec.Decode(&v))
	got, ok := dig(v, args[2])
	if !ok {
		ts.Fatalf("%s line %d has no %s", args[0], n, args[2])
	}
	ts.Setenv(args[3], got)
}

// junitDoc is a JUnit report as CI systems read it.
type junitDoc struct {
	XMLName xml.Name `xml:"testsuites"`
	Suites  []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Cases    []struct {
			Name    string        `xml:"name,attr"`
			Failure *junitMessage `xml:"failure"`
			Error   *junitMessage `xml:"error"`
			Skipped *junitMessage `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// junit FILE counts TESTS FAILURES ERRORS SKIPPED: FILE (or stdout) parses
// as a JUnit report with one testsuite and these counts, which agree with
// its testcases.
// junit FILE case NAME pass|failure|error|skipped [REGEXP]: the testcase
// NAME has that outcome, its message or its text matching REGEXP.
func cmdJUnit(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("junit does not support !")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: junit FILE counts T F E S | junit FILE case NAME OUTCOME [REGEXP]")
	}
	var doc junitDoc
	if err := xml.Unmarshal([]byte(ts.ReadFile(args[0])), &doc); err != nil {
		ts.Fatalf("%s is not a JUnit report: %v", args[0], err)
	}
	if len(doc.Suites) != 1 {
		ts.Fatalf("%s has %d testsuites, want 1", args[0], len(doc.Suites))
	}
	su := doc.Suites[0]
	switch args[1] {
	case "counts":
		if len(args) != 6 {
			ts.Fatalf("usage: junit FILE counts TESTS FAILURES ERRORS SKIPPED")
		}
		var f, e, s int
		for _, c := range su.Cases {
			switch {
			case c.Failure != nil:
				f++
			case c.Error != nil:
				e++
			case c.Skipped != nil:
				s++
			}
		}
		if su.Tests != len(su.Cases) || su.Failures != f || su.Errors != e || su.Skipped != s {
			ts.Fatalf("attributes tests=%d failures=%d errors=%d skipped=%d disagree with the testcases (%d, %d, %d, %d)",
				su.Tests, su.Failures, su.Errors, su.Skipped, len(su.Cases), f, e, s)
		}
		got := fmt.Sprint(su.Tests, su.Failures, su.Errors, su.Skipped)
		if want := strings.Join(args[2:], " "); got != want {
			ts.Fatalf("counts (tests failures errors skipped) are %s, want %s", got, want)
		}
	case "case":
		if len(args) < 4 || len(args) > 5 {
			ts.Fatalf("usage: junit FILE case NAME OUTCOME [REGEXP]")
		}
		for _, c := range su.Cases {
			if c.Name != args[2] {
				continue
			}
			outcome, msg := "pass", (*junitMessage)(nil)
			switch {
			case c.Failure != nil:
				outcome, msg = "failure", c.Failure
			case c.Error != nil:
				outcome, msg = "error", c.Error
			case c.Skipped != nil:
				outcome, msg = "skipped", c.Skipped
			}
			if outcome != args[3] {
				ts.Fatalf("testcase %s is %s, want %s", args[2], outcome, args[3])
			}
			if len(args) == 5 {
				re, err := regexp.Compile(args[4])
				ts.Check(err)
				if msg == nil || !re.MatchString(msg.Message) && !re.MatchString(msg.Text) {
					ts.Fatalf("testcase %s: message %+v does not match %q", args[2], msg, args[4])
				}
			}
			return
		}
		ts.Fatalf("no testcase named %s", args[2])
	default:
		ts.Fatalf("junit: unknown mode %q", args[1])
	}
}

func dig(v any, path string) (string, bool) {
	for _, k := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			x, ok := c[k]
			if !ok {
				return "", false
			}
			v = x
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(c) {
				return "", false
			}
			v = c[i]
		default:
			return "", false
		}
	}
	if s, ok := v.(string); ok {
		return s, true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

// dripBody writes body a byte at a time, round and round, flushing each,
// until the client goes or 30 seconds have passed: an answer whose status
// comes at once and whose body never ends.
func dripBody(w http.ResponseWriter, r *http.Request, body string) {
	if body == "" {
		body = "."
	}
	for i := 0; i < 600; i++ {
		if _, err := io.WriteString(w, body[i%len(body):i%len(body)+1]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// testServer is a tiny receiver for scripts: it answers with the statuses
// given in turn (the last repeats), appends each request to -record as a
// JSON line {method, path, headers, body} (and query, when there is one)
// and, with -callback, answers a delivery's callback URL. It stops on
// SIGINT/SIGTERM.
func testServer(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("testserver", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	statuses := fs.String("status", "200", "comma-separated statuses to answer in turn")
	body := fs.String("body", "ok", "response body")
	retryAfter := fs.String("retry-after", "", "Retry-After header on non-2xx answers")
	record := fs.String("record", "", "append each request as a JSON line here")
	answer := fs.String("callback", "", "POST this message to a JSON body's callback URL before answering, as a Permission Assist receiver does")
	drip := fs.Bool("drip", false, "send the status, then the body a byte every 50ms, over and over, until the client goes (30s at most)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var codes []int
	for _, s := range strings.Split(*statuses, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "testserver: bad -status:", err)
			return 2
		}
		codes = append(codes, n)
	}
	var mu sync.Mutex
	var out *bufio.Writer
	var f *os.File
	if *record != "" {
		var err error
		f, err = os.OpenFile(*record, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testserver:", err)
			return 2
		}
		defer f.Close()
		out = bufio.NewWriter(f)
	}
	n := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		code := codes[min(n, len(codes)-1)]
		n++
		if out != nil {
			rec := map[string]any{"method": r.Method, "path": r.URL.Path, "headers": r.Header, "body": string(b)}
			if r.URL.RawQuery != "" {
				rec["query"] = r.URL.RawQuery
			}
			line, _ := json.Marshal(rec)
			out.Write(append(line, '\n'))
			out.Flush()
		}
		mu.Unlock()
		var payload struct {
			Callback string `json:"callback"`
		}
		if *answer != "" && json.Unmarshal(b, &payload) == nil && payload.Callback != "" {
			if resp, err := http.Post(payload.Callback, "text/plain", strings.NewReader(*answer)); err == nil {
				resp.Body.Close()
			}
		}
		if code/100 != 2 && *retryAfter != "" {
			w.Header().Set("Retry-After", *retryAfter)
		}
		w.WriteHeader(code)
		if *drip {
			dripBody(w, r, *body)
			return
		}
		io.Copy(w, bytes.NewBufferString(*body))
	})
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		return 2
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { <-sig; srv.Close() }()
	fmt.Fprintf(stderr, "testserver listening on %s\n", l.Addr())
	if err := srv.Serve(l); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		return 1
	}
	return 0
}
