package render

import (
	"strings"
	"testing"
	"time"
)

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 250)
	cases := []struct {
		in             string
		lines, maxSize int
		want           string
	}{
		{"", 5, 4096, ""},
		{"ok\n", 5, 4096, "ok"},
		{"a\r\nb\r\n", 5, 4096, "a\nb"},
		{"1\n2\n3\n4\n5\n6\n7", 5, 4096, "1\n2\n3\n4\n5\n…"},
		{"\x1b[31mred\x1b[0m \xff", 5, 4096, " [31mred [0m \uFFFD"},
		{"\u009b31mred \u202egnp.exe \u2066x\u2069 \u200fy", 5, 4096, " 31mred  gnp.exe  x   y"}, // C1 and bidi controls
		{long, 5, 4096, strings.Repeat("é", 200) + "…"},
		{"\x00\x01\x02", 5, 4096, "(3 bytes of binary data)"},
		{strings.Repeat("line\n", 30), 20, 2048, strings.TrimSuffix(strings.Repeat("line\n", 20), "\n") + "\n…"},
		{"abcdéf", 5, 5, "abcd\n…"}, // never splits a character
	}
	for _, c := range cases {
		if got := Excerpt([]byte(c.in), c.lines, c.maxSize); got != c.want {
			t.Errorf("Excerpt(%q, %d, %d) = %q, want %q", c.in, c.lines, c.maxSize, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		1234567 * time.Nanosecond:   "1.23ms",
		412345678 * time.Nanosecond: "412ms",
		1254 * time.Millisecond:     "1.25s",
		1500 * time.Nanosecond:      "2µs",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestPaletteOnlyPaintsWhenOn(t *testing.T) {
	t.Parallel()
	if got := NewPalette(false).Red("x"); got != "x" {
		t.Errorf("off palette painted: %q", got)
	}
	if got := NewPalette(true).Red("x"); got != "\x1b[31mx\x1b[0m" {
		t.Errorf("on palette: %q", got)
	}
}
