package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/fixtures"
)

// checkAppendStr holds AppendStr to Str on the JSON text in: the same
// bytes after what dst held, the same verdict, and the same text read.
func checkAppendStr(t *testing.T, in []byte) {
	var a, b Scanner
	a.Reset(in)
	b.Reset(in)
	want := b.Str()
	wantErr := b.Err()
	dst := []byte("kept:")
	got := a.AppendStr(dst)
	if (a.Err() == nil) != (wantErr == nil) {
		t.Fatalf("%q: AppendStr error %v, Str error %v", in, a.Err(), wantErr)
	}
	if wantErr != nil {
		if string(got) != "kept:" {
			t.Fatalf("%q: AppendStr gave %q at an error", in, got)
		}
		return
	}
	if !bytes.HasPrefix(got, []byte("kept:")) || !bytes.Equal(got[len("kept:"):], want) {
		t.Fatalf("%q: AppendStr %q, Str %q", in, got, want)
	}
	if (a.End() == nil) != (b.End() == nil) || a.pos != b.pos {
		t.Fatalf("%q: AppendStr stopped at %d, Str at %d", in, a.pos, b.pos)
	}
}

var strSeeds = []string{
	`""`, `"a"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u20AC"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
	`"\ud83d\u0041"`, `"\ud83d\uzzzz"`, `"\ud83d\ud83d\ude00"`, `"\x"`, "\"a\tb\"", "\"\xff\"", "\"é\"",
	"\"\xe2\x82\"", `"abc`, `"\u12"`, `"\u12"x`, `"\`, `"\"`, `"\u"`, `5`, `null`, `{"a":"b"}`,
	`"{\n  \"id\": \"e5b0d3a8\",\n  \"event\": {\n    \"name\": \"Approved\"\n  }\n}"`,
	`"plain text of more than eight bytes, and then some"`, "\"日本語のテキスト、エスケープなし\"",
	`"\u65e5\u672c\u8a9e"`, `"ends with an escape\n"`, `"\"\"\"\"\"\"\"\"\"\""`,
}

// TestAppendStrAsStr tries each seed with its escapes and specials at
// every position of a word.
func TestAppendStrAsStr(t *testing.T) {
	t.Parallel()
	for _, s := range strSeeds {
		checkAppendStr(t, []byte(s))
		for pad := 1; pad <= 16; pad++ {
			if strings.HasPrefix(s, `"`) {
				checkAppendStr(t, []byte(`"`+strings.Repeat("p", pad)+s[1:]))
			}
		}
	}
}

func FuzzAppendStr(f *testing.F) {
	for _, s := range strSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkAppendStr)
}

// BenchmarkAppendStrPretty unescapes a pretty-printed 6 KB webhook body as
// a record line holds it: an escape about every tenth byte.
func BenchmarkAppendStrPretty(b *testing.B) {
	body, err := fixtures.FS.ReadFile(fixtures.Path("permission_assist.access_request_approved"))
	if err != nil {
		b.Fatal(err)
	}
	text, err := json.Marshal(string(body))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var s Scanner
	var dst []byte
	for b.Loop() {
		s.Reset(text)
		if dst = s.AppendStr(dst[:0]); len(dst) != len(body) {
			b.Fatalf("%d bytes, %v", len(dst), s.Err())
		}
	}
}
