package cli

// send --retry-schedule: a vendor's schedule of attempts, compressed by
// --time-scale, each attempt re-signed, and a summary of every attempt.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

const scheduleHint = "give svix (Svix's documented schedule), a list of waits such as 0,5s,5m,30m, or a file of them"

// retrySchedule is --retry-schedule and --time-scale, resolved.
type retrySchedule struct {
	delivery.Schedule
	scale float64
	label string // "svix", the list as given, or the file's name

	attempts []scheduledAttempt
}

// scheduledAttempt is one attempt as the summary shows it.
type scheduledAttempt struct {
	n        int
	began    time.Duration // from the start of the first attempt
	took     time.Duration
	status   int
	err      error
	finished bool // the last attempt (the one Send returned)
}

// resolveSchedule checks --retry-schedule and --time-scale; nil without a
// schedule.
func resolveSchedule(opts *SendOptions) (*retrySchedule, error) {
	if opts.RetrySchedule == "" {
		if opts.TimeScale != "" {
			return nil, usageError(errors.New("--time-scale compresses the waits of a --retry-schedule, and there is none"),
				"add --retry-schedule svix, or drop --time-scale")
		}
		return nil, nil
	}
	switch {
	case opts.retriesSet:
		return nil, usageError(errors.New("--retries and --retry-schedule both say how often to try: keep one"),
			"--retry-schedule makes as many attempts as the schedule lists")
	case opts.Count > 1:
		return nil, usageError(errors.New("--retry-schedule follows one delivery through its attempts and cannot be combined with --count"), "")
	}
	rs := &retrySchedule{scale: 1}
	if opts.TimeScale != "" {
		f, err := delivery.ParseTimeScale(opts.TimeScale)
		if err != nil {
			return nil, usageError(fmt.Errorf("invalid --time-scale %q: %v", opts.TimeScale, err), "")
		}
		rs.scale = f
	}
	s, label, err := loadSchedule(opts.RetrySchedule)
	if err != nil {
		return nil, err
	}
	rs.Schedule, rs.label = s, label
	return rs, nil
}

