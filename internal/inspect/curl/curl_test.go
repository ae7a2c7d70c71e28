package curl

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/replay"
	"github.com/webhook-tool/webhook-tool/internal/testexec"
)

const base = "http://127.0.0.1:9/base"

// hostile are records a client or a record file's writer chose, each with
// the argv and body its command must give curl.
var hostile = []struct {
	name string
	rec  func() *record.Record
	argv []string
	body string
}{
	{
		name: "a method a client can send to listen",
		rec: func() *record.Record {
			r := &record.Record{Seq: 1, Method: `X&touch$IFS'PWNED'&`, Path: "/hooks", Query: "tenant=acme",
				Headers: record.Headers{"Content-Type": "application/json"}}
			r.SetBody([]byte(`{"a":1}`))
			return r
		},
		argv: []string{"curl", "--globoff", "-X", `X&touch$IFS'PWNED'&`, "--url", base + "/hooks?tenant=acme",
			"-H", "Content-Type: application/json", "--data-binary", "@-"},
		body: `{"a":1}`,
	},
	{
		name: "a method from a record file",
		rec: func() *record.Record {
			return &record.Record{Seq: 2, Method: "POST;touch PWNED;#", Path: "/"}
		},
		argv: []string{"curl", "--globoff", "-X", "POST;touch PWNED;#", "--url", base},
	},
	{
		name: "a body that names a file, a query with shell and glob characters",
		rec: func() *record.Record {
			r := &record.Record{Seq: 3, Method: "POST", Path: "/a b/$(touch PWNED)", Query: "x=`touch$IFS'PWNED'`&ids=[1,2]&q={a,b}",
				Headers: record.Headers{"X-Quote": `it's "$(touch PWNED)" ;| & \`}}
			r.SetBody([]byte("@/etc/hostname"))
			return r
		},
		argv: []string{"curl", "--globoff", "-X", "POST", "--url", base + "/a%20b/$%28touch%20PWNED%29?x=`touch$IFS'PWNED'`&ids=[1,2]&q={a,b}",
			"-H", `X-Quote: it's "$(touch PWNED)" ;| & \`, "-H", "Content-Type:", "--data-binary", "@-"},
		body: "@/etc/hostname",
	},
	{
		name: "bytes that are not text",
		rec: func() *record.Record {
			r := &record.Record{Seq: 4, Method: "PUT\x1b[31m\u202e", Path: "/", Query: "a=\x07\x15\r\n",
				Headers: record.Headers{"X-Tab": "a\tb", "X-Empty": "", "X-Blank": " \t", "X-Bad": "a\nb: c", "@X": "file", "Content-Type": "text/plain"}}
			r.SetBody([]byte("-n\x00\xff\xfe'%s\\n\n\n\t\x151\x1b2\r\n\n"))
			return r
		},
		argv: []string{"curl", "--globoff", "-X", "PUT\x1b[31m\u202e", "--url", base + "?a=\x07\x15\r\n",
			"-H", "Content-Type: text/plain", "-H", "X-Blank;", "-H", "X-Empty;", "-H", "X-Tab: a\tb", "--data-binary", "@-"},
		body: "-n\x00\xff\xfe'%s\\n\n\n\t\x151\x1b2\r\n\n",
	},
}

func TestCommandArgv(t *testing.T) {
	t.Parallel()
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.rec(), base, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Argv, tc.argv) {
				t.Errorf("argv\n got %q\nwant %q", c.Argv, tc.argv)
			}
			if string(c.Stdin) != tc.body || (tc.body == "") != (c.Stdin == nil) {
				t.Errorf("stdin %q, want %q", c.Stdin, tc.body)
			}
			argv, stdin, err := parseCommand(c.Text)
			if err != nil {
				t.Fatalf("%v in\n%s", err, c.Text)
			}
			if !slices.Equal(argv, tc.argv) || string(stdin) != tc.body {
				t.Errorf("the command parses to %q with %q on stdin:\n%s", argv, stdin, c.Text)
			}
			if strings.ContainsFunc(strings.ReplaceAll(c.Text, "\n", ""), func(r rune) bool { return r < ' ' || r == 0x7f || r == '\u202e' }) {
				t.Errorf("the command holds a control character a terminal would act on:\n%q", c.Text)
			}
		})
	}
}

// A stub curl on PATH writes its arguments, each followed by a NUL, and
// what it reads on stdin; the command runs in the real shells.
const stub = `#!/bin/sh
for a in "$@"; do printf '%s\0' "$a"; done > "$CURL_ARGV"
cat > "$CURL_STDIN"
`

func TestCommandInRealShells(t *testing.T) {
	t.Parallel()
	shells := []string{}
	for _, sh := range []string{"sh", "dash", "bash", "zsh"} {
		if _, err := exec.LookPath(sh); err == nil {
			shells = append(shells, sh)
		}
	}
	if len(shells) == 0 {
		t.Fatal("no sh on PATH")
	}
	bin := t.TempDir()
	testexec.Write(t, filepath.Join(bin, "curl"), stub)
	for _, sh := range shells {
		for _, tc := range hostile {
			t.Run(sh+"/"+tc.name, func(t *testing.T) {
				c, err := New(tc.rec(), base, nil)
				if err != nil {
					t.Fatal(err)
				}
				argv, stdin := runStub(t, sh, bin, c.Text)
				if !slices.Equal(argv, tc.argv[1:]) {
					t.Errorf("curl got\n %q\nwant %q\nfrom\n%s", argv, tc.argv[1:], c.Text)
				}
				if string(stdin) != tc.body {
					t.Errorf("curl read %q, want %q", stdin, tc.body)
				}
			})
		}
	}
}

