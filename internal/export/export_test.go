package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/har"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/replay"
	"github.com/webhook-tool/webhook-tool/internal/signature"
	"github.com/webhook-tool/webhook-tool/internal/testlisten"
)

const (
	secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	other  = "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ=="
)

// post sends body to url, signed with key under the standard scheme when
// key is set, and returns the status.
func post(t *testing.T, url, key, contentType string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if key != "" {
		s, err := signature.NewSigner(signature.Standard, key)
		if err != nil {
			t.Fatal(err)
		}
		hs, err := s.Sign("msg_"+fixture.NewGUID()[:8], time.Now(), body)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			req.Header.Set(h.Name, h.Value)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func renderFixture(t *testing.T, name string, o fixture.RenderOptions) fixture.Rendered {
	t.Helper()
	raw, err := fixture.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	r, err := fixture.Render(raw, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// recorded runs a real listener and sends it a valid delivery, an invalid
// one, one with a bad signature, a callback, and a body that is not UTF-8;
// it returns the record file and the bodies sent, in order.
func recorded(t *testing.T) (string, [][]byte) {
	t.Helper()
	lst := testlisten.Start(t, secret)
	valid := renderFixture(t, "permission_assist.access_request_created", fixture.RenderOptions{CallbackBase: lst.URL + "webhooks/callback/"})
	invalid := renderFixture(t, "permit.create_user", fixture.RenderOptions{Sets: []string{"email=not-an-email"}})
	bad := renderFixture(t, "permit.role_assignment", fixture.RenderOptions{})
	cb := []byte("Provisioned: access removed.\n")
	binary := []byte{'{', 0xff, 0x00, '}', '\r', '\n'}
	for _, s := range []struct {
		url, key, ctype string
		body            []byte
		want            int
	}{
		{lst.URL + "pa?tenant=acme", secret, "application/json", valid.Body, 200},
		{lst.URL, secret, "application/json", invalid.Body, 200},
		{lst.URL, other, "application/json", bad.Body, 401},
		{lst.URL + "webhooks/callback/" + valid.ID, "", "text/plain; charset=utf-8", cb, 200},
		{lst.URL + "bin", secret, "application/octet-stream", binary, 200},
	} {
		if got := post(t, s.url, s.key, s.ctype, s.body); got != s.want {
			t.Fatalf("POST %s: %d, want %d", s.url, got, s.want)
		}
	}
	lst.Stop()
	return lst.Record, [][]byte{valid.Body, invalid.Body, bad.Body, cb, binary}
}

func run(t *testing.T, file string, o Options) ([]byte, Result) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	res, err := Run(context.Background(), OpenInput(f, file, nil), &out, o)
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), res
}

func harSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	s, err := c.Compile("../har/testdata/har-1.2.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The case: a record with a valid, an invalid, a bad-signature and
// a callback delivery exports as HAR 1.2, each body as it was received.
func TestHARFromListen(t *testing.T) {
	t.Parallel()
	file, bodies := recorded(t)
	out, res := run(t, file, Options{Format: HAR, Creator: har.Creator{Name: har.CreatorName, Version: "test"}})
	if res.Exported != 5 || res.Selected != 5 {
		t.Fatalf("result %+v", res)
	}
	var doc any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if err := harSchema(t).Validate(doc); err != nil {
		t.Fatalf("not HAR 1.2: %v\n%s", err, out)
	}
	var d har.Document
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		url    string
		status int
		check  func(x *har.Extension) bool
	}{
		{"http://127.0.0.1/pa?tenant=acme", 200, func(x *har.Extension) bool { return x.Signature.Valid && x.Schema.Valid }},
		{"http://127.0.0.1/", 200, func(x *har.Extension) bool { return x.Signature.Valid && !x.Schema.Valid && len(x.Schema.Errors) > 0 }},
		{"http://127.0.0.1/", 401, func(x *har.Extension) bool { return !x.Signature.Valid && x.Signature.Reason != "" }},
		{"http://127.0.0.1/webhooks/callback/", 200, func(x *har.Extension) bool { return x.Kind == record.KindCallback && x.CallbackFor != "" }},
		{"http://127.0.0.1/bin", 200, func(x *har.Extension) bool { return x.Signature.Valid }},
	}
	for i, e := range d.Log.Entries {
		w := want[i]
		if !strings.HasPrefix(e.Request.URL, w.url) || e.Response.Status != w.status || !w.check(e.WebhookTool) {
			t.Errorf("entry %d: %s %d %+v", i+1, e.Request.URL, e.Response.Status, e.WebhookTool)
		}
		body := []byte(e.Request.PostData.Text)
		if e.Request.PostData.Encoding == har.Base64 {
			body, _ = base64.StdEncoding.DecodeString(e.Request.PostData.Text)
		}
		if !bytes.Equal(body, bodies[i]) {
			t.Errorf("entry %d: body %q, want %q", i+1, body, bodies[i])
		}
		for _, h := range e.Request.Headers {
			if strings.Contains(h.Value, strings.TrimPrefix(secret, "whsec_")) {
				t.Errorf("entry %d: header %s holds the secret", i+1, h.Name)
			}
		}
	}
	if unauthorized := d.Log.Entries[2].Response; !strings.HasPrefix(unauthorized.Content.Text, d.Log.Entries[2].WebhookTool.Signature.Reason+"\n") {
		t.Errorf("the 401's body: %q", unauthorized.Content.Text)
	}
}

// ndjson passes the selected lines on unchanged; a HAR export read back
// gives the record file back, line for line.
func TestNDJSON(t *testing.T) {
	t.Parallel()
	file, _ := recorded(t)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	out, res := run(t, file, Options{Format: NDJSON, Selection: replay.Selection{Seqs: replay.Seqs{{2, 3}}}})
	if string(out) != lines[1]+lines[2] || res.Exported != 2 {
		t.Errorf("--seq 2-3 gave\n%s\nwant\n%s%s", out, lines[1], lines[2])
	}
	out, _ = run(t, file, Options{Format: NDJSON, Selection: replay.Selection{Path: "/webhooks/"}})
	if string(out) != lines[3] {
		t.Errorf("--path /webhooks/ gave\n%s", out)
	}

	harOut, _ := run(t, file, Options{Format: HAR, Creator: har.Creator{Name: har.CreatorName, Version: "test"}})
	harFile := t.TempDir() + "/export.json" // content, not the extension, says HAR
	if err := os.WriteFile(harFile, harOut, 0o600); err != nil {
		t.Fatal(err)
	}
	back, _ := run(t, harFile, Options{Format: NDJSON})
	if string(back) != string(raw) {
		t.Errorf("HAR read back as records:\n%s\nwant\n%s", back, raw)
	}
}

// curl comes from the generator it is given: a comment line names each
// request and what the command leaves out.
func TestCurl(t *testing.T) {
	t.Parallel()
	file, _ := recorded(t)
	fake := func(rec *record.Record, base string) (string, []string, error) {
		if rec.Seq == 5 {
			return "", nil, errors.New("cannot")
		}
		return "curl " + base + rec.Path, []string{"header Authorization: masked\x1b[2J"}, nil
	}
	var warned []string
	f, _ := os.Open(file)
	defer f.Close()
	var out bytes.Buffer
	res, err := Run(context.Background(), OpenInput(f, file, nil), &out, Options{
		Format: Curl, To: "http://127.0.0.1:9/x", Curl: fake, Selection: replay.Selection{Seqs: replay.Seqs{{3, 5}}},
		Warn: func(m string) { warned = append(warned, m) },
	})
	if err != nil || res.Exported != 2 || res.Selected != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	want := "# #3 POST /\n#   left out: header Authorization: masked\\x1b[2J\ncurl http://127.0.0.1:9/x/\n\n" +
		"# #4 POST /webhooks/callback/" + strings.Split(out.String(), "/webhooks/callback/")[1][:36] + " (callback)\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("curl output:\n%s\nwant it to start\n%s", out.String(), want)
	}
	if len(warned) != 1 || warned[0] != "#5 not exported: cannot" {
		t.Errorf("warnings %q", warned)
	}
	_, err = Run(context.Background(), OpenInput(strings.NewReader(""), "x", nil), &out, Options{Format: Curl})
	if !errors.Is(err, ErrNoCurl) {
		t.Errorf("without a generator: %v", err)
	}
}

// The recorded Host names the host of a HAR URL when it is a plain host;
// a Host that would change the URL's shape is not used.
func TestEntryURL(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]string{
		"":                    "http://127.0.0.1/p?q=1",
		"hooks.example:8443":  "http://hooks.example:8443/p?q=1",
		"evil.example/x?y=":   "http://127.0.0.1/p?q=1",
		"user@evil.example":   "http://127.0.0.1/p?q=1",
		"[::1]:8080":          "http://[::1]:8080/p?q=1",
		"bad host\r\nX-Y: z":  "http://127.0.0.1/p?q=1",
		"evil.example#frag":   "http://127.0.0.1/p?q=1",
		"ok.example":          "http://ok.example/p?q=1",
		"ok.example:notaport": "http://127.0.0.1/p?q=1",
	} {
		rec := &record.Record{Path: "/p", Query: "q=1", Headers: record.Headers{}}
		if host != "" {
			rec.Headers["Host"] = host
		}
		if got := entryURL(rec, ""); got != want {
			t.Errorf("Host %q: %s, want %s", host, got, want)
		}
	}
	rec := &record.Record{Path: "/p", Query: "q=1", Headers: record.Headers{"Host": "ok.example"}}
	if got := entryURL(rec, "https://app.example/hooks"); got != "https://app.example/hooks/p?q=1" {
		t.Errorf("with --to: %s", got)
	}
}
