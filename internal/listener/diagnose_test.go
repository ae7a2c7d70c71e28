package listener_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// A delivery whose body was pretty-printed after signing gets 401 naming the
// re-serialisation, and the record and the pretty output carry the same
// diagnosis; a good delivery and a tampered one carry none.
func TestListenerDiagnosesMismatch(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) {
		c.OtherSecrets = []signature.NamedSecret{{Name: "the staging secret", Value: "whsec_c3RhZ2luZyBrZXk="}}
	})
	body := fixture(t, "permission_assist.access_request_created")
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		t.Fatal(err)
	}
	headers := sign(t, signature.Standard, secret, "msg_pretty", clock, compact.Bytes())

	status, answer := e.post("/", body, headers...) // the fixture is indented: as if pretty-printed on the way
	if status != 401 {
		t.Fatalf("status %d: %s", status, answer)
	}
	lines := strings.Split(strings.TrimSuffix(answer, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "likely cause (json-reformatted): the standard signature matches this body compacted") {
		t.Errorf("401 body:\n%s", answer)
	}

	if status, _ := e.post("/", compact.Bytes(), sign(t, signature.Standard, secret, "msg_ok", clock, compact.Bytes())...); status != 200 {
		t.Errorf("the compact body itself: status %d", status)
	}
	tampered := bytes.Replace(compact.Bytes(), []byte("created"), []byte("approved"), 1)
	if status, answer := e.post("/", tampered, sign(t, signature.Standard, secret, "msg_tampered", clock, compact.Bytes())...); status != 401 || strings.Contains(answer, "likely cause") {
		t.Errorf("tampered: status %d, answer %s", status, answer)
	}
	staging := sign(t, signature.Standard, "whsec_c3RhZ2luZyBrZXk=", "msg_staging", clock, compact.Bytes())
	if _, answer := e.post("/", compact.Bytes(), staging...); !strings.Contains(answer, "likely cause (other-secret): the standard signature matches the staging secret") {
		t.Errorf("staging: %s", answer)
	}

	recs := e.records()
	if got := dig(recs[0], "signature.diagnosis.cause"); got != "json-reformatted" {
		t.Errorf("record 1 diagnosis cause %v", got)
	}
	if got, _ := dig(recs[0], "signature.diagnosis.detail").(string); !strings.Contains(got, "compacted") {
		t.Errorf("record 1 diagnosis detail %q", got)
	}
	for i, r := range recs[1:3] {
		if sig := dig(r, "signature").(map[string]any); sig["diagnosis"] != nil {
			t.Errorf("record %d: %v", i+2, sig)
		}
	}
	if got := dig(recs[3], "signature.diagnosis.cause"); got != "other-secret" {
		t.Errorf("record 4 diagnosis cause %v", got)
	}
	out := e.out.String()
	if !strings.Contains(out, "likely cause (json-reformatted): the standard signature matches this body compacted") {
		t.Errorf("pretty output lacks the diagnosis:\n%s", out)
	}
	if strings.Contains(out, "c3RhZ2luZyBrZXk") || strings.Contains(out, "MfKQ9r8") {
		t.Errorf("pretty output shows a secret")
	}
}
