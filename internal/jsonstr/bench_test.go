package jsonstr

import (
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/fixtures"
)

// BenchmarkAppendPretty is a pretty-printed 6 KB webhook body, as listen
// records it: about every tenth byte a '"' or '\n' to escape.
func BenchmarkAppendPretty(b *testing.B) {
	body, err := fixtures.FS.ReadFile(fixtures.Path("permission_assist.access_request_approved"))
	if err != nil {
		b.Fatal(err)
	}
	benchAppend(b, body)
}

// BenchmarkAppendPlain is 6 KB with nothing to escape: the word-at-a-time
// skip's best case.
func BenchmarkAppendPlain(b *testing.B) {
	benchAppend(b, []byte(strings.Repeat("abcdefghijklmnopqrstuvwxyz012345", 200)))
}

// BenchmarkAppendHeader is a short header value, of which a record line
// holds several.
func BenchmarkAppendHeader(b *testing.B) {
	benchAppend(b, []byte("application/json; charset=utf-8"))
}

func benchAppend(b *testing.B, s []byte) {
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst = Append(dst[:0], s)
	}
}
