package inspect_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
)

// Every answer costs a small multiple of what it shows: a body nested
// deep, or a long text a client chose, cannot make an answer quadratic in
// its size.

// nested is leaves numbers n nested depth deep: the shape of a body that
// indented as written is depth × leaves × 2 spaces.
func nested(depth, leaves, n int) string {
	return strings.Repeat("[", depth) + strings.TrimSuffix(strings.Repeat(fmt.Sprint(n)+",", leaves), ",") + strings.Repeat("]", depth)
}

// appendBody records a delivery of body, as JSON text, with seq.
func (e *apiEnv) appendBody(seq int, body string) {
	e.t.Helper()
	q, _ := json.Marshal(body)
	e.rc.appendLine(fmt.Sprintf(`{"seq":%d,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/","headers":{},"body":%s,"status":200}`+"\n", seq, q))
}

func TestAPIDetailOfADeepBodyIsBounded(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 0, inspect.Config{})
	body := nested(2000, 5000, 1)
	e.appendBody(1, body)
	e.appendBody(2, nested(40, 3, 1)) // deeper than the indentation goes, and small
	e.store.Refresh()
	code, answer := e.do("GET", "/api/deliveries/1", "")
	if code != 200 {
		t.Fatalf("%d %.200s", code, answer)
	}
	if len(answer) > 10*len(body) {
		t.Errorf("the detail of a %d-byte body is %d bytes", len(body), len(answer))
	}
	var d struct {
		Body   string  `json:"body"`
		Pretty *string `json:"body_pretty"`
		Note   string  `json:"body_pretty_note"`
	}
	if err := json.Unmarshal([]byte(answer), &d); err != nil {
		t.Fatal(err)
	}
	if d.Body != body || d.Pretty != nil || d.Note == "" {
		t.Errorf("detail: body_pretty %v, body_pretty_note %q: want the body as received, and a note", d.Pretty != nil, d.Note)
	}
	_, answer = e.do("GET", "/api/deliveries/2", "")
	var small struct {
		Pretty string `json:"body_pretty"`
	}
	json.Unmarshal([]byte(answer), &small)
	if !strings.Contains(small.Pretty, "\n"+strings.Repeat("  ", 32)+"1,\n") || strings.Contains(small.Pretty, strings.Repeat("  ", 33)) {
		t.Errorf("a body nested 40 deep is indented 32 levels at most:\n%s", small.Pretty)
	}
}

func TestAPIDiffOfDeepBodiesIsBounded(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 0, inspect.Config{})
	key := strings.Repeat("k", 4096)
	bodies := []string{
		nested(2000, 5000, 1), nested(2000, 5000, 2),
		`{"` + key + `":` + nested(1, 2000, 1) + `}`, `{"` + key + `":` + nested(1, 2000, 2) + `}`,
	}
	for i, b := range bodies {
		e.appendBody(i+1, b)
	}
	e.store.Refresh()
	for _, pair := range [][2]int{{1, 2}, {3, 4}, {1, 3}} {
		code, answer := e.do("GET", fmt.Sprintf("/api/diff?a=%d&b=%d", pair[0], pair[1]), "")
		if code != 200 {
			t.Fatalf("%v: %d %.200s", pair, code, answer)
		}
		if in := len(bodies[pair[0]-1]) + len(bodies[pair[1]-1]); len(answer) > 10*in {
			t.Errorf("the Diff of %v (%d bytes) is %d bytes", pair, in, len(answer))
		}
		var d struct {
			Changes []struct{ Path string }
			Note    string
		}
		if err := json.Unmarshal([]byte(answer), &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Changes) != 1 || d.Changes[0].Path != "/" || d.Note == "" {
			t.Errorf("the Diff of %v: %d changes, note %q: want the bodies compared as received", pair, len(d.Changes), d.Note)
		}
	}
}

func TestAPIRowsCutLongTexts(t *testing.T) {
	t.Parallel()
	e := newAPI(t, 1, inspect.Config{})
	stream := e.stream(t, "")

	event := "Access" + strings.Repeat("é", 450<<10) // 900 KB
	id := strings.Repeat("i", 200<<10)
	body := strings.Replace(string(paBody(t, guid(2), "")), "AccessRequestCreated", event, 1)
	q, _ := json.Marshal(body)
	e.rc.appendLine(fmt.Sprintf(`{"seq":2,"received_at":"2026-11-30T12:00:09Z","method":"POST","path":"/%s","headers":{},"body":%s,"status":200,"kind":"delivery","delivery_id":%q}`+"\n", id, q, id))
	e.store.Refresh()

	code, answer := e.do("GET", "/api/deliveries?limit=1000&q=iiii", "")
	if code != 200 {
		t.Fatalf("%d %.200s", code, answer)
	}
	var p inspect.Page
	if err := json.Unmarshal([]byte(answer), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Deliveries) != 1 {
		t.Fatalf("the filter found %d rows, want the one whose id it names", len(p.Deliveries))
	}
	if len(answer) > 8<<10 {
		t.Errorf("a page of one row is %d bytes", len(answer))
	}
	for name, row := range map[string]inspect.Summary{"list": p.Deliveries[0], "stream": readEvent(t, stream)} {
		for field, text := range map[string]string{"event": row.Event, "delivery_id": row.DeliveryID, "path": row.Path} {
			if len(text) > 2<<10 || !strings.HasSuffix(text, "…") || !strings.HasPrefix(text, map[string]string{"event": "Accessé", "delivery_id": "iii", "path": "/iii"}[field]) {
				t.Errorf("%s: %s is %d bytes, ending %q: want it cut, ending in …", name, field, len(text), text[max(0, len(text)-8):])
			}
		}
	}
	_, answer = e.do("GET", "/api/deliveries/2", "")
	if !strings.Contains(answer, `"delivery_id":"`+id+`"`) {
		t.Error("the detail does not have the delivery id whole")
	}
}
