package record_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// path_raw is written only when path alone would not give the path back.
func TestRawPath(t *testing.T) {
	t.Parallel()
	for sent, want := range map[string]string{
		"/":          "",
		"/hooks/a b": "", // escaped as Path would be escaped again
		"/%E2%9C%93": "",
		"/\xc3\xa9":  "", // raw UTF-8: sent again escaped, as any client sends it
		"/p%FF%00x":  "/p%FF%00x",
		"/p\xffx":    "/p%FFx",
		"/a%2Fb":     "/a%2Fb",
		"/%41":       "/%41",
		"/x%2fy/%ff": "/x%2fy/%ff",
	} {
		u, err := url.ParseRequestURI(sent)
		if err != nil {
			t.Fatalf("%q: %v", sent, err)
		}
		got := record.RawPath(u)
		if got != want {
			t.Errorf("RawPath(%q) = %q, want %q", sent, got, want)
		}
		rec := &record.Record{Path: u.Path, PathRaw: got}
		if want != "" && rec.URL().EscapedPath() != want {
			t.Errorf("%q: the record's URL is %q", sent, rec.URL().EscapedPath())
		}
	}
}

func TestQueryEscapesWhatIsNotUTF8(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{"": "", "a=1&b=%FF": "a=1&b=%FF", "q=\xff\xfe&s=\xc3\xa9": "q=%FF%FE&s=\xc3\xa9", "x=\xc3": "x=%C3"} {
		if got := record.Query(raw); got != want {
			t.Errorf("Query(%q) = %q, want %q", raw, got, want)
		}
	}
}

// headers_base64 holds the values that are not UTF-8, as recorded (joined
// and redacted), and ExactHeaders puts them back.
func TestHeaderBytesRoundTrip(t *testing.T) {
	t.Parallel()
	h := http.Header{"X-Bin": {"a\xffb", "c"}, "X-Plain": {"ok"}, "Authorization": {"Bearer \xff"}}
	b64 := record.HeaderBytes(h, redact.Header)
	if len(b64) != 1 || b64["X-Bin"] == "" {
		t.Fatalf("headers_base64 %v: want X-Bin only (Authorization is masked to text)", b64)
	}
	rec := &record.Record{Method: "POST", Headers: record.FlattenHeaders(h, redact.Header), HeadersBase64: b64}
	line, err := record.Marshal(nil, rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := record.NewReader(bytes.NewReader(line)).Next()
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.ExactHeaders()
	if err != nil || got["X-Bin"] != "a\xffb, c" || got["X-Plain"] != "ok" || got["Authorization"] != "Bearer ****" {
		t.Errorf("%q %v (line %s)", got, err, line)
	}
	if record.HeaderBytes(http.Header{"A": {"é"}}, nil) != nil {
		t.Error("a UTF-8 value has headers_base64")
	}
}
