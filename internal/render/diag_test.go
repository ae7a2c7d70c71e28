package render

import (
	"strings"
	"testing"
)

func TestDiagLines(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	d := NewDiag(&b)
	d.Errorf("cannot read %s", "a.json")
	d.Warnf("%d lines dropped", 3)
	d.Hintf("try --max-size")
	d.Printf("listen stopped")
	want := "webhook-tool: error: cannot read a.json\n" +
		"webhook-tool: warning: 3 lines dropped\n" +
		"webhook-tool: hint: try --max-size\n" +
		"webhook-tool: listen stopped\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	var nilDiag *Diag
	nilDiag.Errorf("nothing") // must not panic
}

// A colour Diag paints the warning label only, as commands do on a
// terminal; with colour off it writes what a plain one does.
func TestColorDiag(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	d := NewColorDiag(&b, NewPalette(true))
	d.Warnf("careful")
	d.Errorf("bad")
	if want := "webhook-tool: \x1b[33mwarning:\x1b[0m careful\nwebhook-tool: error: bad\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	NewColorDiag(&b, NewPalette(false)).Warnf("careful")
	if want := "webhook-tool: warning: careful\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
