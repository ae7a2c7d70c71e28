package inspect

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// traceEvents is an EventReader that tells what it was given: the body's
// bytes, and the headers (nil or not, and each of them). Two parses that
// agree on it handed the reader the same things.
func traceEvents(body []byte, h record.Headers) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q nil=%v", body, h == nil)
	for _, k := range slices.Sorted(maps.Keys(h)) {
		fmt.Fprintf(&b, " %q=%q", k, h[k])
	}
	return b.String()
}

// sameParse holds parseLine to parseLineJSON on raw: the same line, an
// error or none alike (the same one when the fast path answers itself;
// encoding/json's may name another header, record.Headers reading a map).
// With fast set, the fast path must take raw itself.
func sameParse(t testing.TB, raw []byte, fast bool) {
	t.Helper()
	want, werr := parseLineJSON(raw, traceEvents)
	got, gerr := fastParseLine(raw, traceEvents)
	same := gerr == werr
	if gerr == errGaveUp {
		if fast {
			t.Errorf("the fast path gave up on %s", raw)
		}
		got, gerr = parseLine(raw, traceEvents)
		same = (gerr == nil) == (werr == nil)
	}
	if !same {
		t.Fatalf("%s:\nfast path error %v\nencoding/json  %v", raw, gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\nfast path     %+v\nencoding/json %+v", raw, got, want)
	}
}

// sampleRecords are records as listen writes them, of every shape a
// summary reads.
func sampleRecords(t testing.TB) []record.Record {
	t.Helper()
	pretty, err := fixtures.FS.ReadFile(fixtures.Path("permission_assist.access_request_approved"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 12, 0, 0, 42e6, time.UTC)
	hs := map[string]string{"Content-Type": "application/json", "Webhook-Id": "id-1", "X-Odd": "tab\there \"q\" \\ é 😀"}
	sig := &record.Signature{Scheme: "standard", Valid: true, Reason: "ok"}
	valid := &record.Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}}
	invalid := &record.Schema{Name: "permission_assist.access_request", Errors: []payload.Error{
		{InstanceLocation: "/event/request/action", Message: "must be one of", Line: 13, Column: 17},
		{InstanceLocation: "/id", Message: "required"}}, Omitted: 4}
	base := func(seq int64, body string) record.Record {
		r := record.Record{Seq: seq, ReceivedAt: at.Add(time.Duration(seq) * time.Second), Method: "POST", Path: "/hooks",
			Headers: hs, Signature: sig, Schema: valid, Status: 200, DeliveryID: fmt.Sprint("id-", seq)}
		r.SetBody([]byte(body))
		return r
	}
	recs := []record.Record{base(1, string(pretty)), base(2, `{"compact":true,"n":[1,2,3]}`), base(3, "")}
	r := base(4, "\"\\/\b\f\n\r\t\x00\x01\x1f\u2028\u2029 é 日本 😀 \x7f <&> end")
	r.Schema = invalid
	r.Signature = &record.Signature{Scheme: "github", Reason: "no match", Kind: "no_match",
		Diagnosis: &signature.Diagnosis{Cause: signature.CauseJSONReformatted, Detail: "keys reordered"}}
	recs = append(recs, r)
	r = base(5, string(pretty))
	r.Signature, r.Schema = &record.Signature{Scheme: "standard", Kind: record.Unchecked}, record.NotChecked("signature failed")
	r.Rule, r.Duplicate, r.Error = &record.RuleRef{Name: "deny-all"}, true, "answered 500 by rule"
	r.Forward = &record.Forward{URL: "http://127.0.0.1:1/app", Status: 502, DurationMS: 1.5, Body: "bad gateway"}
	r.Forwards = []record.Forward{{URL: "http://127.0.0.1:2/", Error: "refused"}}
	recs = append(recs, r)
	r = base(6, "\xff\xfe not UTF-8")
	r.Rule, r.Forward = &record.RuleRef{Number: 3}, &record.Forward{URL: "http://x/", Error: "timeout"}
	r.Query, r.PathRaw, r.UserInviteID = "a=1&b=%20", "/h%6Fok", "inv-1"
	r.ClientCert = &record.ClientCert{Subject: "CN=client", Issuer: "CN=ca"}
	recs = append(recs, r)
	r = base(7, `{"x":1}`)
	r.Headers = map[string]string{"X-Bin": "a\ufffdb"}
	r.HeadersBase64 = map[string]string{"X-Bin": "Yf9i"}
	r.Method, r.Path, r.Status, r.Kind, r.DeliveryID = "PUT", "/ünï/ço∂e", 0, "custom", ""
	recs = append(recs, r)
	r = base(8, "Provisioning complete.")
	r.Kind, r.CallbackFor, r.Signature, r.Schema = record.KindCallback, "id-7", nil, nil
	recs = append(recs, r)
	r = base(9, string(pretty))
	r.Headers, r.Signature, r.Schema, r.Seq = nil, nil, nil, 1<<62
	return append(recs, r)
}

