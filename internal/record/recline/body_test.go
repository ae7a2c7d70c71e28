package recline_test

import (
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/fixtures"
)

// TestAppendLinePrettyBodies holds the line to encoding/json for the bodies
// listen records most: the bundled pretty-printed payloads, as sent and
// with every '"' and '\n' doubled (escapes side by side), by value and by
// reference, and with a byte that takes a long escape (invalid UTF-8, a
// control character, U+2028) spliced in at every offset of the first and
// last 40 bytes, where Append's word loop starts and hands over to its
// padded copy of the last bytes.
func TestAppendLinePrettyBodies(t *testing.T) {
	t.Parallel()
	files := fixtures.Files()
	if len(files) == 0 {
		t.Fatal("no bundled fixtures")
	}
	for _, f := range files {
		b, err := fixtures.FS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		body := string(b)
		dense := strings.NewReplacer(`"`, `""`, "\n", "\n\n").Replace(body)
		for _, s := range []string{body, dense, body[:len(body)/2], body[:33], body[:31]} {
			checkBody(t, s)
		}
		for _, splice := range []string{"\xff", "\x01", "\u2028", "\xe2\x80", "é"} {
			for at := range min(40, len(body)) {
				checkBody(t, body[:at]+splice+body[at:])
				end := len(body) - at
				checkBody(t, body[:end]+splice+body[end:])
			}
		}
	}
}

func checkBody(t *testing.T, body string) {
	t.Helper()
	rec := baseRecord()
	rec.Body = body
	checkSame(t, rec)
	rec = baseRecord()
	rec.SetBodyRef([]byte(body))
	checkSame(t, rec)
}
