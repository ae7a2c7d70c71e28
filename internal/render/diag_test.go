package render

import (
	"strings"
	"testing"
)

func TestDiagLines(t *testing.T) {
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
