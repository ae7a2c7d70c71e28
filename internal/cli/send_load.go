package cli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/gctune"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// loadReport is `send --count N --output json`.
type loadReport struct {
	URL         string         `json:"url"`
	Count       int            `json:"count"`
	Concurrency int            `json:"concurrency"`
	Sent        int            `json:"sent"`
	OK          int            `json:"ok"`
	Failed      int            `json:"failed"`
	Failures    map[string]int `json:"failures"`
	// FirstBodies is the start of the first answer of each failing status.
	FirstBodies map[string]string `json:"failure_bodies"`
	// NotReached counts deliveries that never reached the receiver, by
	// error in NotReachedErrors; they are not in Sent.
	NotReached       int            `json:"not_reached"`
	NotReachedErrors map[string]int `json:"not_reached_errors"`
	LatencyMS        latencyMS      `json:"latency_ms"`
	ElapsedS         float64        `json:"elapsed_s"`
	PerSecond        float64        `json:"per_second"`
	Interrupted      bool           `json:"interrupted,omitempty"`
	InFlight         int            `json:"in_flight,omitempty"` // cut short by the interrupt; may have arrived
}

type latencyMS struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func sendLoad(ctx context.Context, app *App, opts *SendOptions, b *delivery.Builder, c *client) error {
	var bar *progressbar.ProgressBar
	if app.ErrTTY {
		bar = progressbar.NewOptions(opts.Count,
			progressbar.OptionSetWriter(app.Err),
			progressbar.OptionSetDescription("sending"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("deliveries"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionEnableColorCodes(app.ColorErr()),
		)
	}
	l := delivery.Load{
		Count: opts.Count, Concurrency: opts.Concurrency, Rate: opts.Rate, Policy: c.Policy,
		Build: func(int) (delivery.Request, error) { return b.LoadRequest() },
	}
	// The first failed TLS handshake, kept for the hint: the summary only
	// has failures in words.
	var handshake atomic.Pointer[string]
	l.OnResult = func(r delivery.Result) {
		if r.Err != nil && handshake.Load() == nil {
			if h := c.TLS.handshakeHint(r.Err); h != "" {
				handshake.CompareAndSwap(nil, &h)
			}
		}
		if bar != nil {
			_ = bar.Add(1)
		}
	}
	defer gctune.Apply(app.Getenv, gctune.Load)()
	sum, err := delivery.RunLoad(ctx, c.HTTP, l)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return usageError(err, "")
	}
	interrupted := ctx.Err() != nil

	rep := loadReport{
		URL: b.URL, Count: opts.Count, Concurrency: opts.Concurrency,
		Sent: sum.Sent, OK: sum.OK, Failed: sum.Failed(), Failures: sum.Failures,
		FirstBodies: map[string]string{}, NotReached: sum.NotReached, NotReachedErrors: sum.NotReachedErrors,
		LatencyMS: latencyMS{ms(sum.Latency.P50), ms(sum.Latency.P90), ms(sum.Latency.P99), ms(sum.Latency.Max)},
		ElapsedS:  float64(sum.Elapsed.Milliseconds()) / 1000, PerSecond: round1(sum.PerSecond()),
		Interrupted: interrupted, InFlight: sum.InFlight,
	}
	for k, body := range sum.FirstBodies {
		rep.FirstBodies[k] = render.Excerpt(body, 1, delivery.FailureExcerpt)
	}
	if opts.Output == "json" {
		if err := writeJSON(app, rep); err != nil {
			return err
		}
	} else {
		writeLoadSummary(app, rep, sum)
	}
	switch {
	case interrupted:
		more := ""
		if sum.InFlight > 0 {
			more = fmt.Sprintf("; %d more were in flight and may have arrived", sum.InFlight)
		}
		return failError(fmt.Errorf("interrupted after %d of %d deliveries%s", sum.Sent, opts.Count, more), "")
	case sum.Failed() > 0:
		hint := loadHint(rep, b.URL)
		if h := handshake.Load(); h != nil {
			hint = *h
		}
		return failError(fmt.Errorf("%d of %d deliveries failed", sum.Failed(), sum.Sent+sum.NotReached), hint)
	}
	return nil
}

// loadHint is the hint for the most common failure of a load run that has
// one: a status (401: check --secret and --scheme), or nothing reached.
func loadHint(rep loadReport, url string) string {
	best, bestN := "", 0
	for k, n := range rep.Failures {
		if s, err := strconv.Atoi(k); err == nil && n > bestN && receiverStatusHint(s) != "" {
			best, bestN = receiverStatusHint(s), n
		}
	}
	if rep.NotReached > bestN {
		best = fmt.Sprintf("is the receiver running? `webhook-tool listen --addr %s` starts one", hostOf(url))
	}
	return best
}

func writeLoadSummary(app *App, rep loadReport, sum delivery.Summary) {
	pal := render.NewPalette(app.ColorOut())
	if rep.Interrupted && app.OutTTY {
		// The terminal echoed ^C where the cursor was: start afresh.
		fmt.Fprintln(app.Out)
	}
	fmt.Fprintf(app.Out, "sent %d %s to %s in %s: %s deliveries/s\n", rep.Sent, plural(rep.Sent, "delivery", "deliveries"),
		rep.URL, render.Duration(sum.Elapsed), strconv.FormatFloat(rep.PerSecond, 'f', 1, 64))
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\t%d\n", pal.Green("2xx"), rep.OK)
	keys := make([]string, 0, len(rep.Failures))
	for k := range rep.Failures {
		keys = append(keys, k)
	}
	// Statuses in numeric order, then error phrases.
	slices.SortFunc(keys, func(a, b string) int {
		na, ea := strconv.Atoi(a)
		nb, eb := strconv.Atoi(b)
		switch {
		case ea == nil && eb == nil:
			return na - nb
		case ea == nil:
			return -1
		case eb == nil:
			return 1
		}
		if a < b {
			return -1
		}
		return 1
	})
	for _, k := range keys {
		label := k
		if n, err := strconv.Atoi(k); err == nil {
			label = delivery.StatusText(n)
		}
		answer := ""
		if b := rep.FirstBodies[k]; b != "" {
			answer = "\t" + pal.Dim("first answer: "+b)
		}
		fmt.Fprintf(tw, "  %s\t%d%s\n", pal.Red(label), rep.Failures[k], answer)
	}
	tw.Flush()
	if rep.NotReached > 0 {
		errs := make([]string, 0, len(rep.NotReachedErrors))
		for e, n := range rep.NotReachedErrors {
			errs = append(errs, fmt.Sprintf("%s: %d", e, n))
		}
		slices.Sort(errs)
		fmt.Fprintf(app.Out, "%s %d (%s)\n", pal.Red("not reached:"), rep.NotReached, strings.Join(errs, ", "))
	}
	if rep.Sent == 0 {
		return // nothing answered: no latency to speak of
	}
	l := sum.Latency
	fmt.Fprintf(app.Out, "latency p50 %s  p90 %s  p99 %s  max %s\n",
		render.Duration(l.P50), render.Duration(l.P90), render.Duration(l.P99), render.Duration(l.Max))
}

func round1(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64)
	return v
}
