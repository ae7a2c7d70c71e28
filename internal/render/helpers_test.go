package render_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

var clock = time.Date(2025, 12, 1, 14, 30, 5, 0, time.UTC)

var registry = func() *payload.Registry {
	r, err := payload.NewRegistry()
	if err != nil {
		panic(err)
	}
	return r
}()

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fixtures.FS.ReadFile(fixtures.Path(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// delivered is the record listen makes of a delivery of body with a valid
// signature and the given headers, with what checking it found, as listen
// checks it.
func delivered(t *testing.T, seq int64, body []byte, headers record.Headers) (*record.Record, render.Checked) {
	t.Helper()
	rec := &record.Record{
		Seq: seq, ReceivedAt: clock, Method: "POST", Path: "/", Headers: headers, Status: 200,
		Signature: &record.Signature{Scheme: "standard", Valid: true},
	}
	rec.SetBody(body)
	res, err := registry.Check(body, "")
	c := render.Checked{JSON: true}
	switch {
	case err != nil:
		rec.Schema = &record.Schema{Name: res.Schema, Errors: []payload.Error{{Message: err.Error()}}}
	default:
		c.JSON = !res.SyntaxError()
		rec.Schema = &record.Schema{Name: res.Schema, Valid: res.Valid, Errors: res.Errors, Omitted: res.Omitted}
	}
	rec.UserInviteID = res.Fields.Invite
	c.EventName = res.EventLabel()
	return rec, c
}

// pretty is the block Pretty writes for rec.
func pretty(rec *record.Record, c render.Checked, o render.ViewOptions) string {
	var b bytes.Buffer
	body, _ := rec.RawBody()
	render.Pretty(&b, rec, body, c, o)
	return b.String()
}

// noRaw fails when out holds any of bad raw.
func noRaw(t *testing.T, out string, bad ...string) {
	t.Helper()
	for _, s := range bad {
		if i := strings.Index(out, s); i >= 0 {
			t.Errorf("output holds %q near %q", s, out[max(0, i-40):min(len(out), i+40)])
		}
	}
}
