package listener

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

func TestTokenBucket(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newTokenBucket(20, func() time.Time { return clock })
	n := 0
	for b.take() {
		n++
	}
	if n != 20 {
		t.Fatalf("a burst of %d, want 20", n)
	}
	clock = clock.Add(100 * time.Millisecond)
	if got := []bool{b.take(), b.take(), b.take()}; !slices.Equal(got, []bool{true, true, false}) {
		t.Errorf("100 ms later: %v, want 2 more, then none", got)
	}
	clock = clock.Add(time.Hour)
	n = 0
	for b.take() {
		n++
	}
	if n != 20 {
		t.Errorf("after an idle hour a burst of %d, want 20 (no more saved up)", n)
	}
	clock = clock.Add(-time.Minute) // a clock that steps back gives nothing
	if b.take() {
		t.Errorf("took with the clock stepped back")
	}
}

// Beyond doctorPerSecond diagnoses in a second, a failure is recorded
// without one (and the slot is given back): a flood of badly signed
// requests costs a verification each, not a diagnosis.
func TestDiagnoseRate(t *testing.T) {
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
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l.doctorRate = newTokenBucket(doctorPerSecond, func() time.Time { return clock })
	body := []byte("Hello, World!\n")
	h := http.Header{"X-Hub-Signature-256": {"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}}
	opts := signature.VerifyOptions{Scheme: signature.GitHub, Secrets: []string{secret}}
	res := signature.Verify(opts, h, body)
	for i := range doctorPerSecond {
		if d := l.diagnose(opts, h, body, res); d == nil {
			t.Fatalf("diagnosis %d of the second: none", i+1)
		}
	}
	if d := l.diagnose(opts, h, body, res); d != nil {
		t.Errorf("diagnosed past %d a second: %+v", doctorPerSecond, d)
	}
	if len(l.doctor) != 0 {
		t.Errorf("%d slots still taken", len(l.doctor))
	}
	clock = clock.Add(time.Second)
	if d := l.diagnose(opts, h, body, res); d == nil || d.Cause != signature.CauseTrailingNewline {
		t.Errorf("a second later: %+v", d)
	}
}
