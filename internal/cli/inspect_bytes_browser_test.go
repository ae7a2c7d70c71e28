package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
	"github.com/webhook-tool/webhook-tool/internal/testexec"
)

// The page keeps every byte a record holds: Copy as curl quotes each part
// so that no byte leaves its argument and sends the body's exact bytes to
// the recorded path and query; Diff tells apart what JavaScript numbers
// and objects would not; Edit and send with nothing edited sends the body
// as recorded.

// hostileRecords are a record file's lines: a method a client can send to
// listen, a method only a file can hold, and bodies JavaScript would round
// or merge.
func hostileRecords() []*record.Record {
	sig := &record.Signature{Scheme: "standard", Kind: record.Unchecked}
	mk := func(seq int64, method, path, query, body string, h record.Headers, s *record.Signature) *record.Record {
		r := &record.Record{Seq: seq, ReceivedAt: time.Unix(1700000000+seq, 0).UTC(), Method: method, Path: path, Query: query,
			Headers: h, Signature: s, Status: 200}
		r.SetBody([]byte(body))
		return r
	}
	jsonH := func() record.Headers { return record.Headers{"Content-Type": "application/json"} }
	return []*record.Record{
		mk(1, `X&touch$IFS'PWNED'&`, "/hooks", "tenant=acme", "@/etc/hostname",
			record.Headers{"Content-Type": "text/plain", "X-Evil": "a'b $(touch PWNED) `touch PWNED`"}, nil),
		mk(2, "POST;touch PWNED;#", "/", "", "'; touch PWNED; '\n", record.Headers{}, sig),
		mk(3, "POST", "/", "", `{"id":9007199254740993,"big":1e400,"dup":1,"dup":2,"n":1.0}`, jsonH(), sig),
		mk(4, "POST", "/", "", `{"id":9007199254740992,"big":1e400,"dup":1,"dup":2,"n":1.0}`, jsonH(), sig),
		mk(5, "POST", "/", "", `{"__proto__":{"x":1},"k":1}`, jsonH(), sig),
		mk(6, "POST", "/", "", `{"k":1}`, jsonH(), sig),
	}
}

