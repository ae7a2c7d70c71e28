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

// By default a delivery takes at most 40 lines in compact mode, the
// summary, headers and errors included, whatever the payload; full shows
// the whole body; none shows no body. Records are the same in every mode.
func TestPrettyBodyModes(t *testing.T) {
	body := fixture(t, "permission_assist.access_request_approved")
	invalid := []byte(strings.Replace(string(body), `"action": "Add"`, `"action": "Delete"`, 1))
	invalid = []byte(strings.Replace(string(invalid), `"type": "Group"`, `"type": "Team"`, 1))
	records := map[listener.Body]string{}
	for _, mode := range []listener.Body{listener.BodyCompact, listener.BodyFull, listener.BodyNone} {
		e := start(t, func(c *listener.Config) { c.Body = mode })
		e.post("/", body, sign(t, signature.Standard, secret, "msg_1", clock, body)...)
		e.post("/", invalid, sign(t, signature.Standard, secret, "msg_2", clock, invalid)...)
		e.post("/", []byte(strings.Repeat("a line of text\n", 200)))
		out := e.out.String()
		recs := e.records()
		bs := blocks(out)
		if len(bs) != 3 {
			t.Fatalf("%s: %d blocks:\n%s", mode, len(bs), out)
		}
		for i, b := range bs {
			n := strings.Count(b, "\n") + 1
			if mode != listener.BodyFull && n > listener.CompactLines {
				t.Errorf("%s: delivery %d takes %d lines, want at most %d:\n%s", mode, i+1, n, listener.CompactLines, b)
			}
			if !strings.Contains(b, "  Webhook-Id: msg_") && i < 2 {
				t.Errorf("%s: delivery %d lacks the headers line:\n%s", mode, i+1, b)
			}
		}
		switch mode {
		case listener.BodyCompact:
			if !strings.Contains(bs[0], `"event": {`) || !strings.Contains(bs[0], "keys}") || !strings.Contains(bs[0], `"accessModels": [… 1 item]`) {
				t.Errorf("compact: body not folded and cut:\n%s", bs[0])
			}
			if !strings.Contains(bs[1], "/event/request/action") || !strings.Contains(bs[1], "schema INVALID") {
				t.Errorf("compact: errors missing:\n%s", bs[1])
			}
			if !strings.Contains(bs[2], "a line of text") || !strings.Contains(bs[2], "more bytes not shown") {
				t.Errorf("compact: text body not cut:\n%s", bs[2])
			}
		case listener.BodyFull:
			if n := strings.Count(bs[0], "\n"); n < 100 {
				t.Errorf("full: %d lines, want the whole body", n)
			}
		case listener.BodyNone:
			if strings.Contains(out, `"event"`) || strings.Contains(out, "a line of text") {
				t.Errorf("none: a body was shown:\n%s", out)
			}
			if !strings.Contains(bs[1], "/event/request/action") {
				t.Errorf("none: errors missing:\n%s", bs[1])
			}
		}
		var lines []string
		for _, r := range recs {
			delete(r, "received_at")
			lines = append(lines, strings.Join(strings.Fields(strings.TrimSpace(dumpJSON(r))), ""))
		}
		records[mode] = strings.Join(lines, "\n")
	}
	if records[listener.BodyCompact] != records[listener.BodyFull] || records[listener.BodyNone] != records[listener.BodyFull] {
		t.Error("--body changed the records")
	}
}

func dumpJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
