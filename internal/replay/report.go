package replay

import (
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Report is what one replay did: a line of `replay --output json`, and the
// inspector's answer to its Replay button.
type Report struct {
	Seq        int64   `json:"seq"`
	Method     string  `json:"method"`
	URL        string  `json:"url"`
	WebhookID  string  `json:"webhook_id,omitempty"`
	Scheme     string  `json:"scheme"`
	Resigned   bool    `json:"resigned"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Attempts   int     `json:"attempts"`
	Body       string  `json:"body"`
	OK         bool    `json:"ok"`
	Error      string  `json:"error,omitempty"`
}

// NewReport reports record seq's replay as planned and as delivery.Send
// answered it (err: why it failed): the answer's body in an excerpt of 5
// lines and 512 bytes at most.
func NewReport(seq int64, plan Planned, resp delivery.Response, err error) Report {
	rep := Report{
		Seq: seq, Method: plan.Request.Method, URL: plan.Request.URL, WebhookID: plan.WebhookID,
		Scheme: plan.Scheme, Resigned: plan.Resigned,
		Status: resp.Status, Attempts: resp.Attempts,
		DurationMS: float64(resp.Duration.Microseconds()) / 1000,
		Body:       render.Excerpt(resp.Body, 5, 512),
		OK:         err == nil && resp.OK(),
	}
	if err != nil {
		rep.Error = delivery.Explain(err)
	}
	return rep
}
