package hookexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/input"
)

// ExcerptBytes is how much of a command's standard error a Result keeps: the
// whole of it is streamed as it is written.
const ExcerptBytes = 4 << 10

// waitDelay bounds how long a finished command's output pipes are read
// after it exited (or was killed): a process it left in the background
// that still holds them open does not hold up its result.
const waitDelay = 2 * time.Second

// errTimeout is the cause of a run's context after Config.Timeout.
var errTimeout = errors.New("timed out")

// run runs one job to the end and posts its callback.
func (r *Runner) run(j *Job) *Result {
	res := &Result{Job: j, ExitCode: -1}
	ctx, cancel := context.WithCancel(r.killCtx)
	defer cancel()
	if r.cfg.Timeout > 0 {
		var tcancel context.CancelFunc
		ctx, tcancel = context.WithTimeoutCause(ctx, r.cfg.Timeout, errTimeout)
		defer tcancel()
	}

	stdout := &capture{limit: r.cfg.MaxCallback + stdoutSlack}
	stderr := &lineWriter{excerpt: capture{limit: ExcerptBytes}}
	if r.cfg.Stderr != nil {
		stderr.emit = func(line []byte) { r.cfg.Stderr(j, line) }
	}
	cmd := shellCommand(ctx, r.cfg.Command)
	cmd.Env = jobEnv(r.cfg.Env, j)
	cmd.Stdin = bytes.NewReader(j.Body)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay

	res.StartedAt = r.cfg.Now()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.Err = err
		return res
	}
	res.Started = true
	err := cmd.Wait()
	res.Duration = time.Since(start)
	stderr.flush()
	res.Stdout, res.StdoutTruncated = stdout.buf, stdout.truncated
	res.Stderr, res.StderrTruncated = stderr.excerpt.buf, stderr.excerpt.truncated
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if err != nil && ctx.Err() != nil {
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errTimeout):
			res.TimedOut = true
		case errors.Is(cause, errShutdownKill):
			res.Killed = true
		}
		if res.TimedOut || res.Killed {
			res.ExitCode = -1 // as on unix for a killed process, on Windows too
		}
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) && !errors.Is(err, exec.ErrWaitDelay) && !res.TimedOut && !res.Killed {
		res.Err = err
	}
	r.answer(res)
	return res
}

// stdoutSlack is read beyond the callback limit, so that output just over
// it by trailing newlines (which are trimmed) still counts as whole.
const stdoutSlack = 1 << 10

// answer posts a finished run's output to its callback URL, or says why it
// posts nothing.
func (r *Runner) answer(res *Result) {
	j := res.Job
	if j.Callback == "" {
		return
	}
	// $(...) trims trailing newlines, and so does this.
	msg := bytes.TrimRight(res.Stdout, "\n")
	switch {
	case r.cfg.Sender == nil:
		res.CallbackSkipped = "--exec-callback=false"
	case res.TimedOut:
		res.CallbackSkipped = "the command timed out"
	case res.Killed:
		res.CallbackSkipped = "the command was killed at shutdown"
	case res.Err != nil:
		res.CallbackSkipped = "the command did not run"
	case res.ExitCode != 0:
		res.CallbackSkipped = fmt.Sprintf("the command exited %d", res.ExitCode)
	case len(bytes.TrimSpace(msg)) == 0:
		res.CallbackSkipped = "the command printed nothing"
	case res.StdoutTruncated || len(msg) > r.cfg.MaxCallback:
		res.CallbackSkipped = fmt.Sprintf("the output is over the %s callback limit", input.FormatSize(int64(r.cfg.MaxCallback)))
	}
	if res.CallbackSkipped != "" {
		return
	}
	if err := callback.CheckMessage(msg, r.cfg.MaxCallback); err != nil {
		res.CallbackSkipped = "the output cannot be posted: " + err.Error()
		return
	}
	if _, err := callback.ParseURL(j.Callback); err != nil {
		res.CallbackSkipped = err.Error()
		return
	}
	s := *r.cfg.Sender
	if r.cfg.OnCallbackRetry != nil {
		s.OnRetry = func(rt callback.Retry) { r.cfg.OnCallbackRetry(j, rt) }
	}
	// Not the run's context: a command that finished just before the drain
	// limit still has its answer delivered (the Sender's timeout bounds it).
	cres := s.Post(context.Background(), j.Callback, msg)
	res.Callback = &cres
}
