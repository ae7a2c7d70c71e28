package listener

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/expect"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// ErrNotMet is how a run with --expect ends when the expectation was not
// met (it failed, --within ran out, or listen was stopped first): exit 1,
// the report already written.
var ErrNotMet = errors.New("expectation not met")

// expectation is a run's --expect: the evaluator the record stage feeds
// (Config.Observe), the --within timer, and the verdict, fixed when the
// run is told to end: the first of the expectation met or failed, the
// time running out, or the run's own context (Ctrl-C).
type expectation struct {
	ev     *expect.Evaluator
	within time.Duration
	end    context.CancelFunc
	timer  *time.Timer

	once    sync.Once
	final   expect.Report
	settled atomic.Bool // the verdict was reached: met, failed or timed out
}

// newExpectation starts evaluating specs; the context it returns is done
// once the verdict is reached.
func newExpectation(ctx context.Context, specs []expect.Spec, within time.Duration) (*expectation, context.Context) {
	x := &expectation{ev: expect.New(specs, expect.Options{}), within: within}
	ctx, x.end = context.WithCancel(ctx)
	return x, ctx
}

// observe is Config.Observe: a verdict ends the run.
func (x *expectation) observe(rec *record.Record, event string) {
	if x.ev.ObserveEvent(rec, event) != expect.Pending {
		x.decide(x.ev.Report())
	}
}

func (x *expectation) decide(r expect.Report) {
	x.once.Do(func() {
		x.final = r
		x.settled.Store(r.Verdict != expect.Pending.String())
		x.end()
	})
}

// decided reports whether the run ends for its verdict (not for Ctrl-C).
func (x *expectation) decided() bool { return x != nil && x.settled.Load() }

// start starts the --within clock, once listen serves.
func (x *expectation) start() {
	if x.within > 0 {
		x.timer = time.AfterFunc(x.within, func() { x.decide(x.ev.TimeoutReport(x.within)) })
	}
}

// verdict is the report, once the run is over: as reached, or as things
// stood when the run was stopped (pending).
func (x *expectation) verdict() *expect.Report {
	if x.timer != nil {
		x.timer.Stop()
	}
	x.decide(x.ev.Report())
	x.end()
	return &x.final
}

// Report writes how the run ended on stderr (w): the verdict's lines
// (--expect), the summary line, and what Ended says. (With JSON output
// the verdict is also the last line of stdout, written by Run.) It returns
// Ended's error, else ErrNotMet when there was an expectation and it was
// not met.
func (s Summary) Report(w io.Writer, diag *render.Diag, pal *render.Palette) error {
	if s.Verdict != nil {
		fmt.Fprintln(w, strings.Join(s.Verdict.Lines(), "\n"))
	}
	fmt.Fprintln(w, s.Line(pal))
	if err := s.Ended(diag); err != nil {
		return err
	}
	if s.Verdict == nil {
		return nil
	}
	if !s.Verdict.OK {
		return ErrNotMet
	}
	return nil
}
