package render_test

import (
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// In compact mode (listen's default) a delivery takes at most CompactLines
// lines, the summary, headers and errors included, whatever the payload;
// full shows the whole body; none shows no body.
func TestPrettyBodyModes(t *testing.T) {
	t.Parallel()
	body := fixture(t, "permission_assist.access_request_approved")
	invalid := []byte(strings.Replace(string(body), `"action": "Add"`, `"action": "Delete"`, 1))
	invalid = []byte(strings.Replace(string(invalid), `"type": "Group"`, `"type": "Team"`, 1))
	text := []byte(strings.Repeat("a line of text\n", 200))
	hdr := func(id string) record.Headers {
		return record.Headers{"Webhook-Id": id, "Webhook-Timestamp": "1764599405", "Webhook-Signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}
	}
	for _, mode := range render.BodyModes {
		var bs []string
		for i, d := range []struct {
			body []byte
			h    record.Headers
		}{{body, hdr("msg_1")}, {invalid, hdr("msg_2")}, {text, nil}} {
			rec, c := delivered(t, int64(i+1), d.body, d.h)
			out := pretty(rec, c, render.ViewOptions{Body: mode})
			if !strings.HasSuffix(out, "\n\n") || strings.Count(out, "\n\n") != 1 {
				t.Fatalf("%s: delivery %d is not one block ending in a blank line:\n%s", mode, i+1, out)
			}
			bs = append(bs, strings.TrimSuffix(out, "\n\n"))
		}
		if bs[1] == bs[0] || !strings.Contains(bs[1], "schema INVALID") {
			t.Fatalf("%s: the invalid payload is not shown invalid:\n%s", mode, bs[1])
		}
		for i, b := range bs {
			n := strings.Count(b, "\n") + 1
			if mode != render.BodyFull && n > render.CompactLines {
				t.Errorf("%s: delivery %d takes %d lines, want at most %d:\n%s", mode, i+1, n, render.CompactLines, b)
			}
			if !strings.Contains(b, "  Webhook-Id: msg_") && i < 2 {
				t.Errorf("%s: delivery %d lacks the headers line:\n%s", mode, i+1, b)
			}
		}
		switch mode {
		case render.BodyCompact:
			if !strings.Contains(bs[0], `"event": {`) || !strings.Contains(bs[0], "keys}") || !strings.Contains(bs[0], `"accessModels": [… 1 item]`) {
				t.Errorf("compact: body not folded and cut:\n%s", bs[0])
			}
			if !strings.Contains(bs[1], "/event/request/action") || !strings.Contains(bs[1], "schema INVALID") {
				t.Errorf("compact: errors missing:\n%s", bs[1])
			}
			if !strings.Contains(bs[2], "a line of text") || !strings.Contains(bs[2], "more bytes not shown") {
				t.Errorf("compact: text body not cut:\n%s", bs[2])
			}
		case render.BodyFull:
			if n := strings.Count(bs[0], "\n"); n < 100 {
				t.Errorf("full: %d lines, want the whole body", n)
			}
		case render.BodyNone:
			if strings.Contains(strings.Join(bs, "\n"), `"event"`) || strings.Contains(strings.Join(bs, "\n"), "a line of text") {
				t.Errorf("none: a body was shown:\n%s", strings.Join(bs, "\n\n"))
			}
			if !strings.Contains(bs[1], "/event/request/action") {
				t.Errorf("none: errors missing:\n%s", bs[1])
			}
		}
	}
}

// The limits bound a body shown in full: its lines, its indentation and
// its text, whatever arrives.
func TestPrettyLimits(t *testing.T) {
	t.Parallel()
	deep := []byte(strings.Repeat("[", 50) + strings.Repeat("]", 50))
	rec, c := delivered(t, 1, deep, nil)
	out := pretty(rec, c, render.ViewOptions{Body: render.BodyFull, Limits: render.Limits{IndentDepth: 3, BodyLines: 10}})
	if strings.Contains(out, "\n"+strings.Repeat(" ", 2+2*4)) {
		t.Errorf("indented past 3 levels:\n%s", out)
	}
	if n := strings.Count(out, "["); n != 10 || !strings.Contains(out, "90 more bytes not shown") {
		t.Errorf("%d lines of body, want the body cut at 10:\n%s", n, out)
	}
	long := []byte(strings.Repeat("x", 100))
	rec, c = delivered(t, 2, long, nil)
	out = pretty(rec, c, render.ViewOptions{Body: render.BodyFull, Limits: render.Limits{TextBytes: 10}})
	if !strings.Contains(out, "  xxxxxxxxxx\n") || !strings.Contains(out, "90 more bytes not shown") {
		t.Errorf("text not cut at 10 bytes:\n%s", out)
	}
}