// runStub runs text with sh in a new directory, the stub first on PATH,
// and fails when it ran anything but the stub.
func runStub(t *testing.T, sh, bin, text string) ([]string, []byte) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(sh, "-c", text)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CURL_ARGV="+filepath.Join(bin, "argv"), "CURL_STDIN="+filepath.Join(bin, "stdin"))
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("%s: %v: %s\n%s", sh, err, out, text)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Fatalf("the command made %s in its directory:\n%s", left[0].Name(), text)
	}
	raw, err := os.ReadFile(filepath.Join(bin, "argv"))
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := os.ReadFile(filepath.Join(bin, "stdin"))
	if err != nil {
		t.Fatal(err)
	}
	argv := strings.Split(string(raw), "\x00")
	return argv[:len(argv)-1], stdin
}

// The real curl, when there is one, sends the recorded request: the
// method, the path and query, the headers and the body's bytes.
func TestCommandReachesAServer(t *testing.T) {
	t.Parallel()
	curl, err := exec.LookPath("curl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is not installed, and CI must run this test: apt-get install -y curl")
		}
		t.Skip("no curl on PATH: the argv tests above stand for it; CI runs this test")
	}
	type arrival struct {
		r    *http.Request
		body []byte
	}
	arrived := make(chan arrival, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case arrived <- arrival{r, b}:
		default:
		}
	}))
	defer srv.Close()
	for _, i := range []int{0, 2} { // the methods of the others are no HTTP token
		rec := hostile[i].rec()
		c, err := New(rec, srv.URL+"/base", nil)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", "-c", c.Text+" --silent --show-error")
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(curl)+string(os.PathListSeparator)+os.Getenv("PATH"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s\n%s", err, out, c.Text)
		}
		var got *http.Request
		var body []byte
		select {
		case a := <-arrived:
			got, body = a.r, a.body
		default:
		}
		want := replay.URL(rec, srv.URL+"/base")
		if got == nil || got.Method != rec.Method || "http://"+got.Host+got.URL.RequestURI() != want {
			t.Fatalf("the server got %v, want %s %s", got, rec.Method, want)
		}
		if raw, _ := rec.RawBody(); !bytes.Equal(body, raw) {
			t.Errorf("the server got the body %q, want %q", body, raw)
		}
		for k, v := range rec.Headers {
			if got.Header.Get(k) != v {
				t.Errorf("header %s: %q, want %q", k, got.Header.Get(k), v)
			}
		}
		if _, ok := rec.Headers["Content-Type"]; !ok && got.Header.Get("Content-Type") != "" {
			t.Errorf("curl added Content-Type %q", got.Header.Get("Content-Type"))
		}
	}
}

// FuzzCommand: for any record, the command parses, as a shell reads it, to
// the argv New meant, with the body's exact bytes on curl's stdin, the
// recorded method and the URL replay sends to.
func FuzzCommand(f *testing.F) {
	for _, tc := range hostile {
		r := tc.rec()
		b, _ := r.RawBody()
		f.Add(r.Method, r.Path, r.Query, "X-H", r.Headers["X-Quote"], b)
	}
	f.Add("POST", "/", "", "Content-Type", "", []byte("-"))
	f.Add("'", "'", "'", "'", "'", []byte("'\\%"))
	f.Fuzz(func(t *testing.T, method, path, query, hname, hvalue string, body []byte) {
		rec := &record.Record{Seq: 1, Method: method, Path: path, Query: query, Headers: record.Headers{hname: hvalue}}
		rec.SetBody(body)
		c, err := New(rec, base, nil)
		if err != nil {
			if method == "" || errors.Is(err, ErrNUL) && strings.ContainsRune(method+replay.URL(rec, base), 0) {
				return
			}
			t.Fatalf("%q: %v", method, err)
		}
		argv, stdin, err := parseCommand(c.Text)
		if err != nil {
			t.Fatalf("%v in\n%q", err, c.Text)
		}
		if !slices.Equal(argv, c.Argv) {
			t.Fatalf("the command parses to\n %q\nnot %q:\n%q", argv, c.Argv, c.Text)
		}
		if len(body) == 0 {
			if c.Stdin != nil || stdin != nil {
				t.Fatalf("a command without a body pipes %q", stdin)
			}
		} else if !bytes.Equal(stdin, body) || !bytes.Equal(c.Stdin, body) {
			t.Fatalf("curl reads %q, want %q", stdin, body)
		}
		if argv[3] != method || argv[5] != replay.URL(rec, base) {
			t.Fatalf("method %q URL %q", argv[3], argv[5])
		}
	})
}
