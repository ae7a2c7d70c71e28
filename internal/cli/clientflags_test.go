package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

func testApp(out, errb *bytes.Buffer) *App {
	return &App{
		Streams: Streams{In: strings.NewReader(""), Out: out, Err: errb},
		Getenv:  func(string) string { return "" },
		Now:     func() time.Time { return time.Unix(1700000000, 0) },
		NewID:   func() string { return "0a2f4d8e-1111-4222-8333-944455556666" },
	}
}

// The client flags resolve the same way for every command that registers
// them: what is accepted, what is refused and with which message.
func TestClientFlagsResolve(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	headers := filepath.Join(dir, "h.txt")
	os.WriteFile(headers, []byte("X-One: 1\r\n\nX-Two:  two words \n"), 0o644)
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" when it resolves
		check   func(*testing.T, *client)
	}{
		{"defaults", []string{"--to", "http://127.0.0.1:9"}, "", func(t *testing.T, c *client) {
			if c.URL.String() != "http://127.0.0.1:9/" || c.Policy.Retries != 3 || c.Policy.Timeout != 10*time.Second || len(c.Headers) != 0 {
				t.Errorf("got %v %+v %v", c.URL, c.Policy, c.Headers)
			}
			if c.HTTP == nil || c.HTTP.CheckRedirect == nil || c.Policy.Now == nil {
				t.Error("the client follows redirects, or the clock is not the app's")
			}
		}},
		{"timeout 0 is no limit", []string{"--to", "https://x.example/h", "--timeout", "0", "--retries", "0"}, "", func(t *testing.T, c *client) {
			if c.Policy.Timeout != 0 || c.Policy.Retries != 0 {
				t.Errorf("policy %+v", c.Policy)
			}
		}},
		{"headers in order, @FILE expanded", []string{"--to", "http://h/", "-H", "A: 1", "-H", "@" + headers, "-H", "a: 2"}, "", func(t *testing.T, c *client) {
			want := []signature.Header{{Name: "A", Value: "1"}, {Name: "X-One", Value: "1"}, {Name: "X-Two", Value: "two words"}, {Name: "a", Value: "2"}}
			if len(c.Headers) != len(want) {
				t.Fatalf("headers %v", c.Headers)
			}
			for i := range want {
				if c.Headers[i] != want[i] {
					t.Errorf("header %d = %v, want %v", i, c.Headers[i], want[i])
				}
			}
			if got := c.Header().Values("A"); len(got) != 2 {
				t.Errorf("Header() A = %v", got)
			}
		}},
		{"no --to", nil, "no --to URL: where should the webhook go?", nil},
		{"bad --to", []string{"--to", "ftp://h/"}, `invalid --to URL "ftp://h/": the scheme must be http or https, not "ftp"`, nil},
		{"negative retries", []string{"--to", "http://h/", "--retries", "-1"}, "invalid --retries -1: give 0 (no retries) or more", nil},
		{"negative timeout", []string{"--to", "http://h/", "--timeout", "-1s"}, "invalid --timeout -1s: give a duration like 10s, or 0 for no limit", nil},
		{"header without colon", []string{"--to", "http://h/", "-H", "X-No-Colon"}, `malformed header "X-No-Colon"`, nil},
		{"header with a line break", []string{"--to", "http://h/", "-H", "X-A: b\nc"}, `malformed header "X-A": the value contains a line break`, nil},
		{"missing header file", []string{"--to", "http://h/", "-H", "@" + filepath.Join(dir, "none")}, "cannot read " + filepath.Join(dir, "none") + ": no such file or directory", nil},
		{"missing --cacert", []string{"--to", "http://h/", "--cacert", filepath.Join(dir, "none.pem")}, "cannot read --cacert " + filepath.Join(dir, "none.pem") + ": no such file or directory", nil},
		{"--cacert not PEM", []string{"--to", "http://h/", "--cacert", headers}, "--cacert " + headers + " holds no PEM certificate", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cf clientFlags
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			cf.Register(fs, clientDefaults{Retries: 3})
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			c, err := cf.Resolve(testApp(&bytes.Buffer{}, &bytes.Buffer{}), 1)
			switch {
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case err != nil:
				if exitCode(err, &bytes.Buffer{}) != ExitUsage {
					t.Errorf("%v is not a usage error", err)
				}
				return
			}
			tt.check(t, c)
		})
	}
}

// send, replay and callback refuse the same client flag values with the
// same message, before anything is read or sent.
func TestClientFlagsSameEverywhere(t *testing.T) {
	t.Parallel()
	commands := map[string][]string{
		"send":     {"send", "permit.create_user", "--scheme", "none", "--to", "http://127.0.0.1:9/"},
		"replay":   {"replay", "missing.ndjson", "--to", "http://127.0.0.1:9/"},
		"callback": {"callback", "http://127.0.0.1:9/cb", "done"},
	}
	for _, bad := range [][]string{
		{"--retries", "-1"},
		{"--timeout", "-5s"},
		{"-H", "no colon"},
		{"-H", "X-A: 1\r\nX-B: 2"},
		{"-H", "@missing.headers"},
		{"--cacert", "missing.pem"},
		{"--cert", "client.pem"},
		{"--cert", "missing.pem", "--key", "missing-key.pem"},
	} {
		var first string
		for name, args := range commands {
			var out, errb bytes.Buffer
			code := Run(testApp(&out, &errb), append(append([]string{}, args...), bad...))
			line, _, _ := strings.Cut(errb.String(), "\n")
			if code != ExitUsage || out.Len() != 0 || !strings.HasPrefix(line, "webhook-tool: ") {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q", name, bad, code, out.String(), errb.String())
			}
			if first == "" {
				first = line
			} else if line != first {
				t.Errorf("%v: %s says %q, another command %q", bad, name, line, first)
			}
		}
	}
}

// Flag parsing can be tested alone: runF receives the options the flags
// filled, and nothing runs.
func TestSendFlagsParseAlone(t *testing.T) {
	t.Parallel()
	var got *SendOptions
	cmd := newSendCmd(testApp(&bytes.Buffer{}, &bytes.Buffer{}), func(o *SendOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"permit.create_user", "--to", "http://h/", "-H", "A: 1", "--retries", "5", "--timeout", "0", "-k", "--count", "3"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Source != "permit.create_user" || got.Client.To != "http://h/" || got.Client.Retries != 5 || got.Client.Timeout != 0 ||
		!got.Client.TLS.Insecure || got.Count != 3 || len(got.Client.Headers) != 1 {
		t.Errorf("options %+v", got)
	}
}
