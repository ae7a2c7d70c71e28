package record

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// reference is the record line as encoding/json writes it: the contract the
// hand-written appender must meet byte for byte.
func reference(t *testing.T, rec *Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	r := *rec
	r.Seq = 0
	if r.bodyRef != nil {
		r.Body, r.bodyRef = string(r.bodyRef), nil
	}
	if err := enc.Encode(&r); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return buf.Bytes()
}

func checkSame(t *testing.T, rec *Record) {
	t.Helper()
	want := reference(t, rec)
	got, ok := appendLine(nil, rec)
	if !ok {
		t.Fatalf("appendLine refused a record encoding/json takes:\n%s", want)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("differs at byte %d\ngot  %q\nwant %q", i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
	}
	// Marshal, with a prefix already in dst, appends the same line.
	m, err := Marshal([]byte("xyz"), rec)
	if err != nil || string(m) != "xyz"+string(want) {
		t.Fatalf("Marshal = %q, %v", m, err)
	}
}

// hostile are strings that take every branch of JSON string escaping.
var hostile = []string{
	"",
	"plain",
	`"quoted" and \backslashed\`,
	"<script>alert('&')</script>",
	"\x00\x01\x02\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x1b\x1f\x20\x7f",
	"line\u2028sep\u2029para",
	"\u2028\u2029\u2027\u202a",
	"héllo wörld ✓ 日本語 🎉",
	"bad \xff byte",
	"\xc3",             // truncated 2-byte sequence at the end
	"\xe2\x80",         // truncated U+2028 at the end
	"\xed\xa0\x80",     // a UTF-16 surrogate, invalid in UTF-8
	"\xf4\x90\x80\x80", // beyond U+10FFFF
	"\xc0\xaf",         // overlong
	"12345678\"2345678\\23456789\n",
	strings.Repeat("a", 7) + "\u2028" + strings.Repeat("b", 9) + "\xff",
	strings.Repeat(`{"k":"v\n"}`, 100),
}

func baseRecord() *Record {
	return &Record{
		ReceivedAt: time.Date(2025, 12, 1, 14, 30, 5, 123456789, time.UTC),
		Method:     "POST",
		Path:       "/",
		Headers:    map[string]string{"Webhook-Id": "msg_1", "Content-Type": "application/json"},
		Signature:  &Signature{Scheme: "standard", Valid: true},
		Schema:     &Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}},
		Status:     200,
	}
}

func TestAppendLineHostileStrings(t *testing.T) {
	for _, s := range hostile {
		// In every string field, and as a body both by value and by reference.
		fields := []func(r *Record){
			func(r *Record) { r.Body = s },
			func(r *Record) { r.bodyRef = []byte(s) },
			func(r *Record) { r.Method, r.Path, r.Query = s, s, s },
			func(r *Record) { r.Headers = map[string]string{s: s, s + "x": "y", "A" + s: ""} },
			func(r *Record) { r.Signature = &Signature{Scheme: s, Reason: s, Kind: s} },
			func(r *Record) {
				r.Schema = &Schema{Name: s, Errors: []payload.Error{{InstanceLocation: s, KeywordLocation: s, Keyword: s, Message: s, Line: 3, Column: -1}}}
			},
			func(r *Record) {
				r.Kind, r.DeliveryID, r.CallbackFor, r.UserInviteID, r.Error, r.BodyEncoding = s, s, s, s, s, s
			},
			func(r *Record) { r.Forward = &Forward{URL: s, Status: 502, DurationMS: 1.5, Body: s, Error: s} },
		}
		for _, set := range fields {
			rec := baseRecord()
			set(rec)
			checkSame(t, rec)
		}
	}
}

func TestAppendLineOptionalFields(t *testing.T) {
	recs := []*Record{
		{}, // zero time, nil headers, no verdicts
		{Headers: map[string]string{}, Duplicate: true, Status: -1},
		{Schema: &Schema{}}, // nil errors encode as null
		{Schema: NotChecked("not validated: the signature did not verify")},
		{Schema: &Schema{Name: "x", Errors: []payload.Error{{}}, Omitted: 1 << 40, Checked: new(bool), Reason: "\x1b"}},
		{Schema: &Schema{Omitted: -1, Checked: func() *bool { b := true; return &b }()}},
		{Signature: &Signature{}, Schema: &Schema{Errors: []payload.Error{{}, {Line: 1 << 40}}}},
		{ReceivedAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -(14*3600+59*60)))},
		{ReceivedAt: time.Date(1, 1, 1, 0, 0, 0, 1000, time.FixedZone("X", 5*3600+30*60))},
		{ReceivedAt: time.Now()}, // with a monotonic reading, in the local zone
	}
	for _, ms := range []float64{0, -0.0, 1, 0.1, 123.456, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e20, 1e21, 1.2345e300, -3e-8, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		recs = append(recs, &Record{Forward: &Forward{URL: "http://x", DurationMS: ms}})
	}
	for _, rec := range recs {
		checkSame(t, rec)
	}
}

// TestAppendLineRefusesWhatEncodingJSONRefuses: Marshal then reports
// encoding/json's error.
func TestAppendLineRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, rec := range []*Record{
		{ReceivedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ReceivedAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Forward: &Forward{DurationMS: math.NaN()}},
		{Forward: &Forward{DurationMS: math.Inf(1)}},
	} {
		if _, ok := appendLine(nil, rec); ok {
			t.Errorf("appendLine took %+v", rec)
		}
		if _, err := Marshal(nil, rec); err == nil {
			t.Errorf("Marshal took %+v", rec)
		}
	}
}

// TestAppendLineMatchesEncodingJSON compares random records, with bodies of
// random bytes drawn to hit escaping, multi-byte runes, invalid UTF-8 and
// word boundaries of the 8-byte fast scan.
func TestAppendLineMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", " ", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "<", "&", "é", "✓", "🎉",
		"\u2028", "\u2029", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf0\x9f"}
	randString := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			if rng.IntN(3) == 0 {
				b.WriteString(strings.Repeat("x", rng.IntN(20)))
			}
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	randBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	for i := range 3000 {
		rec := baseRecord()
		rec.ReceivedAt = time.Unix(rng.Int64N(1<<35), rng.Int64N(1e9)).In(time.FixedZone("", rng.IntN(50000)-25000))
		rec.Headers = map[string]string{}
		for range rng.IntN(20) {
			rec.Headers[randString(rng.IntN(12))] = randString(rng.IntN(30))
		}
		switch i % 3 {
		case 0:
			rec.Body = randString(rng.IntN(600))
		case 1:
			rec.bodyRef = randBytes(rng.IntN(600))
		default:
			rec.SetBodyRef([]byte(randString(rng.IntN(600))))
		}
		rec.Path, rec.Query, rec.Error = randString(rng.IntN(10)), randString(rng.IntN(5)), randString(rng.IntN(5))
		rec.Duplicate = rng.IntN(2) == 0
		rec.Status = rng.IntN(600)
		if rng.IntN(4) == 0 {
			rec.Signature = nil
			rec.Schema = nil
		} else if rng.IntN(3) == 0 {
			sig := *rec.Signature
			sig.Diagnosis = &signature.Diagnosis{Cause: signature.Cause(randString(rng.IntN(8))), Detail: randString(rng.IntN(80))}
			rec.Signature = &sig
		}
		if rng.IntN(4) == 0 {
			rec.Forward = &Forward{URL: randString(8), Status: rng.IntN(600), DurationMS: rng.ExpFloat64() * math.Pow(10, float64(rng.IntN(40)-20))}
		}
		checkSame(t, rec)
	}
}

func TestSetBodyRef(t *testing.T) {
	for _, body := range [][]byte{[]byte("plain ✓"), {0xff, 0x00, 0xfe}, {}, nil} {
		ref, val := &Record{}, &Record{}
		ref.SetBodyRef(body)
		val.SetBody(body)
		a, err1 := Marshal(nil, ref)
		b, err2 := Marshal(nil, val)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("body %q: SetBodyRef gives %s, SetBody %s", body, a, b)
		}
		if !utf8.Valid(body) && ref.BodyEncoding != BodyBase64 {
			t.Errorf("body %q: encoding %q", body, ref.BodyEncoding)
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	rec := baseRecord()
	rec.SetBodyRef(benchBody(b))
	b.SetBytes(int64(len(rec.bodyRef)))
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst, _ = Marshal(dst[:0], rec)
	}
}

func BenchmarkMarshalEncodingJSON(b *testing.B) {
	rec := baseRecord()
	rec.SetBodyRef(benchBody(b))
	b.SetBytes(int64(len(rec.bodyRef)))
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst, _ = marshalStd(dst[:0], rec)
	}
}

// benchBody is the 6 KB Permission Assist payload the listener's load
// benchmark posts.
func benchBody(b *testing.B) []byte {
	body, err := fixtures.FS.ReadFile("permission_assist.access_request_approved.json")
	if err != nil {
		b.Fatal(err)
	}
	return body
}
