package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// CompileSchema compiles testdata/har-1.2.schema.json, the HAR 1.2
// specification's tables as a JSON Schema.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile("testdata/har-1.2.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	const u = "https://webhook-tool.test/har-1.2.schema.json"
	if err := c.AddResource(u, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(u)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, doc []byte) error {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	return s.Validate(v)
}

var received = time.Date(2026, 3, 1, 9, 12, 44, 123456789, time.UTC)

// sampleRecords are the kinds of request a record holds: a valid delivery
// with a query, an invalid payload, a bad signature (answered 401, with
// the doctor's diagnosis), a callback, a body that is not UTF-8 and a
// request refused before its body was read.
func sampleRecords() []*record.Record {
	valid := &record.Record{
		Seq: 1, ReceivedAt: received, Method: "POST", Path: "/pa", Query: "tenant=acme&x=a%20b",
		Headers:   record.Headers{"Content-Type": "application/json", "Webhook-Id": "msg_1", "Authorization": "Bearer ****"},
		Body:      `{"event":{"name":"AccessRequestCreated"},"callback":"http://127.0.0.1:8080/webhooks/callback/x"}`,
		Signature: &record.Signature{Scheme: "standard", Valid: true}, Status: 200,
		Schema:     &record.Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}},
		DeliveryID: "x",
	}
	invalid := &record.Record{
		Seq: 2, ReceivedAt: received, Method: "POST", Path: "/", Headers: record.Headers{"Content-Type": "application/json"},
		Body: `{"type":"create_user"}`, Signature: &record.Signature{Scheme: "standard", Valid: true}, Status: 200,
		Schema: &record.Schema{Name: "permit.create_user", Errors: []payload.Error{{InstanceLocation: "", Message: "missing property email", Line: 1, Column: 1}}},
	}
	badSig := &record.Signature{Scheme: "standard", Reason: "no signature in webhook-signature matched", Kind: "no_match",
		Diagnosis: &signature.Diagnosis{Cause: "json-reformatted", Detail: "the body was pretty-printed"}}
	bad := &record.Record{
		Seq: 3, ReceivedAt: received, Method: "POST", Path: "/", Headers: record.Headers{"Content-Type": "application/json", "Webhook-Signature": "v1,abc"},
		Body: "{\n  \"a\": 1\n}\n", Signature: badSig, Schema: record.NotChecked("signature failed"), Status: 401,
	}
	cb := &record.Record{
		Seq: 4, ReceivedAt: received, Method: "POST", Path: "/webhooks/callback/x", Headers: record.Headers{"Content-Type": "text/plain; charset=utf-8"},
		Body: "Provisioned.\n", Status: 200, Kind: record.KindCallback, CallbackFor: "x",
	}
	binary := &record.Record{Seq: 5, ReceivedAt: received, Method: "PUT", Path: "/bin", Headers: record.Headers{"Content-Type": "application/octet-stream"},
		Signature: &record.Signature{Scheme: "none", Kind: record.Unchecked}, Status: 200}
	binary.SetBody([]byte{0xff, 0x00, 'x', 0xfe})
	refused := &record.Record{Seq: 6, ReceivedAt: received, Method: "GET", Path: "/", Headers: record.Headers{}, Status: 405,
		Error: "method GET: webhook deliveries are POSTed"}
	return []*record.Record{valid, invalid, bad, cb, binary, refused}
}

