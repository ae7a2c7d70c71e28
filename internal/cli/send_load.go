package cli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
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
	LatencyMS   latencyMS      `json:"latency_ms"`
	ElapsedS    float64        `json:"elapsed_s"`
	PerSecond   float64        `json:"per_second"`
	Interrupted bool           `json:"interrupted,omitempty"`
	InFlight    int            `json:"in_flight,omitempty"` // cut short by the interrupt; may have arrived
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
	defer tuneGC(app.Getenv, loadGC)()
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
		LatencyMS: latencyMS{ms(sum.Latency.P50), ms(sum.Latency.P90), ms(sum.Latency.P99), ms(sum.Latency.Max)},
		ElapsedS:  float64(sum.Elapsed.Milliseconds()) / 1000, PerSecond: round1(sum.PerSecond()),
		Interrupted: interrupted, InFlight: sum.InFlight,
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
		hint := ""
		if h := handshake.Load(); h != nil {
			hint = *h
		}
		return failError(fmt.Errorf("%d of %d deliveries failed", sum.Failed(), sum.Sent), hint)
	}
	return nil
}

func writeLoadSummary(app *App, rep loadReport, sum delivery.Summary) {
	pal := render.NewPalette(app.ColorOut())
	fmt.Fprintf(app.Out, "sent %d deliveries to %s in %s: %s deliveries/s\n",
		rep.Sent, rep.URL, render.Duration(sum.Elapsed), strconv.FormatFloat(rep.PerSecond, 'f', 1, 64))
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
		fmt.Fprintf(tw, "  %s\t%d\n", pal.Red(label), rep.Failures[k])
	}
	tw.Flush()
	l := sum.Latency
	fmt.Fprintf(app.Out, "latency p50 %s  p90 %s  p99 %s  max %s\n",
		render.Duration(l.P50), render.Duration(l.P90), render.Duration(l.P99), render.Duration(l.Max))
}

func round1(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64)
	return v
}
