package recline_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/record/recline"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// reference is the record line as encoding/json writes it: the contract the
// hand-written appender must meet byte for byte. A body the record refers
// to (SetBodyRef) is written as its Body.
func reference(rec *record.Record) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	r := *rec
	r.Seq = 0
	if ref := rec.Line().BodyRef; ref != nil {
		r.Body = string(ref)
	}
	if err := enc.Encode(&r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func checkSame(t *testing.T, rec *record.Record) {
	t.Helper()
	checkLine(t, rec, rec.Line())
}

// checkLine checks that Append writes of l what encoding/json writes of
// rec, and that Marshal of rec is that line too.
func checkLine(t *testing.T, rec *record.Record, l recline.Line) {
	t.Helper()
	want, err := reference(rec)
	if err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	got, ok := recline.Append(nil, &l)
	if !ok {
		t.Fatalf("Append refused a record encoding/json takes:\n%s", want)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("differs at byte %d\ngot  %q\nwant %q", i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
	}
	// Marshal, with a prefix already in dst, appends the same line.
	m, err := record.Marshal([]byte("xyz"), rec)
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

func baseRecord() *record.Record {
	return &record.Record{
		ReceivedAt: time.Date(2025, 12, 1, 14, 30, 5, 123456789, time.UTC),
		Method:     "POST",
		Path:       "/",
		Headers:    map[string]string{"Webhook-Id": "msg_1", "Content-Type": "application/json"},
		Signature:  &record.Signature{Scheme: "standard", Valid: true},
		Schema:     &record.Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}},
		Status:     200,
	}
}

func TestAppendLineHostileStrings(t *testing.T) {
	t.Parallel()
	for _, s := range hostile {
		// In every string field, and as a body both by value and by reference.
		fields := []func(r *record.Record){
			func(r *record.Record) { r.Body = s },
			func(r *record.Record) { r.Method, r.Path, r.Query = s, s, s },
			func(r *record.Record) { r.Headers = map[string]string{s: s, s + "x": "y", "A" + s: ""} },
			func(r *record.Record) { r.Signature = &record.Signature{Scheme: s, Reason: s, Kind: s} },
			func(r *record.Record) {
				r.Schema = &record.Schema{Name: s, Errors: []payload.Error{{InstanceLocation: s, KeywordLocation: s, Keyword: s, Message: s, Line: 3, Column: -1}}}
			},
			func(r *record.Record) {
				r.Kind, r.DeliveryID, r.CallbackFor, r.UserInviteID, r.Error, r.BodyEncoding = s, s, s, s, s, s
			},
			func(r *record.Record) {
				r.Forward = &record.Forward{URL: s, Status: 502, DurationMS: 1.5, Body: s, Error: s}
			},
			func(r *record.Record) {
				r.PathRaw, r.HeadersBase64, r.ClientCert = s, record.Headers{s: s, "B": s}, &record.ClientCert{Subject: s, Issuer: s}
			},
		}
		for _, set := range fields {
			rec := baseRecord()
			set(rec)
			checkSame(t, rec)
		}
		// The body by reference, as the bytes it is, UTF-8 or not.
		rec := baseRecord()
		rec.Body = s
		l := rec.Line()
		l.Body, l.BodyRef = "", []byte(s)
		checkLine(t, rec, l)
	}
}

func TestAppendLineOptionalFields(t *testing.T) {
	t.Parallel()
	recs := []*record.Record{
		{}, // zero time, nil headers, no verdicts
		{Headers: map[string]string{}, Duplicate: true, Status: -1},
		{HeadersBase64: record.Headers{}, ClientCert: &record.ClientCert{}}, // no headers_base64; a subject always
		{Schema: &record.Schema{}},                                          // nil errors encode as null
		{Schema: record.NotChecked("not validated: the signature did not verify")},
		{Schema: &record.Schema{Name: "x", Errors: []payload.Error{{}}, Omitted: 1 << 40, Checked: new(bool), Reason: "\x1b"}},
		{Schema: &record.Schema{Omitted: -1, Checked: func() *bool { b := true; return &b }()}},
		{Signature: &record.Signature{}, Schema: &record.Schema{Errors: []payload.Error{{}, {Line: 1 << 40}}}},
		{ReceivedAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -(14*3600+59*60)))},
		{ReceivedAt: time.Date(1, 1, 1, 0, 0, 0, 1000, time.FixedZone("X", 5*3600+30*60))},
		{ReceivedAt: time.Now()}, // with a monotonic reading, in the local zone
	}
	for _, rule := range []*record.RuleRef{{Number: 1}, {Number: 1000}, {Name: "created-204"}, {Name: hostile[4]}, {Name: hostile[3]}, {Name: "7", Number: 7}} {
		recs = append(recs, &record.Record{Status: 503, Rule: rule})
	}
	recs = append(recs,
		&record.Record{Forward: &record.Forward{URL: "a"}, Forwards: []record.Forward{}},
		&record.Record{Forward: &record.Forward{URL: "a", Status: 200}, Forwards: []record.Forward{{URL: "b", Error: "x", DurationMS: 1.5}, {URL: "<c>", Status: 502, Body: "\x00"}}},
		&record.Record{Forwards: []record.Forward{{}}},
	)
	for _, ms := range []float64{0, math.Copysign(0, -1), 1, 0.1, 123.456, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e20, 1e21, 1.2345e300, -3e-8, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		recs = append(recs, &record.Record{Forward: &record.Forward{URL: "http://x", DurationMS: ms}})
	}
	for _, rec := range recs {
		checkSame(t, rec)
	}
}

