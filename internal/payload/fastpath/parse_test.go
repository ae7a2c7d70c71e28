package fastpath_test

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
)

// TestStringStops holds the word test to a byte-by-byte one: the lowest
// flagged byte of 8 is the first quote, backslash, control byte or byte
// from 0x80 up among them, and none is flagged when there is none.
func TestStringStops(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 9))
	interesting := []byte{0, 1, 0x1f, 0x20, 0x21, '"', 0x23, '\\', 0x5b, 0x5d, 0x7f, 0x80, 0x9f, 0xa0, 0xa2, 0xdc, 0xff, 'a'}
	var b [8]byte
	for n := 0; n < 200000; n++ {
		for i := range b {
			if r.IntN(2) == 0 {
				b[i] = interesting[r.IntN(len(interesting))]
			} else {
				b[i] = byte(r.IntN(256))
			}
		}
		want := 8
		for i, c := range b {
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				want = i
				break
			}
		}
		m := fastpath.StringStops(binary.LittleEndian.Uint64(b[:]))
		if got := bits.TrailingZeros64(m) >> 3; got != want {
			t.Fatalf("% x: first stop at %d, want %d (mask %016x)", b, got, want, m)
		}
	}
}

// TestParseRefusesInvalidUTF8: UTF-8 is checked inside strings as they
// are scanned, not over the whole text first; the reader must still take
// no text that is not valid UTF-8, wherever the bad byte is, and take
// strings of multi-byte characters.
func TestParseRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	bad := []string{"\xff", "\xc3", "\xc3(", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\x80"}
	for _, b := range bad {
		for _, doc := range []string{
			`"` + b + `"`,
			`{"a` + b + `": 1}`,
			`{"name": "` + b + `abcdefghijklmnop"}`,
			`{"name": "abcdefghijklmnopq` + b + `"}`,
			`{"name": "abcdefg` + b + `hijklmnop", "x": 1}`,
			`["é", "` + b + `"]`,
			`{"x": 1}` + b,
			b + `{"x": 1}`,
			`{"x": 1` + b + `}`,
		} {
			if d, ok := fastpath.Parse([]byte(doc)); ok {
				d.Release()
				t.Errorf("Parse takes %q", doc)
			}
		}
	}
	for _, doc := range []string{`"é"`, `{"naïve": "Tomás García, Zoë; 東京 🙂"}`, `["abcdefghijklmnopé", "é abcdefghijklmnop"]`} {
		d, ok := fastpath.Parse([]byte(doc))
		if !ok {
			t.Errorf("Parse refuses %q", doc)
			continue
		}
		d.Release()
	}
}

// TestNameSlotInputAt: the parser's one-load slot input of a member name
// is the one the name tables compute from the name alone, for every
// length and wherever the name sits, the end of the text included.
func TestNameSlotInputAt(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(4, 4))
	for n := 0; n < 3000; n++ {
		raw := make([]byte, 1+r.IntN(12))
		for i := range raw {
			raw[i] = byte(r.IntN(256))
		}
		start := r.IntN(len(raw) + 1)
		size := r.IntN(len(raw) - start + 1)
		want := fastpath.NameSlotInput(raw[start : start+size])
		if got := fastpath.NameSlotInputAt(raw, start, size); got != want {
			t.Fatalf("% x from %d, %d bytes: %08x, want %08x", raw, start, size, got, want)
		}
	}
}