// startInspectFile serves recs as inspect serves a record file, replaying
// without re-signing; with tooLong, after a line longer than replay reads.
func startInspectFile(t *testing.T, recs []*record.Record, tooLong bool) string {
	t.Helper()
	var file []byte
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		file = append(append(file, b...), '\n')
	}
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	if tooLong {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range record.MaxLineSize >> 20 {
			f.Write(chunk)
		}
		if _, err := f.WriteString("a\n"); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	store, err := inspect.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	app := &App{Now: time.Now}
	srv := inspect.NewServer(inspect.Config{Store: store, Replayer: newReplayer(app, nil, signature.None)})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	page, _, err := inspect.Start(ctx, "127.0.0.1:0", 1, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// curlStub is a curl that writes its arguments, each followed by a NUL,
// and what it reads on stdin.
const curlStub = `#!/bin/sh
for a in "$@"; do printf '%s\0' "$a"; done > "$CURL_ARGV"
cat > "$CURL_STDIN"
`

// runWithStubCurl runs the copied command with sh in an empty directory
// and returns what the stub curl got; it fails when the command ran
// anything else (a file appeared).
func runWithStubCurl(t *testing.T, command string) ([]string, []byte) {
	t.Helper()
	bin, dir := t.TempDir(), t.TempDir()
	testexec.Write(t, filepath.Join(bin, "curl"), curlStub)
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CURL_ARGV="+filepath.Join(bin, "argv"), "CURL_STDIN="+filepath.Join(bin, "stdin"))
	out, err := cmd.CombinedOutput()
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("pasting the command made %q:\n%s", left[0].Name(), command)
	}
	if err != nil {
		t.Fatalf("sh: %v: %s\n%s", err, out, command)
	}
	raw, _ := os.ReadFile(filepath.Join(bin, "argv"))
	stdin, _ := os.ReadFile(filepath.Join(bin, "stdin"))
	argv := strings.Split(string(raw), "\x00")
	return argv[:len(argv)-1], stdin
}

func TestInspectorKeepsBytesInBrowser(t *testing.T) {
	page := startInspectFile(t, hostileRecords(), true)
	ctx := newBrowser(t)
	step(t, ctx, "open the page", chromedp.Navigate(page), poll(`document.querySelectorAll('#rows tr').length === 6`))
	if got := eval[string](t, ctx, `document.querySelector('#source').textContent`); !strings.Contains(got, "1 line longer than 64 MiB skipped unread") {
		t.Errorf("the page does not say a line was too long: %q", got)
	}

	// selectRow shows a record's detail, a new pane even when it is shown
	// already.
	selectRow := func(t *testing.T, seq string) {
		t.Helper()
		step(t, ctx, "select #"+seq, chromedp.Evaluate[chromedp.Void](`document.querySelector('#detail').replaceChildren()`),
			chromedp.Click(`#rows tr[data-seq="`+seq+`"] td.path`),
			poll(`document.querySelector('#detail h2') !== null && document.querySelector('#detail h2').textContent.startsWith('#`+seq+` ')`))
	}
	copyCurl := func(t *testing.T, seq, to string) string {
		t.Helper()
		selectRow(t, seq)
		step(t, ctx, "copy #"+seq, chromedp.SetValue(`#replay-to`, to), chromedp.Click(`#curl`), poll(`document.querySelector('#curltext') !== null`))
		return eval[string](t, ctx, `document.querySelector('#curltext').textContent`)
	}

	t.Run("Copy as curl runs curl and nothing else, with the request's bytes", func(t *testing.T) {
		const to = "http://127.0.0.1:9/base"
		for _, tc := range []struct {
			seq  string
			argv []string
			body string
		}{
			{"1", []string{"--globoff", "-X", `X&touch$IFS'PWNED'&`, "--url", to + "/hooks?tenant=acme",
				"-H", "Content-Type: text/plain", "-H", "X-Evil: a'b $(touch PWNED) `touch PWNED`", "--data-binary", "@-"}, "@/etc/hostname"},
			{"2", []string{"--globoff", "-X", "POST;touch PWNED;#", "--url", to, "-H", "Content-Type:", "--data-binary", "@-"},
				"'; touch PWNED; '\n"},
		} {
			command := copyCurl(t, tc.seq, to)
			argv, stdin := runWithStubCurl(t, command)
			if !slices.Equal(argv, tc.argv) {
				t.Errorf("#%s: curl got\n %q\nwant %q\nfrom\n%s", tc.seq, argv, tc.argv, command)
			}
			if string(stdin) != tc.body {
				t.Errorf("#%s: curl read %q on stdin, want %q", tc.seq, stdin, tc.body)
			}
		}
	})

	t.Run("the copied command reaches a server with the recorded request", func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("curl is not installed, and CI must run this test: apt-get install -y curl")
			}
			t.Skip("no curl on PATH: the stub above stands for it; CI runs this test")
		}
		rcv := &receiver{}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		command := copyCurl(t, "1", srv.URL+"/base")
		cmd := exec.Command("sh", "-c", command+" --silent --show-error")
		cmd.Dir = t.TempDir()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s\n%s", err, out, command)
		}
		reqs, bodies := rcv.got()
		if len(reqs) != 1 {
			t.Fatalf("the server got %d requests", len(reqs))
		}
		if r := reqs[0]; r.Method != `X&touch$IFS'PWNED'&` || r.URL.Path != "/base/hooks" || r.URL.RawQuery != "tenant=acme" || string(bodies[0]) != "@/etc/hostname" {
			t.Errorf("the server got %s %s with %q", r.Method, r.URL, bodies[0])
		}
	})

	t.Run("the pretty body keeps numbers and keys", func(t *testing.T) {
		selectRow(t, "3")
		pretty := eval[string](t, ctx, `document.querySelector('#detail pre.pretty').textContent`)
		for _, want := range []string{"9007199254740993", "1e400", `"dup": 1`, `"dup": 2`, "1.0"} {
			if !strings.Contains(pretty, want) {
				t.Errorf("the pretty body lacks %s:\n%s", want, pretty)
			}
		}
	})

	t.Run("Diff tells apart what JavaScript would merge", func(t *testing.T) {
		for _, tc := range []struct {
			a, b string
			want []string
		}{
			{"3", "4", []string{"/id", "9007199254740993", "9007199254740992"}},
			{"5", "6", []string{"/__proto__", "removed"}},
		} {
			step(t, ctx, "tick #"+tc.a+" and #"+tc.b, chromedp.Click(`#rows tr[data-seq="`+tc.a+`"] input`), chromedp.Click(`#rows tr[data-seq="`+tc.b+`"] input`),
				poll(`!document.querySelector('#diff').disabled`), chromedp.Click(`#diff`),
				poll(`document.querySelector('#detail h2') && document.querySelector('#detail h2').textContent === 'Diff of #`+tc.a+` and #`+tc.b+`'`))
			got := eval[string](t, ctx, `document.querySelector('#detail').innerText`)
			if strings.Contains(got, "the same JSON") {
				t.Errorf("#%s and #%s: %q", tc.a, tc.b, got)
			}
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("the diff of #%s and #%s lacks %q:\n%s", tc.a, tc.b, want, got)
				}
			}
			step(t, ctx, "untick", chromedp.Click(`#rows tr[data-seq="`+tc.a+`"] input`), chromedp.Click(`#rows tr[data-seq="`+tc.b+`"] input`))
		}
	})

	t.Run("Edit and send sends the recorded bytes unless edited, and keeps numbers and keys when edited", func(t *testing.T) {
		rcv := &receiver{}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		edit := func(change string) {
			selectRow(t, "3")
			step(t, ctx, "edit #3", chromedp.SetValue(`#replay-to`, srv.URL), chromedp.Click(`#edit`), poll(`document.querySelector('#editbody') !== null`))
			if change != "" {
				eval[bool](t, ctx, `(() => { const a = document.querySelector('#editbody');
					a.value = a.value.replace('"n": 1.0', `+change+`); return true; })()`)
			}
			step(t, ctx, "send", chromedp.Click(`#editsend`), poll(`document.querySelector('#replay-result') !== null`))
		}
		edit("")
		edit(`'"n": 2.0'`)
		_, bodies := rcv.got()
		if len(bodies) != 2 {
			t.Fatalf("the receiver got %d requests", len(bodies))
		}
		if want := `{"id":9007199254740993,"big":1e400,"dup":1,"dup":2,"n":1.0}`; string(bodies[0]) != want {
			t.Errorf("nothing edited, the receiver got\n%s\nnot\n%s", bodies[0], want)
		}
		compact := new(bytes.Buffer)
		if err := json.Compact(compact, bodies[1]); err != nil || compact.String() != `{"id":9007199254740993,"big":1e400,"dup":1,"dup":2,"n":2.0}` {
			t.Errorf("edited, the receiver got\n%s", bodies[1])
		}
	})
}
