package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// -H headers go on every delivery probe sends, the unsigned one too, and
// the signature headers only on the signed ones.
func TestProbeHeadersOnEveryDelivery(t *testing.T) {
	t.Parallel()
	srv, got := recorder(t)
	out, errOut, code := runCLI(t, &App{}, "probe", "--to", srv.URL+"/hooks", "--fixture", "permit.create_user",
		"--secret", testSecret, "-H", "X-Api-Key: k1", "--output", "json")
	if code != ExitFail {
		t.Fatalf("exit %d, want 1 (the recorder accepts anything): %s", code, errOut)
	}
	ds := got()
	// valid, unsigned, tampered, wrong-secret, stale, future, 2 x duplicate, unknown-fields, malformed-json,
	// rotation-order, svix-headers (rotation-secrets is skipped: one --secret)
	if len(ds) != 12 {
		t.Fatalf("%d deliveries, want 12", len(ds))
	}
	unsigned := 0
	for _, d := range ds {
		if d.header.Get("X-Api-Key") != "k1" {
			t.Errorf("a delivery without the -H header: %v", d.header)
		}
		if d.header.Get("Content-Type") != "application/json" || !strings.HasPrefix(d.header.Get("User-Agent"), "webhook-tool/") {
			t.Errorf("headers: %v", d.header)
		}
		if d.header.Get("webhook-signature") == "" && d.header.Get("svix-signature") == "" {
			unsigned++
		}
	}
	if unsigned != 1 {
		t.Errorf("%d deliveries without webhook-signature or svix-signature, want 1 (the unsigned check's)", unsigned)
	}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var c map[string]any
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("line %d is not JSON: %s", i+1, line)
		}
	}
	if !strings.Contains(errOut, "webhook-tool: 5 of 15 checks failed: unsigned, tampered, wrong-secret, stale, future\n") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestProbeHeaderErrors(t *testing.T) {
	t.Parallel()
	_, errOut, code := runCLI(t, &App{}, "probe", "--to", "http://127.0.0.1:1/", "--family", "permit", "--secret", "s", "-H", "no colon")
	if code != ExitUsage || !strings.Contains(errOut, `malformed header "no colon"`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	_, errOut, code = runCLI(t, &App{}, "probe", "--to", "ftp://x/", "--family", "permit", "--secret", "s")
	if code != ExitUsage || !strings.Contains(errOut, "invalid --to URL") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// The scorecard is coloured on a terminal only, never with NO_COLOR, and
// --output json and junit never are.
func TestProbeColour(t *testing.T) {
	t.Parallel()
	srv, _ := recorder(t)
	for _, tc := range []struct {
		name   string
		tty    bool
		env    map[string]string
		output string
		color  bool
	}{
		{name: "terminal", tty: true, output: "text", color: true},
		{name: "not a terminal", output: "text"},
		{name: "NO_COLOR", tty: true, env: map[string]string{"NO_COLOR": "1"}, output: "text"},
		{name: "json on a terminal", tty: true, output: "json"},
		{name: "junit on a terminal", tty: true, output: "junit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "TERM": "xterm-256color"}
			for k, v := range tc.env {
				env[k] = v
			}
			app := &App{Streams: Streams{OutTTY: tc.tty, ErrTTY: tc.tty}, Getenv: func(k string) string { return env[k] }}
			out, errOut, code := runCLI(t, app, "probe", "--to", srv.URL, "--fixture", "permit.create_user", "--scheme", "none", "--output", tc.output)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := strings.Contains(out, "\x1b["); got != tc.color {
				t.Errorf("colour = %v, want %v:\n%q", got, tc.color, out)
			}
		})
	}
}

// probe's flags fill ProbeOptions alone, the shared client flags included
// (runF receives them and nothing runs).
func TestProbeFlagsParseAlone(t *testing.T) {
	t.Parallel()
	var got *ProbeOptions
	cmd := newProbeCmd(testApp(&bytes.Buffer{}, &bytes.Buffer{}), func(o *ProbeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--to", "http://h/hooks", "--fixture", "permit.create_user", "--fixture", "permit.invite_user",
		"--secret", "s", "--scheme", "github", "--tolerance", "1m", "--ack-within", "2s", "--callback-within", "3s",
		"--expect-callback", "--callback-addr", "127.0.0.1:9999", "-H", "X-A: 1", "--timeout", "4s", "--insecure", "-o", "junit"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Client.To != "http://h/hooks" || len(got.Fixtures) != 2 || got.Secrets[0] != "s" || got.Scheme != "github" ||
		got.Tolerance != time.Minute || got.AckWithin != 2*time.Second || got.CallbackWithin != 3*time.Second || !got.ExpectCallback ||
		got.CallbackAddr != "127.0.0.1:9999" || len(got.Client.Headers) != 1 || got.Client.Timeout != 4*time.Second ||
		!got.Client.TLS.Insecure || got.Client.Retries != 0 || got.Output != "junit" {
		t.Errorf("options: %+v", got)
	}
}
