package listener_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// With ReportOnly (the development secret, no --secret) every delivery is
// verified and the verdict recorded, but none is refused: a bad signature is
// answered as a good one, and an unsigned one (curl -d @payload.json) is
// just unsigned.
func TestReportOnlyVerifiesButNeverRefuses(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.ReportOnly = true })
	body := fixture(t, "permission_assist.access_request_created")

	good := sign(t, signature.Standard, secret, "msg_good", clock, body)
	bad := sign(t, signature.Standard, "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ==", "msg_bad", clock, body)
	for i, hs := range [][]signature.Header{good, bad, nil} {
		if status, answer := e.post("/", body, hs...); status != http.StatusOK {
			t.Errorf("delivery %d: %d %s, want 200", i+1, status, answer)
		}
	}
	out := e.out.String()
	recs := e.records()
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	for i, want := range []struct {
		scheme string
		valid  bool
		kind   any
	}{{"standard", true, nil}, {"standard", false, "no_match"}, {"none", true, nil}} {
		r := recs[i]
		if dig(r, "signature.scheme") != want.scheme || dig(r, "signature.valid") != want.valid || dig(r, "signature.kind") != want.kind {
			t.Errorf("record %d signature = %v, want %+v", i+1, r["signature"], want)
		}
		if r["status"] != float64(200) {
			t.Errorf("record %d status = %v", i+1, r["status"])
		}
		// Answered as a delivery, so validated as one, a bad signature too.
		if dig(r, "schema.valid") != true || dig(r, "schema.name") != "permission_assist.access_request" {
			t.Errorf("record %d schema = %v", i+1, r["schema"])
		}
	}
	for _, want := range []string{"signature valid (standard)", "signature INVALID (standard, not enforced)", "unsigned"} {
		if !strings.Contains(out, want) {
			t.Errorf("pretty output lacks %q:\n%s", want, out)
		}
	}
	if st := e.l.Stats(); st.BadSignatures != 1 {
		t.Errorf("BadSignatures = %d, want 1", st.BadSignatures)
	}
}

// Without ReportOnly (an explicit --secret) the same bad and unsigned
// deliveries are refused, as before.
func TestExplicitSecretRefuses(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	body := fixture(t, "permission_assist.access_request_created")
	bad := sign(t, signature.Standard, "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ==", "msg_bad", clock, body)
	for i, hs := range [][]signature.Header{bad, nil} {
		if status, _ := e.post("/", body, hs...); status != http.StatusUnauthorized {
			t.Errorf("delivery %d: %d, want 401", i+1, status)
		}
	}
}
