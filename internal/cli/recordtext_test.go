package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A record file is anyone's text: what replay and verify --recorded print
// from it (a refused request's error, the path, the listener's verdict)
// reaches the terminal with its control characters escaped, C1 and bidi
// controls included.
func TestRecordTextIsEscaped(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok \u009b2J \u202edone\n"))
	}))
	defer srv.Close()
	const hostile = `\u001b]0;t\u0007 \u009b31m \u202e \u2066 \u200f`
	lines := []string{
		`{"seq":1,"received_at":"2025-12-01T14:30:05Z","method":"GET","path":"/","headers":{},"body":"","status":405,"error":"refused ` + hostile + `"}`,
		`{"seq":2,"received_at":"2025-12-01T14:30:05Z","method":"POST","path":"/p` + hostile + `","headers":{"Authorization":"Bearer ****"},"body":"{}",` +
			`"signature":{"scheme":"bearer","valid":false,"reason":"no match ` + hostile + `","kind":"no_match"},"schema":{"name":"","valid":false,"errors":[]},"status":401}`,
		`{"seq":3,"received_at":"2025-12-01T14:30:05Z","method":"P\u009bST\u202e","path":"/","headers":{},"body":"{}",` +
			`"signature":{"scheme":"none","valid":true,"reason":""},"schema":{"name":"","valid":false,"errors":[]},"status":200}`,
	}
	rec := filepath.Join(t.TempDir(), "rec.ndjson")
	if err := os.WriteFile(rec, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	for _, args := range [][]string{
		{"verify", "--recorded", rec, "--secret", "tok-123"},
		{"replay", rec, "--to", srv.URL, "--scheme", "bearer", "--secret", "tok-123"},
	} {
		out, errOut, code := runCLI(t, &App{Getenv: getenv}, args...)
		all := out + errOut
		for _, raw := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\u2066", "\u200f"} {
			if i := strings.Index(all, raw); i >= 0 {
				t.Errorf("%s (exit %d) prints %q raw near %q", args[0], code, raw, all[max(0, i-40):min(len(all), i+40)])
			}
		}
		if !strings.Contains(all, `refused \x1b]0;t\a \u009b31m \u202e \u2066 \u200f`) {
			t.Errorf("%s: the refused request's error is not shown escaped:\n%s", args[0], all)
		}
		if args[0] == "replay" && !strings.Contains(out, `#3 P\u009bST\u202e http`) {
			t.Errorf("replay: the method is not shown escaped:\n%s", all)
		}
	}
}
