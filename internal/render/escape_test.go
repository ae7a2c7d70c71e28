package render

import "testing"

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/hooks/permit", "/hooks/permit"},
		{"café ✓", "café ✓"},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\a`},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"\u009b2J", `\u009b2J`}, // C1 CSI
		{"x\x7fy", `x\x7fy`},
		{"abc\u202edcba", `abc\u202edcba`},
		{"bad\xffbyte", `bad\xffbyte`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := EscapeKeepTabs("a\tb\x1b"); got != "a\tb\\x1b" {
		t.Errorf("EscapeKeepTabs = %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Escape("/webhooks/callback/f1e2d3c4") }); n != 0 {
		t.Errorf("clean text allocates %v times", n)
	}
}