// sampleLines are sampleRecords' lines, with exec lines.
func sampleLines(t testing.TB) [][]byte {
	t.Helper()
	var lines [][]byte
	for _, r := range sampleRecords(t) {
		line, err := record.Marshal(nil, &r)
		if err != nil {
			t.Fatal(err)
		}
		// The writer puts the seq in front.
		lines = append(lines, fmt.Appendf(nil, `{"seq":%d%s`, r.Seq, line[len(`{"seq":0`):]))
	}
	execs := []record.Exec{
		{DeliverySeq: 4, ExitCode: 1, DurationMS: 12.5, StdoutExcerpt: "out\n", StderrExcerpt: "err \"x\"",
			Callback: &record.ExecCallback{URL: "http://x/cb", Status: 200}},
		{DeliverySeq: 5, DeliveryID: "id-5", ExitCode: -1, NotRun: true, Error: "never ran"},
	}
	for i, e := range execs {
		line, err := record.MarshalExec(nil, &e)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Appendf(nil, `{"seq":%d%s`, 20+i, line[len(`{"seq":0`):]))
	}
	return lines
}

// oddLines are lines no listen writes, for the fast path to read as
// encoding/json does or to leave to it.
var oddLines = []string{
	``, ` `, `null`, `[]`, `"x"`, `5`, `{}`, `{"method":"POST"}`, ` {"method":"POST"} `, `{"method":"POST"}x`,
	`{"method":"POST"`, `{"method":"POST",}`, "\xef\xbb\xbf{\"method\":\"POST\"}", `{"method":"PO\u0053T","se\u0071":7}`,
	`{"method":"POST","seq":7,"seq":8}`, `{"method":"POST","Seq":7}`, `{"method":"POST","ſeq":7}`, `{"METHOD":"POST"}`,
	`{"method":"POST","seq":1e3}`, `{"method":"POST","seq":1.0}`, `{"method":"POST","seq":-0}`,
	`{"method":"POST","seq":9223372036854775807}`, `{"method":"POST","seq":9223372036854775808}`,
	`{"method":"POST","status":-9223372036854775809}`, `{"method":"POST","seq":"7"}`,
	`{"method":"POST","received_at":"2026-11-30T12:00:00+02:00"}`, `{"method":"POST","received_at":"2026-11-30"}`,
	`{"method":"POST","received_at":"2026\u002d11-30T12:00:00Z"}`, `{"method":"POST","received_at":5}`,
	`{"method":"POST","received_at":null,"path":null,"status":null,"signature":null,"schema":null,"forward":null}`,
	`{"method":"POST","body":"{\"a\":\"\ud800\"}","headers":{"A":["x","y"],"B":[],"C":"z","A":"last"}}`,
	`{"method":"POST","body":"{}","headers":{"A":["x",null]}}`, `{"method":"POST","body":"{}","headers":{"A":null}}`,
	`{"method":"POST","body":"{}","headers":{"A":1}}`, `{"method":"POST","body":"{}","headers":{}}`,
	`{"method":"POST","body":"{}","headers":[]}`, `{"method":"POST","body":"{}","headers":null}`,
	`{"method":"POST","body":"\u0000\ud83d\ude00\ud83d\u0041\ude00","body_encoding":""}`,
	`{"method":"POST","body":"aGk=","body_encoding":"base64"}`, `{"method":"POST","body":"\x"}`, "{\"method\":\"POST\",\"body\":\"\xff\"}",
	`{"method":"POST","signature":{"scheme":"s","valid":true,"kind":"unchecked"}}`, `{"method":"POST","signature":{}}`,
	`{"method":"POST","signature":{"diagnosis":{"cause":5}}}`, `{"method":"POST","signature":{"diagnosis":null,"reason":null}}`,
	`{"method":"POST","signature":{"Valid":true}}`, `{"method":"POST","signature":"yes"}`,
	`{"method":"POST","schema":{"name":"n","valid":false,"errors":[1,"x",{},[]],"errors_omitted":2,"reason":5}}`,
	`{"method":"POST","schema":{"valid":false,"errors":null,"checked":true}}`, `{"method":"POST","schema":{"checked":false}}`,
	`{"method":"POST","schema":{"errors":{}}}`, `{"method":"POST","schema":{"checked":"no"}}`,
	`{"method":"POST","forward":{}}`, `{"method":"POST","forward":{"status":"x"}}`, `{"method":"POST","forward":{"url":5,"status":204}}`,
	`{"method":"POST","rule":"r"}`, `{"method":"POST","rule":2}`, `{"method":"POST","rule":""}`, `{"method":"POST","rule":1.5}`,
	`{"method":"POST","rule":true}`, `{"method":"POST","rule":null}`, `{"kind":"exec","delivery_seq":3}`,
	`{"kind":"exec","delivery_seq":"3"}`, `{"kind":"callback","method":"POST"}`, `{"kind":"callback"}`,
	`{"method":"POST","duplicate":1}`, `{"method":"POST","query":{"deep":[[[[1]]]]},"forwards":"any"}`,
	`{"method":"POST","x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
	`{"method":"POST","x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
}

// oddValues replace a member's value in mutations of the sample lines.
var oddValues = []string{`null`, `"x"`, `""`, `5`, `-1`, `1.5`, `1e3`, `99999999999999999999`, `true`, `[]`, `[1,"a"]`, `{}`, `{"a":1}`}

type member struct {
	key string
	val []byte
}

// members splits a JSON object's text into its members.
func members(t testing.TB, b []byte) []member {
	var sc jsonscan.Scanner
	sc.Reset(b)
	var ms []member
	sc.Object(func(k []byte) {
		key := string(k)
		ms = append(ms, member{key, slices.Clone(sc.Raw())})
	})
	if err := sc.End(); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return ms
}

func object(ms []member) []byte {
	b := []byte{'{'}
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(m.key)
		b = append(append(append(b, k...), ':'), m.val...)
	}
	return append(b, '}')
}

