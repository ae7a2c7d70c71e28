package listener_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// errorBomb is a Permission Assist payload whose privileges are n empty
// objects: six missing properties each.
func errorBomb(t *testing.T, n int) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixture(t, "permission_assist.access_request_created"), &m); err != nil {
		t.Fatal(err)
	}
	privs := make([]any, n)
	for i := range privs {
		privs[i] = map[string]any{}
	}
	m["event"].(map[string]any)["request"].(map[string]any)["target"].(map[string]any)["privileges"] = privs
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A delivery whose signature fails is answered 401 without being
// validated: the record says so, and holds no errors however many the body
// would make.
func TestBadSignatureIsNotValidated(t *testing.T) {
	t.Parallel()
	body := errorBomb(t, 2000)
	e := start(t, nil)
	if status, _ := e.post("/", body); status != 401 {
		t.Fatalf("unsigned: status %d, want 401", status)
	}
	recs := e.records()
	sch, _ := recs[0]["schema"].(map[string]any)
	if sch["checked"] != false || !strings.Contains(fmt.Sprint(sch["reason"]), "signature") {
		t.Errorf("schema = %v, want checked false with a reason", sch)
	}
	if errs, _ := sch["errors"].([]any); len(errs) != 0 {
		t.Errorf("%d errors recorded for a body that was not validated", len(errs))
	}
	if st := e.l.Stats(); st.InvalidPayloads != 0 || st.BadSignatures != 1 {
		t.Errorf("stats %+v", st)
	}
	if out := e.out.String(); !strings.Contains(out, "JSON payload  signature INVALID (none)  schema not validated (bad signature)  401") {
		t.Errorf("pretty output: %q", out[:min(len(out), 300)])
	}
}

// A signed delivery that fails validation keeps the first errors and a
// count of the rest, in the record and in pretty output.
func TestErrorsCappedInRecordAndOutput(t *testing.T) {
	t.Parallel()
	body := errorBomb(t, 2000)
	e := start(t, nil)
	if status, _ := e.post("/", body, sign(t, signature.Standard, secret, "msg_bomb", clock, body)...); status != 200 {
		t.Fatalf("status %d", status)
	}
	recs := e.records()
	errs, _ := dig(recs[0], "schema.errors").([]any)
	if len(errs) != payload.DefaultMaxErrors || dig(recs[0], "schema.errors_omitted") != float64(12000-payload.DefaultMaxErrors) {
		t.Errorf("record: %d errors, %v omitted", len(errs), dig(recs[0], "schema.errors_omitted"))
	}
	out := e.out.String()
	for _, want := range []string{"schema INVALID (12000 errors)", "... and 11980 more errors (the record lists the first 100)"} {
		if !strings.Contains(out, want) {
			t.Errorf("pretty output lacks %q", want)
		}
	}
}