func writeAll(t *testing.T, recs []*record.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, Creator{Name: CreatorName, Version: "test"})
	for _, rec := range recs {
		e, err := EntryOf(rec, "http://127.0.0.1"+rec.Path+queryPart(rec.Query))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Add(&e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func queryPart(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

func TestExportValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	doc := writeAll(t, sampleRecords())
	if err := validate(t, s, doc); err != nil {
		t.Fatalf("the export is not HAR 1.2: %v\n%s", err, doc)
	}
	if err := validate(t, s, writeAll(t, nil)); err != nil {
		t.Fatalf("an empty export is not HAR 1.2: %v", err)
	}

	var d Document
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if d.Log.Version != "1.2" || d.Log.Creator.Name != CreatorName || len(d.Log.Entries) != 6 {
		t.Fatalf("log %+v", d.Log)
	}
	for i, e := range d.Log.Entries {
		if sum := e.Timings.Send + e.Timings.Wait + e.Timings.Receive; e.Time != sum {
			t.Errorf("entry %d: time %v is not the sum of its timings %v", i, e.Time, sum)
		}
	}
	e := d.Log.Entries[0]
	if e.StartedDateTime != "2026-03-01T09:12:44.123456789Z" || e.Request.URL != "http://127.0.0.1/pa?tenant=acme&x=a%20b" {
		t.Errorf("entry 1: %s %s", e.StartedDateTime, e.Request.URL)
	}
	if want := []NameValue{{Name: "tenant", Value: "acme"}, {Name: "x", Value: "a b"}}; !reflect.DeepEqual(e.Request.QueryString, want) {
		t.Errorf("queryString %+v", e.Request.QueryString)
	}
	if pd := e.Request.PostData; pd == nil || pd.Text != sampleRecords()[0].Body || pd.MimeType != "application/json" || pd.Encoding != "" {
		t.Errorf("postData %+v", pd)
	}
	if h := e.Request.Headers; len(h) != 3 || h[0].Name != "Authorization" || h[0].Value != "Bearer ****" {
		t.Errorf("headers are not the record's, masked and sorted: %+v", h)
	}
	if e.Request.BodySize != int64(len(sampleRecords()[0].Body)) || e.Response.Status != 200 || e.Response.StatusText != "OK" {
		t.Errorf("sizes and status: %+v", e.Response)
	}
	bad := d.Log.Entries[2].Response
	if bad.Status != 401 || bad.Content.Text != "no signature in webhook-signature matched\nlikely cause (json-reformatted): the body was pretty-printed\n" {
		t.Errorf("the 401's answer: %+v", bad)
	}
	if cb := d.Log.Entries[3]; cb.WebhookTool.Kind != "callback" || cb.Response.Content.Text != "ok\n" {
		t.Errorf("callback entry: %+v %+v", cb.WebhookTool, cb.Response.Content)
	}
	if pd := d.Log.Entries[4].Request.PostData; pd.Encoding != Base64 || pd.Text != "/wB4/g==" {
		t.Errorf("a body that is not UTF-8: %+v", pd)
	}
	if r := d.Log.Entries[5]; r.Request.PostData != nil || r.Response.Content.Text != "method GET: webhook deliveries are POSTed\n" {
		t.Errorf("refused request: %+v", r)
	}
}

// The schema is not a rubber stamp: documents the specification forbids
// fail it.
func TestSchemaRejects(t *testing.T) {
	t.Parallel()
	s := compileSchema(t)
	good := string(writeAll(t, sampleRecords()[:1]))
	for name, bad := range map[string]string{
		"no redirectURL":             strings.Replace(good, `"redirectURL": "",`, ``, 1),
		"a field that is not custom": strings.Replace(good, `"_webhook_tool"`, `"webhook_tool"`, 1),
		"version 1.1":                strings.Replace(good, `"version": "1.2"`, `"version": "1.1"`, 1),
		"postData without text":      strings.Replace(good, `"text": "{`, `"txt": "{`, 1),
		"a negative send timing":     strings.Replace(good, `"send": 0`, `"send": -1`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		if validate(t, s, []byte(bad)) == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

// What this tool writes, it reads back as the same records: replay of a
// HAR export sends what replay of the record file sends.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	recs := sampleRecords()
	r := NewReader(bytes.NewReader(writeAll(t, recs)))
	for _, want := range recs {
		got, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		wb, _ := want.RawBody()
		gb, _ := got.RawBody()
		if !bytes.Equal(wb, gb) {
			t.Errorf("#%d body %q, want %q", want.Seq, gb, wb)
		}
		got.Body, got.BodyEncoding, want.Body, want.BodyEncoding = "", "", "", ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("#%d\n got %+v\nwant %+v", want.Seq, got, want)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last entry: %v", err)
	}
	if !r.Own() {
		t.Error("its own file not recognised")
	}
}

// A browser's HAR: custom fields are not this tool's to read, HTTP/2
// pseudo-headers are not headers, a form may come as params, and entries
// are numbered in order.
func TestReadForeign(t *testing.T) {
	t.Parallel()
	doc := "\ufeff" + `{"log":{"version":"1.2","pages":[{"id":"p"}],"entries":[
	 {"startedDateTime":"2026-01-02T03:04:05.678Z","request":{"method":"POST","url":"https://app.example/hook?a=1",
	  "headers":[{"name":":authority","value":"app.example"},{"name":"x-hub-signature-256","value":"sha256=00"},{"name":"X-Two","value":"1"},{"name":"x-two","value":"2"}],
	  "postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"a b","value":"c&d"}]}},
	  "response":{"status":204},"_webhook_tool":{"seq":99,"kind":"callback"}},
	 {"request":{"url":"https://app.example/"}},
	 {"request":{"method":"POST","url":"https://app.example/x","postData":{"mimeType":"text/plain","text":"/wB4/g==","_encoding":"base64"}}}
	],"creator":{"name":"Chrome","version":"1"}}}`
	var skipped []int
	r := NewReader(strings.NewReader(doc))
	r.Skip = func(n int, _ error) { skipped = append(skipped, n) }
	first, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := first.RawBody()
	if first.Seq != 1 || first.Kind != "" || first.Path != "/hook" || first.Query != "a=1" || string(body) != "a+b=c%26d" || first.Status != 204 {
		t.Errorf("first entry: %+v body %q", first, body)
	}
	if first.Headers["X-Two"] != "1, 2" || len(first.Headers) != 2 || first.Signature.Scheme != "github" || first.Signature.Kind != record.Unchecked {
		t.Errorf("headers %v signature %+v", first.Headers, first.Signature)
	}
	if !first.ReceivedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)) {
		t.Errorf("received at %v", first.ReceivedAt)
	}
	third, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := third.RawBody(); third.Seq != 3 || string(b) != "/wB4/g==" {
		t.Errorf("a foreign _encoding must be ignored: #%d %q", third.Seq, b)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(skipped, []int{2}) || r.Skipped() != 1 {
		t.Errorf("skipped %v", skipped)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"a record file":      `{"seq":1,"method":"POST","path":"/"}` + "\n",
		"no entries":         `{"log":{"version":"1.2"}}`,
		"entries not a list": `{"log":{"entries":{}}}`,
		"cut short":          `{"log":{"entries":[{"request":{"method":"POST","url":"http://h/"}}`,
		"not JSON":           "hello",
		"empty":              "",
	} {
		r := NewReader(strings.NewReader(doc))
		_, err := r.Next()
		if name == "cut short" {
			if err != nil {
				t.Fatalf("%s: the whole first entry: %v", name, err)
			}
			_, err = r.Next()
		}
		if !errors.Is(err, ErrNotHAR) {
			t.Errorf("%s: %v, want ErrNotHAR", name, err)
		}
	}
	// A bad entry stops the read with its number.
	_, err := NewReader(strings.NewReader(`{"log":{"entries":[{"request":{"method":1}}]}}`)).Next()
	if err == nil || !strings.HasPrefix(err.Error(), "entry 1: ") {
		t.Errorf("bad entry: %v", err)
	}
}

// An endless value is refused at MaxEntrySize, not read into memory.
func TestReadBounded(t *testing.T) {
	t.Parallel()
	endless := io.MultiReader(strings.NewReader(`{"log":{"entries":[{"request":{"method":"POST","url":"`), repeatByte('a'))
	_, err := NewReader(endless).Next()
	var tl *EntryTooLargeError
	if !errors.As(err, &tl) || tl.Entry != 1 {
		t.Fatalf("%v, want entry 1 too large", err)
	}
}

type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestSniff(t *testing.T) {
	t.Parallel()
	for start, want := range map[string]bool{
		`{"log":{`:                 true,
		"\ufeff{\n  \"log\": {":    true,
		"  {\n":                    false, // not enough to tell: read as records
		`{"seq":1,"log":2}`:        false,
		`[{"log":1}]`:              false,
		"not json":                 false,
		`{"seq":1,"method":"POST"`: false,
	} {
		if got := Sniff([]byte(start)); got != want {
			t.Errorf("Sniff(%q) = %v", start, got)
		}
	}
}