// mutations are variants of the object b: its members reversed, each one
// left out, given twice, under another case, with each odd value, and the
// same for the members of an object it holds, depth levels down.
func mutations(t testing.TB, b []byte, depth int) [][]byte {
	ms := members(t, b)
	rev := slices.Clone(ms)
	slices.Reverse(rev)
	out := [][]byte{object(rev)}
	for i, m := range ms {
		with := func(more ...member) []byte {
			return object(slices.Concat(ms[:i], more, ms[i+1:]))
		}
		out = append(out, with(), with(m, m), with(m, member{m.key, []byte(`null`)}),
			with(member{strings.ToUpper(m.key), m.val}), with(member{"ſ" + m.key[1:], m.val}))
		for _, v := range oddValues {
			out = append(out, with(member{m.key, []byte(v)}))
		}
		if depth > 0 && len(m.val) > 0 && m.val[0] == '{' {
			for _, v := range mutations(t, m.val, depth-1) {
				out = append(out, with(member{m.key, v}))
			}
		}
	}
	return out
}

func TestParseLineFastMatchesJSON(t *testing.T) {
	t.Parallel()
	lines := sampleLines(t)
	for _, line := range lines {
		sameParse(t, line, true)
	}
	for _, line := range oddLines {
		sameParse(t, []byte(line), false)
	}
	for _, line := range lines {
		for _, m := range mutations(t, line, 2) {
			sameParse(t, m, false)
		}
	}
}

// The fast path reads a delivery's event as encoding/json's path does,
// through the registry.
func TestParseLineFastEvents(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	events := RegistryEvents(reg)
	for _, line := range sampleLines(t) {
		got, gerr := fastParseLine(line, events)
		want, werr := parseLineJSON(line, events)
		if gerr != werr || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\nfast path     %+v %v\nencoding/json %+v %v", line, got, gerr, want, werr)
		}
	}
	if l, err := parseLine(typicalLine(t), events); err != nil || l.Event != "AccessRequestApproved" {
		t.Fatalf("%+v %v", l, err)
	}
}

func FuzzParseLine(f *testing.F) {
	for _, line := range sampleLines(f) {
		f.Add(line)
	}
	for _, line := range oddLines {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		sameParse(t, line, false)
	})
}
