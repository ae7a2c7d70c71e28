package payload

import (
	"fmt"
	"strings"
	"testing"
)

// lineCols agrees with lineCol for every offset, in any order, across lines,
// multi-byte characters and out-of-range offsets.
func TestLineColsMatchesLineCol(t *testing.T) {
	t.Parallel()
	raw := []byte("{\n  \"é\": [1, \"ü€\",\n\t{\"k\": true}],\n  \"z\": null}\n")
	var offs []int
	for off := len(raw) + 2; off >= -1; off-- {
		offs = append(offs, off)
	}
	offs = append(offs, 5, 5, 0)
	got := lineCols(raw, offs)
	for i, off := range offs {
		line, col := lineCol(raw, off)
		if got[i] != [2]int{line, col} {
			t.Errorf("offset %d: lineCols %v, lineCol %d:%d", off, got[i], line, col)
		}
	}
}

// Locating every element of a long array scans it once: the members of each
// container are kept after the first visit.
func TestLocatorScansEachContainerOnce(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"items": [`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"id": %d}`, i)
	}
	b.WriteString("]}")
	raw := []byte(b.String())
	l := newLocator(raw)
	for i := range 2000 {
		off := l.offset(fmt.Sprintf("/items/%d/id", i))
		if want := fmt.Sprint(i); !strings.HasPrefix(string(raw[off:]), want) {
			t.Fatalf("/items/%d/id points at %q", i, raw[off:off+8])
		}
	}
	// The root, the array and the 2000 objects: each scanned once.
	if n := len(l.members); n != 2002 {
		t.Errorf("%d containers scanned, want 2002", n)
	}
}