// loadSchedule reads svix, a list of waits, or a file of them.
func loadSchedule(v string) (delivery.Schedule, string, error) {
	if v == delivery.Svix.Name {
		return delivery.Svix, v, nil
	}
	s, listErr := delivery.ParseSchedule(v)
	if listErr == nil {
		return s, v, nil
	}
	st, statErr := os.Stat(v)
	if statErr != nil || st.IsDir() {
		if strings.ContainsAny(v, ",0123456789") && !strings.ContainsAny(v, `/\`) {
			return s, "", usageError(fmt.Errorf("invalid --retry-schedule %q: %v", v, listErr), scheduleHint)
		}
		why := "no such file"
		if statErr == nil {
			why = "a directory"
		}
		return s, "", usageError(fmt.Errorf("invalid --retry-schedule %q: not svix, not a list of waits, and %s", v, why), scheduleHint)
	}
	b, err := input.ReadFile(v, input.MaxSmallFileSize)
	if err != nil {
		return s, "", usageError(fmt.Errorf("cannot read %s: %w", v, unwrapPathErr(err)), "")
	}
	if s, err = delivery.ParseSchedule(string(b)); err != nil {
		return s, "", usageError(fmt.Errorf("%s: not a retry schedule: %v", v, err), scheduleHint)
	}
	return s, v, nil
}

// apply makes policy follow the schedule, each attempt after the first
// re-signed by build with the delivery's id and a fresh timestamp.
func (rs *retrySchedule) apply(p *delivery.Policy, build *delivery.Builder, o delivery.Outgoing) {
	rs.Apply(p, rs.scale)
	p.Renew = func(int, delivery.Request) (delivery.Request, error) {
		next, err := build.Resign(o)
		return next.Req, err
	}
}

// retried notes an attempt that failed and is followed by another.
func (rs *retrySchedule) retried(a delivery.Attempt) {
	rs.attempts = append(rs.attempts, scheduledAttempt{n: a.N, began: a.Began, took: a.Duration, status: a.Status, err: a.Err})
}

// finished notes the last attempt.
func (rs *retrySchedule) finished(resp delivery.Response, err error) {
	if resp.Attempts == 0 || len(rs.attempts) >= resp.Attempts {
		return // interrupted during a wait: the last attempt is noted
	}
	rs.attempts = append(rs.attempts, scheduledAttempt{n: resp.Attempts, began: resp.Began, took: resp.Duration, status: resp.Status, err: err, finished: true})
}

// note is what a retry line on stderr adds after attempt n: the wait as
// the schedule has it.
func (rs *retrySchedule) note(n int) string {
	what := "schedule"
	if rs.Name != "" {
		what = rs.Name + " schedule"
	}
	w := rs.Waits[min(n, len(rs.Waits)-1)]
	if rs.scale == 1 {
		return fmt.Sprintf(" (%s: %s)", what, scheduleTime(w))
	}
	return fmt.Sprintf(" (%s: %s, at %sx)", what, scheduleTime(w), formatScale(rs.scale))
}

// write prints the summary: every attempt, when the schedule had it, when
// it really began, and what it got.
func (rs *retrySchedule) write(w io.Writer, pal *render.Palette) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	scaled := rs.scale != 1
	head := "attempt\tscheduled"
	if scaled {
		head += "\tat " + formatScale(rs.scale) + "x"
	}
	fmt.Fprintln(tw, pal.Dim(head+"\treal\tanswer"))
	for _, a := range rs.attempts {
		at := rs.At(a.n)
		row := fmt.Sprintf("%d\t%s", a.n, scheduleTime(at))
		if scaled {
			row += "\t" + render.Duration(delivery.Scaled(at, rs.scale))
		}
		answer := delivery.StatusText(a.status)
		switch {
		case a.err != nil:
			answer = pal.Red(oneLine(delivery.Explain(a.err)))
		case a.status >= 200 && a.status < 300:
			answer = pal.Green(answer)
		default:
			answer = pal.Red(answer)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s  %s\n", row, render.Duration(a.began), answer, pal.Dim(render.Duration(a.took)))
	}
	tw.Flush()
}

// scheduleReport is the schedule in send --output json.
type scheduleReport struct {
	Name      string                   `json:"name,omitempty"`
	Waits     string                   `json:"waits"`
	TimeScale float64                  `json:"time_scale"`
	Attempts  []scheduledAttemptReport `json:"attempts"`
}

type scheduledAttemptReport struct {
	Attempt     int     `json:"attempt"`
	ScheduledMS float64 `json:"scheduled_ms"` // as the schedule has it
	ScaledMS    float64 `json:"scaled_ms"`    // compressed by --time-scale
	RealMS      float64 `json:"real_ms"`      // when it began, from the first
	Status      int     `json:"status,omitempty"`
	DurationMS  float64 `json:"duration_ms"`
	Error       string  `json:"error,omitempty"`
}

func (rs *retrySchedule) report() *scheduleReport {
	r := &scheduleReport{Name: rs.Name, Waits: rs.String(), TimeScale: rs.scale, Attempts: []scheduledAttemptReport{}}
	for _, a := range rs.attempts {
		at := rs.At(a.n)
		ar := scheduledAttemptReport{
			Attempt: a.n, ScheduledMS: ms(at), ScaledMS: ms(delivery.Scaled(at, rs.scale)), RealMS: ms(a.began),
			Status: a.status, DurationMS: ms(a.took),
		}
		if a.err != nil {
			ar.Error = oneLine(delivery.Explain(a.err))
		}
		r.Attempts = append(r.Attempts, ar)
	}
	return r
}

// scheduleTime is a scheduled time as documentation writes it: 5s, 5m,
// 2h, 35m5s.
func scheduleTime(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func formatScale(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
