package cli

// One delivery of `send`: what it prints and the error it exits with.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/redact"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// sendReport is `send --output json` for one delivery (or a dry run).
type sendReport struct {
	Request  requestReport   `json:"request"`
	DryRun   bool            `json:"dry_run,omitempty"`
	Response *responseReport `json:"response,omitempty"`
	Attempts int             `json:"attempts,omitempty"`
	Schedule *scheduleReport `json:"schedule,omitempty"`
	OK       bool            `json:"ok"`
	Error    string          `json:"error,omitempty"`
}

type requestReport struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	WebhookID string            `json:"webhook_id"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body,omitempty"`
}

type responseReport struct {
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Body       string  `json:"body"`
}

func newRequestReport(o delivery.Outgoing, withBody bool) requestReport {
	r := requestReport{Method: o.Req.Method, URL: o.Req.URL, WebhookID: o.ID, Headers: map[string]string{}}
	for _, h := range o.Headers {
		v := redact.Header(h.Name, h.Value)
		if prev, ok := r.Headers[h.Name]; ok {
			v = prev + ", " + v
		}
		r.Headers[h.Name] = v
	}
	if withBody {
		r.Body = string(o.Req.Body)
	}
	return r
}

func writeJSON(app *App, v any) error {
	enc := json.NewEncoder(app.Out)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeRequestHead prints the request as it goes on the wire: request line,
// Host, the headers (secrets as ****) and, with a body, Content-Length.
func writeRequestHead(app *App, pal *render.Palette, o delivery.Outgoing, withLength bool) {
	u, _ := url.Parse(o.Req.URL)
	fmt.Fprintf(app.Out, "%s %s HTTP/1.1\n", pal.Bold(o.Req.Method), u.RequestURI())
	fmt.Fprintf(app.Out, "%s: %s\n", pal.Dim("Host"), u.Host)
	for _, h := range o.Headers {
		fmt.Fprintf(app.Out, "%s: %s\n", pal.Dim(h.Name), redact.Header(h.Name, h.Value))
	}
	if withLength {
		fmt.Fprintf(app.Out, "%s: %d\n", pal.Dim("Content-Length"), len(o.Req.Body))
	}
}

func printDryRun(app *App, output string, o delivery.Outgoing) error {
	if output == "json" {
		return writeJSON(app, sendReport{Request: newRequestReport(o, true), DryRun: true, OK: true})
	}
	pal := render.NewPalette(app.ColorOut())
	writeRequestHead(app, pal, o, true)
	fmt.Fprintln(app.Out)
	app.Out.Write(o.Req.Body)
	if n := len(o.Req.Body); n > 0 && o.Req.Body[n-1] != '\n' {
		fmt.Fprintln(app.Out)
	}
	app.diag().Printf("dry run: nothing was sent to %s", hostOf(o.Req.URL))
	return nil
}

// sendPlan is how sendOne tries: the builder that made the delivery, and
// the --retry-schedule to follow (nil: --retries).
type sendPlan struct {
	build    *delivery.Builder
	schedule *retrySchedule
}

func sendOne(ctx context.Context, app *App, opts *SendOptions, o delivery.Outgoing, c *client, plan sendPlan) error {
	pal := render.NewPalette(app.ColorOut())
	epal := render.NewPalette(app.ColorErr())
	if opts.Output == "text" {
		writeRequestHead(app, pal, o, false)
		fmt.Fprintln(app.Out)
	}
	policy, sched := c.Policy, plan.schedule
	if sched != nil {
		sched.apply(&policy, plan.build, o)
	}
	onRetry := func(a delivery.Attempt) {
		what := ""
		if a.Err != nil {
			what = delivery.Explain(a.Err)
		} else {
			what = delivery.StatusText(a.Status)
		}
		note := ""
		switch {
		case sched != nil:
			sched.retried(a)
			note = sched.note(a.N)
		case a.RetryAfter > 0 && a.RetryAfter > a.Wait:
			note = fmt.Sprintf(" (Retry-After asked for %s; capped)", a.RetryAfter)
		case a.Err == nil && a.RetryAfter == a.Wait:
			note = " (as Retry-After asked)"
		}
		app.diag().Printf("attempt %d of %d: %s; retrying in %s%s",
			a.N, policy.Retries+1, epal.Yellow(what), render.Duration(a.Wait), note)
	}
	resp, err := delivery.Send(ctx, c.HTTP, o.Req, policy, onRetry)

	report := sendReport{Request: newRequestReport(o, false), Attempts: resp.Attempts, OK: err == nil && resp.OK()}
	if sched != nil {
		sched.finished(resp, err)
		report.Schedule = sched.report()
	}
	if err == nil {
		report.Response = &responseReport{Status: resp.Status, DurationMS: ms(resp.Duration), Body: string(resp.Body)}
	}
	failure := deliveryFailure(o, resp, err, c)
	var ee *ExitError
	if sched != nil && errors.As(failure, &ee) && !errors.Is(err, context.Canceled) && resp.Attempts == sched.Attempts() {
		ee.Hint = "that was the schedule's last attempt: a sender following it gives up on the delivery here"
	}
	if failure != nil {
		report.Error = oneLine(failure.Error())
	}
	if opts.Output == "json" {
		if err := writeJSON(app, report); err != nil {
			return err
		}
		return failure
	}
	if sched != nil {
		sched.write(app.Out, pal)
	}
	if err == nil {
		writeResponse(app, pal, resp)
	}
	return failure
}

// deliveryFailure is the error send exits with, or nil for a 2xx.
func deliveryFailure(o delivery.Outgoing, resp delivery.Response, err error, c *client) error {
	after := ""
	if resp.Attempts > 1 {
		after = fmt.Sprintf(" after %d attempts", resp.Attempts)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return failError(errors.New("interrupted: the delivery may or may not have arrived"), "")
		}
		hint := ""
		var te *delivery.TimeoutError
		switch {
		case delivery.NotSent(err) && c.ToDefault:
			hint = "nothing listens at " + defaultTo + ", where send delivers without --to: start `webhook-tool listen`, or pass --to URL"
		case delivery.NotSent(err):
			hint = fmt.Sprintf("is the receiver running? `webhook-tool listen --addr %s` starts one", hostOf(o.Req.URL))
		case errors.As(err, &te):
			hint = "raise --timeout if the receiver is just slow"
		default:
			hint = c.TLS.handshakeHint(err)
		}
		return failError(fmt.Errorf("delivery to %s failed%s: %s", hostOf(o.Req.URL), after, delivery.Explain(err)), hint)
	}
	if resp.OK() {
		return nil
	}
	hint := receiverStatusHint(resp.Status)
	if loc := resp.Header.Get("Location"); loc != "" && resp.Status >= 300 && resp.Status < 400 {
		hint = "the receiver redirects to " + loc + "; send there instead (redirects are not followed)"
	}
	return failError(fmt.Errorf("delivery failed%s: the receiver answered %s", after, delivery.StatusText(resp.Status)), hint)
}

// receiverStatusHint says what to check when the receiver answers status,
// "" when there is nothing general to say.
func receiverStatusHint(s int) string {
	switch {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return "check that --secret and --scheme match what the receiver expects"
	case s == http.StatusNotFound || s == http.StatusMethodNotAllowed:
		return "check the path in --to"
	case delivery.Retryable(s):
		return "the receiver is busy or down; raise --retries to try longer"
	}
	return ""
}

// writeResponse prints the status line and the start of the body.
func writeResponse(app *App, pal *render.Palette, resp delivery.Response) {
	status := delivery.StatusText(resp.Status)
	if resp.OK() {
		status = pal.Green(status)
	} else {
		status = pal.Red(status)
	}
	attempts := ""
	if resp.Attempts > 1 {
		attempts = fmt.Sprintf(", %d attempts", resp.Attempts)
	}
	fmt.Fprintf(app.Out, "HTTP %s  %s\n", status, pal.Dim("("+render.Duration(resp.Duration)+attempts+")"))
	if ex := render.Excerpt(resp.Body, 20, 2048); ex != "" {
		fmt.Fprintln(app.Out, ex)
	}
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return raw
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