// TestAppendLineRefusesWhatEncodingJSONRefuses: Marshal then reports
// encoding/json's error.
func TestAppendLineRefusesWhatEncodingJSONRefuses(t *testing.T) {
	t.Parallel()
	for _, rec := range []*record.Record{
		{ReceivedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ReceivedAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Forward: &record.Forward{DurationMS: math.NaN()}},
		{Forward: &record.Forward{DurationMS: math.Inf(1)}},
		{Forwards: []record.Forward{{}, {DurationMS: math.NaN()}}},
	} {
		l := rec.Line()
		if _, ok := recline.Append(nil, &l); ok {
			t.Errorf("Append took %+v", rec)
		}
		if _, err := record.Marshal(nil, rec); err == nil {
			t.Errorf("Marshal took %+v", rec)
		}
	}
}

// TestAppendLineMatchesEncodingJSON compares random records, with bodies of
// random bytes drawn to hit escaping, multi-byte runes, invalid UTF-8 and
// word boundaries of the 8-byte fast scan.
func TestAppendLineMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
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
		var ref []byte // a body by reference, UTF-8 or not
		switch i % 3 {
		case 0:
			rec.Body = randString(rng.IntN(600))
		case 1:
			ref = randBytes(rng.IntN(600))
			rec.Body = string(ref)
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
		randForward := func() record.Forward {
			return record.Forward{URL: randString(8), Status: rng.IntN(600), DurationMS: rng.ExpFloat64() * math.Pow(10, float64(rng.IntN(40)-20)), Body: randString(rng.IntN(20))}
		}
		if rng.IntN(4) == 0 {
			f := randForward()
			rec.Forward = &f
			for range rng.IntN(3) {
				rec.Forwards = append(rec.Forwards, randForward())
			}
		}
		switch rng.IntN(6) {
		case 0:
			rec.Rule = &record.RuleRef{Number: rng.IntN(1000)}
		case 1:
			rec.Rule = &record.RuleRef{Name: randString(rng.IntN(12))}
		}
		if rng.IntN(5) == 0 {
			rec.PathRaw, rec.HeadersBase64 = randString(rng.IntN(10)), record.Headers{randString(4): randString(rng.IntN(12))}
			rec.ClientCert = &record.ClientCert{Subject: randString(rng.IntN(20)), Issuer: randString(rng.IntN(3))}
		}
		l := rec.Line()
		if ref != nil {
			l.Body, l.BodyRef = "", ref
		}
		checkLine(t, rec, l)
	}
}
