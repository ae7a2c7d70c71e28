package render

import (
	"strings"
	"testing"
	"time"
)

func TestExcerpt(t *testing.T) {
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
	if got := NewPalette(false).Red("x"); got != "x" {
		t.Errorf("off palette painted: %q", got)
	}
	if got := NewPalette(true).Red("x"); got != "\x1b[31mx\x1b[0m" {
		t.Errorf("on palette: %q", got)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"65536": 65536, "64K": 65536, "64kb": 65536, "64KiB": 65536, "1M": 1 << 20, "1 MB": 1 << 20, "10B": 10, "2g": 2 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "lots", "1TB", "99999999G", "1.5MB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) succeeded", in)
		}
	}
	for _, n := range []int64{64 << 10, 1 << 20, 1000} {
		if got, err := ParseSize(FormatSize(n)); err != nil || got != n {
			t.Errorf("FormatSize(%d) = %q does not read back", n, FormatSize(n))
		}
	}
}
