package jsonstr

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

// check holds Append to encoding/json for s, as a string and as bytes,
// appended after a prefix to a dst with the given spare capacity (whose
// spare bytes hold junk, which must not show through).
func check(t *testing.T, s string, spare int) {
	t.Helper()
	want := encodingJSON(s)
	dst := make([]byte, 3, 3+spare)
	copy(dst, "pre")
	for i := range dst[3:cap(dst)] {
		dst[:cap(dst)][3+i] = '#'
	}
	if got := string(Append(dst, s)); got != "pre"+want {
		t.Fatalf("Append(%q) = %s, want %s", s, got[3:], want)
	}
	if got := string(Append(dst, []byte(s))); got != "pre"+want {
		t.Fatalf("Append([]byte %q) = %s, want %s", s, got[3:], want)
	}
}

// Every byte value, alone and at every offset of strings of every length
// around the word, window and short-string boundaries.
func TestAppendEveryByteAtEveryOffset(t *testing.T) {
	t.Parallel()
	for b := 0; b < 256; b++ {
		check(t, string([]byte{byte(b)}), 0)
		for n := 1; n <= 3*short; n++ {
			for at := range n {
				p := []byte(strings.Repeat("abcdefgh", n/8+1)[:n])
				p[at] = byte(b)
				check(t, string(p), n%5*7)
			}
		}
	}
}

// Strings that are mostly escapes: every special byte's escape in a row,
// long enough for d to be grown while a run is written.
func TestAppendDenseEscapes(t *testing.T) {
	t.Parallel()
	for _, unit := range []string{`"`, "\n", `\`, "\x00", "\x1f", "\t\r\b\f", "\"\n", "a\"", "ab\n", "\u2028", "\xff", "é\"", "\xe2\x80"} {
		for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 1000, 5000} {
			s := strings.Repeat(unit, n)
			for _, spare := range []int{0, 10, len(s) + len(s)>>3 + 40} {
				check(t, s, spare)
			}
		}
	}
}

// A multi-byte sequence, valid, invalid or cut short, and U+2028/U+2029,
// at every offset across word boundaries and where the long-string loop
// hands over to the last bytes.
func TestAppendUTF8AtEdges(t *testing.T) {
	t.Parallel()
	seqs := []string{"\u2028", "\u2029", "\u2027", "é", "✓", "😀", "\xe2\x80", "\xe2", "\xf0\x9f\x98", "\xed\xa0\x80", "\xc0\xaf", "\xff\xfe", "\x80"}
	for _, seq := range seqs {
		for _, n := range []int{8, 16, 24, 31, 32, 33, 40, 47, 48, 64, 100} {
			for at := 0; at <= n; at++ {
				plain := strings.Repeat("abcdefgh", n/8+1)[:n]
				check(t, plain[:at]+seq+plain[at:], 0)
				check(t, plain[:at]+seq+`"`+plain[at:], 16)
			}
		}
	}
}

// Random strings of every length up to well past the short-string
// limit, from an alphabet dense in bytes to escape.
func TestAppendRandomLong(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(2))
	alphabet := []byte("abcdefgh  \"\\\n\t\x00\x7f\xc3\xa9\xe2\x80\xa8\xa9\xff\xf0\x9f\x98\x80")
	for i := 0; i < 4000; i++ {
		b := make([]byte, rng.Intn(300))
		dense := rng.Intn(len(alphabet)-8) + 8
		for j := range b {
			if rng.Intn(4) == 0 {
				b[j] = alphabet[rng.Intn(len(alphabet))]
			} else {
				b[j] = alphabet[rng.Intn(dense)]
			}
		}
		check(t, string(b), rng.Intn(400))
	}
}

// The bytes Append writes past its result are junk by design; the result
// itself must not depend on what dst held there, and dst's prefix is kept.
func TestAppendKeepsPrefix(t *testing.T) {
	t.Parallel()
	s := strings.Repeat("{\n  \"key\": \"value\",\n", 40)
	dst := bytes.Repeat([]byte("x"), 100)
	got := Append(dst[:50], s)
	if string(got[:50]) != strings.Repeat("x", 50) || string(got[50:]) != encodingJSON(s) {
		t.Fatalf("Append over a prefix = %q", got)
	}
}

func FuzzAppend(f *testing.F) {
	f.Add("plain", 0)
	f.Add("{\n  \"a\": \"b\\c\"\n}", 3)
	f.Add("\u2028\xff\x00\xe2\x80", 17)
	f.Add(strings.Repeat("é\"\n", 20), 100)
	f.Fuzz(func(t *testing.T, s string, spare int) {
		check(t, s, min(max(spare, 0), 1<<12))
	})
}

// Into a dst with room, Append allocates nothing, for a string or bytes.
func TestAppendAllocatesNothing(t *testing.T) {
	dst := make([]byte, 0, 4096)
	s := strings.Repeat("{\n  \"key\": \"välue\\u2028\",\n", 20)
	n := testing.AllocsPerRun(100, func() {
		Append(dst[:0], s)
		Append(dst[:0], []byte(s[:100]))
		Append(dst[:0], "POST")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
