package delivery

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a sender's retry schedule as its documentation gives it: the
// wait before each attempt, counted from the failure of the one before.
// The first wait is 0: the first attempt goes out at once.
type Schedule struct {
	Name  string // "svix" for a bundled schedule; "" for the caller's own
	Waits []time.Duration
}

// Svix is Svix's retry schedule (docs.svix.com/retries): immediately, then
// 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10
// hours, each after the failure of the attempt before.
var Svix = Schedule{Name: "svix", Waits: []time.Duration{
	0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}}

// Bounds on a schedule of one's own.
const (
	MaxScheduleAttempts = 100
	MaxScheduleWait     = 7 * 24 * time.Hour
	MaxTimeScale        = 1e9
)

// Attempts is how many attempts the schedule makes at most.
func (s Schedule) Attempts() int { return len(s.Waits) }

// At is when attempt n (1-based) is due, from the start of the first, as
// the schedule has it (no time scale, no attempt's own duration).
func (s Schedule) At(n int) time.Duration {
	var t time.Duration
	for i := 0; i < n && i < len(s.Waits); i++ {
		t += s.Waits[i]
	}
	return t
}

// String is the schedule as a list: "0s,5s,5m0s,...".
func (s Schedule) String() string {
	parts := make([]string, len(s.Waits))
	for i, w := range s.Waits {
		parts[i] = w.String()
	}
	return strings.Join(parts, ",")
}

// Apply makes p follow the schedule with its waits divided by scale (1 for
// real time, 1000 for "1000x"): as many retries as the schedule has after
// the first attempt, its waits whatever a Retry-After says, and every
// answer but a 2xx retried, as vendors do.
func (s Schedule) Apply(p *Policy, scale float64) {
	if scale < 1 {
		scale = 1
	}
	waits := s.Waits
	p.Retries = max(len(waits)-1, 0)
	p.KeepBackoff = true
	p.RetryOn = RetryUnless2xx
	p.Backoff = func(n int) time.Duration {
		if n < len(waits) {
			return Scaled(waits[n], scale)
		}
		return 0
	}
}

// Scaled is d compressed by scale.
func Scaled(d time.Duration, scale float64) time.Duration {
	if scale <= 1 {
		return d
	}
	return time.Duration(float64(d) / scale)
}

// ParseSchedule reads a schedule of one's own: durations (5s, 5m, 2h, 0)
// separated by commas, blanks or line breaks, as a flag value or a file's
// text; in a file, # starts a comment. The first is 0, the first attempt.
func ParseSchedule(text string) (Schedule, error) {
	var waits []time.Duration
	for line := range strings.Lines(text) {
		line, _, _ = strings.Cut(line, "#")
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n' }) {
			d, err := time.ParseDuration(f)
			if err != nil || d < 0 || d > MaxScheduleWait {
				return Schedule{}, fmt.Errorf("wait %d, %q, is not a duration from 0 to %s such as 5s, 5m or 2h", len(waits)+1, f, MaxScheduleWait)
			}
			waits = append(waits, d)
			if len(waits) > MaxScheduleAttempts {
				return Schedule{}, fmt.Errorf("more than %d attempts", MaxScheduleAttempts)
			}
		}
	}
	switch {
	case len(waits) == 0:
		return Schedule{}, errors.New("no durations")
	case waits[0] != 0:
		return Schedule{}, fmt.Errorf("it starts with %s, but the first entry is the first attempt, which goes out at once: start it with 0, as in 0,5s,5m", waits[0])
	}
	return Schedule{Waits: waits}, nil
}

// ParseTimeScale reads a --time-scale: a factor of 1 or more, written
// 1000x or 1000.
func ParseTimeScale(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "x"), 64)
	if err != nil || !(f >= 1 && f <= MaxTimeScale) {
		return 0, fmt.Errorf("give a factor from 1 to %g, such as 1000x (waits a thousand times shorter)", float64(MaxTimeScale))
	}
	return f, nil
}
