package listener

import (
	"net/http"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// While doctorSlots diagnoses run, another failure is recorded without one
// rather than queued: a flood of bad signatures cannot pile up work.
func TestDiagnoseSlots(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	const secret = "It's a Secret to Everybody"
	l, err := New(Config{Registry: reg, Records: record.NewWriter(discard{}, record.Options{}), Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("Hello, World!\n")
	h := http.Header{"X-Hub-Signature-256": {"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}}
	opts := signature.VerifyOptions{Scheme: signature.GitHub, Secrets: []string{secret}}
	res := signature.Verify(opts, h, body)
	for range doctorSlots {
		l.doctor <- struct{}{}
	}
	if d := l.diagnose(opts, h, body, res); d != nil {
		t.Errorf("diagnosed with every slot taken: %+v", d)
	}
	<-l.doctor
	if d := l.diagnose(opts, h, body, res); d == nil || d.Cause != signature.CauseTrailingNewline {
		t.Errorf("with a slot free: %+v", d)
	}
	if len(l.doctor) != doctorSlots-1 {
		t.Errorf("the slot was not given back: %d taken", len(l.doctor))
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
