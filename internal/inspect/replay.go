package inspect

import (
	"context"
	"fmt"
	"net/http"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/replay"
)

// ReplaySender is the Replay button of listen --ui and inspect: the request
// is planned by replay.Plan, as `webhook-tool replay` plans it (its header
// rules, its re-signing with a fresh id and time), and sent by
// delivery.Send with Policy's retries.
type ReplaySender struct {
	Client  *http.Client
	Policy  delivery.Policy
	Options replay.Options // URL is each replay's own
}

// Replay re-sends rec to to.
func (p *ReplaySender) Replay(ctx context.Context, rec *record.Record, to string) (Outcome, error) {
	if _, err := delivery.CheckURL(to); err != nil {
		return Outcome{}, fmt.Errorf("invalid URL %q: %w", to, err)
	}
	o := p.Options
	o.URL = to
	plan, err := replay.Plan(rec, o)
	if err != nil {
		return Outcome{}, err
	}
	resp, err := delivery.Send(ctx, p.Client, plan.Request, p.Policy, nil)
	out := replay.NewReport(rec.Seq, plan, resp, err)
	return out, nil
}
