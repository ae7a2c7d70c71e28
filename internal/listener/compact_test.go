package listener_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// blocks splits pretty output into one block per delivery.
func blocks(out string) []string {
	return strings.Split(strings.TrimSuffix(out, "\n\n"), "\n\n")
}

// --body reaches pretty output (render's tests say what each mode shows):
// a delivery takes at most CompactLines lines by default, the whole body
// with full, none with none. Records are the same in every mode.
func TestPrettyBodyModes(t *testing.T) {
	t.Parallel()
	body := fixture(t, "permission_assist.access_request_approved")
	invalid := []byte(strings.Replace(string(body), `"action": "Add"`, `"action": "Delete"`, 1))
	invalid = []byte(strings.Replace(string(invalid), `"type": "Group"`, `"type": "Team"`, 1))
	records := map[listener.Body]string{}
	for _, mode := range []listener.Body{"", listener.BodyCompact, listener.BodyFull, listener.BodyNone} {
		e := start(t, func(c *listener.Config) { c.Body = mode })
		e.post("/", body, sign(t, signature.Standard, secret, "msg_1", clock, body)...)
		e.post("/", invalid, sign(t, signature.Standard, secret, "msg_2", clock, invalid)...)
		e.post("/", []byte(strings.Repeat("a line of text\n", 200)))
		e.stop()
		out := e.out.String()
		bs := blocks(out)
		if len(bs) != 3 {
			t.Fatalf("%q: %d blocks:\n%s", mode, len(bs), out)
		}
		for i, b := range bs {
			n := strings.Count(b, "\n") + 1
			if mode == listener.BodyCompact && n > listener.CompactLines {
				t.Errorf("%s: delivery %d takes %d lines, want at most %d:\n%s", mode, i+1, n, listener.CompactLines, b)
			}
			if !strings.Contains(b, "  Webhook-Id: msg_") && i < 2 {
				t.Errorf("%q: delivery %d lacks the headers line:\n%s", mode, i+1, b)
			}
		}
		full := strings.Count(bs[0], "\n") >= 100
		switch mode {
		case listener.BodyCompact:
			if full || !strings.Contains(bs[0], "keys}") {
				t.Errorf("compact: body not folded and cut:\n%s", bs[0])
			}
		case "", listener.BodyFull: // Config's zero value shows the whole body
			if !full {
				t.Errorf("%q: %d lines, want the whole body", mode, strings.Count(bs[0], "\n"))
			}
		case listener.BodyNone:
			if strings.Contains(out, `"event"`) || strings.Contains(out, "a line of text") {
				t.Errorf("none: a body was shown:\n%s", out)
			}
		}
		var lines []string
		for _, r := range e.records() {
			delete(r, "received_at")
			lines = append(lines, strings.Join(strings.Fields(strings.TrimSpace(dumpJSON(r))), ""))
		}
		records[mode] = strings.Join(lines, "\n")
	}
	for _, mode := range []listener.Body{"", listener.BodyCompact, listener.BodyNone} {
		if records[mode] != records[listener.BodyFull] {
			t.Errorf("--body %q changed the records", mode)
		}
	}
}

func dumpJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
