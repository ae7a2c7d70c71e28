package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func runCallbackCLI(t *testing.T, stdin io.Reader, inTTY bool, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{
		Streams:    Streams{In: stdin, Out: &out, Err: &errb, InTTY: inTTY},
		Getenv:     func(string) string { return "" },
		Now:        time.Now,
		HTTPClient: &http.Client{},
	}
	code := Run(app, append([]string{"callback"}, args...))
	return out.String(), errb.String(), code
}

// Standard input that is a terminal is never read: the command would wait
// for input nobody knows to type. Scripts cannot fake a terminal, so it is
// checked here.
func TestCallbackStdinTerminal(t *testing.T) {
	t.Parallel()
	hang := blockingReader{}
	for _, args := range [][]string{
		{"http://127.0.0.1:9/cb", "-"},
		{"http://127.0.0.1:9/cb", "--file", "-"},
		{"--from-payload", "-", "done"},
	} {
		out, errOut, code := runCallbackCLI(t, hang, true, args...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "standard input is a terminal") || !strings.Contains(errOut, "hint: pipe the") {
			t.Errorf("%v: code %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

type blockingReader struct{}

func (blockingReader) Read([]byte) (int, error) { select {} }

func TestCallbackStdinTwice(t *testing.T) {
	t.Parallel()
	_, errOut, code := runCallbackCLI(t, strings.NewReader(`{"callback":"http://127.0.0.1:9/cb"}`), false, "--from-payload", "-", "-")
	if code != ExitUsage || !strings.Contains(errOut, "standard input cannot hold both the delivery and the message") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}

// The message arrives exactly, and a 2xx prints one line on stdout.
func TestCallbackRoundTrip(t *testing.T) {
	t.Parallel()
	var got []byte
	var ctype, ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		ctype, ua = r.Header.Get("Content-Type"), r.Header.Get("User-Agent")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	msg := "Line one ✓\r\n\tindented\n"
	out, errOut, code := runCallbackCLI(t, strings.NewReader(msg), false, srv.URL+"/webhooks/callback/1", "-")
	if code != ExitOK || errOut != "" || !strings.HasPrefix(out, "callback accepted: 202 Accepted in ") {
		t.Fatalf("code %d, stdout %q, stderr %q", code, out, errOut)
	}
	if string(got) != msg || ctype != "text/plain; charset=utf-8" || !strings.HasPrefix(ua, "webhook-tool/") {
		t.Errorf("server got %q, %q, %q", got, ctype, ua)
	}
}

// A redirect's Location is the server's text: shown escaped, C1 and bidi
// controls included.
func TestCallbackRedirectLocationEscaped(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/elsewhere\u009b2J\u202e")
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	_, errOut, code := runCallbackCLI(t, strings.NewReader("ok"), false, srv.URL+"/webhooks/callback/1", "-")
	if code != ExitFail || strings.ContainsAny(errOut, "\u009b\u202e") || !strings.Contains(errOut, `to /elsewhere\u009b2J\u202e`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
