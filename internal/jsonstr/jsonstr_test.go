package jsonstr

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
)

func encodingJSON(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	cases := []string{"", "plain", `q"b\s`, "\x00\x01\x1f\b\f\n\r\t", "<a&b>", "é ✓ 😀", "\u2028\u2029",
		"bad\xffutf8\xc3", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong", strings.Repeat("abcdefgh", 9) + "\n"}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("ab\"\\\n\x00\x7f\xc3\xa9\xe2\x80\xa8\xff ")
	for i := 0; i < 3000; i++ {
		b := make([]byte, rng.Intn(40))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want := encodingJSON(s)
		if got := string(Append(nil, s)); got != want {
			t.Fatalf("Append(%q) = %s, want %s", s, got, want)
		}
		if got := string(Append(nil, []byte(s))); got != want {
			t.Fatalf("Append([]byte %q) = %s, want %s", s, got, want)
		}
	}
}
