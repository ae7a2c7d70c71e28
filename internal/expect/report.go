package expect

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Wrong is a delivery (or callback) that failed the expectation.
type Wrong struct {
	Seq        int64  `json:"seq"`
	DeliveryID string `json:"delivery_id,omitempty"` // a callback's: the delivery it answers
	Event      string `json:"event,omitempty"`
	Schema     string `json:"schema,omitempty"`
	// Problem is "signature", "payload" or "callback"; Verdict what it
	// was (invalid, missing, unchecked; "answered 409 Conflict").
	Problem string `json:"problem"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason,omitempty"`
}

// Count is one spec's tally.
type Count struct {
	What string `json:"what"`           // deliveries, event or callbacks
	Name string `json:"name,omitempty"` // the event as given, for What event
	Want int    `json:"want"`
	Got  int    `json:"got"`
}

// Report is the verdict of a run: what listen prints when it ends, and,
// with --output json, its last line.
type Report struct {
	Kind     string  `json:"kind"`    // always "verdict", so the line stands apart from the records
	Verdict  string  `json:"verdict"` // met, failed, timeout, or pending (stopped before either)
	OK       bool    `json:"ok"`
	WithinMS float64 `json:"within_ms,omitempty"` // for a timeout: the --within that ran out
	Expected []Count `json:"expected"`
	Wrong    []Wrong `json:"wrong"`
}

// Report is the verdict as things stand: met, failed, or pending when
// listen stops before either (Ctrl-C).
func (e *Evaluator) Report() Report {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := Report{Kind: "verdict", Verdict: e.state.String(), OK: e.state == Met, Wrong: append([]Wrong{}, e.wrong...)}
	r.Expected = make([]Count, len(e.specs))
	for i, s := range e.specs {
		c := Count{What: "deliveries", Want: s.N, Got: e.got[i]}
		switch s.Kind {
		case Event:
			c.What, c.Name = "event", s.Name
		case Callbacks:
			c.What = "callbacks"
		}
		r.Expected[i] = c
	}
	return r
}

// TimeoutReport is the verdict when --within ran out: a timeout, unless
// the expectation was met or failed by then.
func (e *Evaluator) TimeoutReport(within time.Duration) Report {
	r := e.Report()
	if r.Verdict == Pending.String() {
		r.Verdict = "timeout"
		r.WithinMS = float64(within.Microseconds()) / 1000
	}
	return r
}

// Lines is the report as text, one line each, without a trailing newline:
// the verdict, each count, and each wrong delivery. What a client chose
// (names, ids, reasons) is escaped for a terminal.
func (r Report) Lines() []string {
	var counts []string
	for _, c := range r.Expected {
		counts = append(counts, c.text())
	}
	var head string
	switch r.Verdict {
	case "met":
		head = "expectation met: " + strings.Join(counts, ", ")
	case "failed":
		head = "expectation failed"
		if len(r.Wrong) > 0 {
			head += ": " + r.Wrong[0].text()
		}
	case "timeout":
		head = "expectation not met within " + render.Duration(time.Duration(r.WithinMS*float64(time.Millisecond)))
	default:
		head = "expectation not met: listen stopped first"
	}
	lines := []string{head}
	if r.Verdict != "met" {
		for _, c := range r.Expected {
			line := "  " + c.text()
			if c.Got < c.Want {
				line += fmt.Sprintf(" (%d missing)", c.Want-c.Got)
			}
			lines = append(lines, line)
		}
	}
	for i, w := range r.Wrong {
		if i == 0 && r.Verdict == "failed" {
			continue // in the headline
		}
		lines = append(lines, "  wrong: "+w.text())
	}
	return lines
}

func (c Count) text() string {
	what := c.What
	switch {
	case c.What == "event":
		what = render.Escape(c.Name)
	case c.Want == 1:
		what = strings.TrimSuffix(what, "s")
	}
	return fmt.Sprintf("%d of %d %s", c.Got, c.Want, what)
}

func (w Wrong) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d", w.Seq)
	if w.Problem == "callback" {
		fmt.Fprintf(&b, " callback for %s %s", render.Escape(w.DeliveryID), w.Verdict)
	} else {
		name := w.Event
		if name == "" {
			name = w.Schema
		}
		if name != "" {
			b.WriteString(" " + render.Escape(name))
		}
		if w.DeliveryID != "" {
			b.WriteString(" (" + render.Escape(w.DeliveryID) + ")")
		}
		fmt.Fprintf(&b, ": %s %s", w.Problem, w.Verdict)
	}
	if w.Reason != "" {
		b.WriteString(": " + render.Escape(w.Reason))
	}
	return b.String()
}

// statusText is "409 Conflict", or the number alone.
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}
