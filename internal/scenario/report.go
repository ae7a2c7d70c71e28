package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Printer writes a run's output: a line per delivery and a summary, or,
// with JSON, one object per delivery per line and nothing else on Out
// (what else it has to say then goes to Diag).
type Printer struct {
	Out        io.Writer
	Diag       *render.Diag
	JSON       bool
	Palette    *render.Palette
	steps      []string
	nameW      int
	kindW      int
	requestIDs map[string]bool
	subject    string // what the story calls the subject those ids are of
}

// NewPrinter returns a Printer whose columns fit ds.
func NewPrinter(out io.Writer, diag *render.Diag, asJSON bool, pal *render.Palette, ds []Delivery) *Printer {
	p := &Printer{Out: out, Diag: diag, JSON: asJSON, Palette: pal, requestIDs: map[string]bool{}}
	for _, d := range ds {
		p.steps = append(p.steps, d.Step)
		p.nameW, p.kindW = max(p.nameW, len(d.Step)), max(p.kindW, len(d.Kind))
	}
	return p
}

// Order prints the order a shuffled run uses and the seed that repeats it
// (on Diag with JSON, which keeps Out for the steps).
func (p *Printer) Order(order []int, seed uint64) {
	names := make([]string, len(order))
	for i, o := range order {
		names[i] = p.steps[o]
	}
	line := fmt.Sprintf("shuffled with --seed %d: %s", seed, strings.Join(names, ", "))
	if p.JSON {
		p.Diag.Printf("%s", line)
		return
	}
	fmt.Fprintln(p.Out, line)
}

// StepReport is one line of `scenario run --output json`.
type StepReport struct {
	Step       string  `json:"step"`
	Fixture    string  `json:"fixture"`
	Event      string  `json:"event,omitempty"`
	ID         string  `json:"id"`
	RequestID  string  `json:"request_id,omitempty"`
	Copy       int     `json:"copy"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Attempts   int     `json:"attempts"`
	OK         bool    `json:"ok"`
	Callback   *string `json:"callback,omitempty"`
	Error      string  `json:"error,omitempty"`
}

// Step prints one delivery's outcome; it is Run's report function.
func (p *Printer) Step(r Result) {
	if r.RequestID != "" {
		p.requestIDs[r.RequestID] = true
		p.subject = r.Subject
	}
	if p.JSON {
		rep := StepReport{Step: r.Step, Fixture: r.Source, Event: r.Kind, ID: r.ID, RequestID: r.RequestID, Copy: r.Copy,
			Status: r.Status, DurationMS: float64(r.Duration.Microseconds()) / 1000, Attempts: r.Attempts, OK: r.Err == nil, Callback: r.Callback}
		if r.Err != nil {
			rep.Error = r.Err.Error()
		}
		enc := json.NewEncoder(p.Out)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(rep)
		return
	}
	pal := p.Palette
	status := "no answer"
	if r.Status != 0 {
		status = delivery.StatusText(r.Status)
	}
	if r.Err != nil {
		status = pal.Red(status)
	} else {
		status = pal.Green(status)
	}
	again := ""
	if r.Copy > 1 {
		again = "  (again)"
	}
	fmt.Fprintf(p.Out, "%-*s  %-*s  %s  %s  %s%s\n", p.nameW, r.Step, p.kindW, r.Kind, r.ID, status, pal.Dim(render.Duration(r.Duration)), again)
	if r.Callback != nil {
		fmt.Fprintf(p.Out, "%*s  callback: %q\n", p.nameW, "", *r.Callback)
	}
	if r.Err != nil {
		fmt.Fprintf(p.Out, "%*s  %s %s\n", p.nameW, "", pal.Red("failed:"), r.Err)
	}
}

// Summary prints the run's last line (nothing with JSON).
func (p *Printer) Summary(name string, sum Summary, steps int, host string) {
	if p.JSON {
		return
	}
	about := ""
	if len(p.requestIDs) == 1 {
		for id := range p.requestIDs {
			about = ", " + strings.TrimSpace(p.subject+" "+id)
		}
	}
	fmt.Fprintf(p.Out, "%s: %d %s, %d passed, %d failed, %d not sent (%d %s to %s%s)\n",
		name, steps, plural(steps, "step", "steps"), sum.Passed, sum.Failed, sum.Skipped,
		sum.Sent, plural(sum.Sent, "delivery", "deliveries"), host, about)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
