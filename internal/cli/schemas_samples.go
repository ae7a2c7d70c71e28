package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/samples"
)

// sampleArgs turns INPUT arguments into sources; none means standard
// input, unless it is a terminal.
func sampleArgs(app *App, args []string, what string) ([]samples.Source, error) {
	if len(args) == 0 {
		if app.InTTY {
			return nil, usageError(fmt.Errorf("nothing to %s: give record files, payload files, directories, globs or - for standard input", what),
				"`listen --record rec.ndjson` writes a record file")
		}
		args = []string{"-"}
	}
	srcs, err := samples.Expand(args)
	if err != nil {
		return nil, usageError(err, "quote globs so the shell passes them through, e.g. 'payloads/*.json'")
	}
	return srcs, nil
}

// parseSince reads --since: a Go duration (90m, 36h) or a number of days
// (7d), counted back from now; "" is no limit.
func parseSince(app *App, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return time.Time{}, usageErrorf("invalid --since %q: give a duration such as 90m, 36h or 7d", s)
	}
	return app.Now().Add(-d), nil
}

// readSamples reads the sources and hands each sample to fn, on as many
// workers as there are CPUs.
func readSamples(ctx context.Context, app *App, srcs []samples.Source, since time.Time, fn func(worker int, s *samples.Sample) error) (samples.Stats, error) {
	o := samples.Options{Stdin: app.In, MaxSize: app.inputLimit(), Since: since, Workers: workers()}
	st, err := samples.Read(ctx, srcs, o, fn)
	var ie *samples.InputError
	var ee *ExitError
	switch {
	case errors.As(err, &ee):
		return st, err
	case errors.As(err, &ie):
		return st, usageError(fmt.Errorf("%s: %s", ie.Name, oneLine(ie.Err.Error())), inputHint(ie.Err))
	case err != nil:
		return st, usageError(err, "")
	case ctx.Err() != nil:
		return st, failError(errors.New("interrupted: nothing written"), "")
	}
	return st, nil
}

// workers is how many goroutines readSamples calls fn on.
func workers() int { return samples.DefaultWorkers() }
