package listener

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// ExecConfig turns on `listen --exec`: a command for each accepted
// delivery, run by hookexec after the delivery is answered, each run
// recorded as its own record.Exec line.
type ExecConfig struct {
	// Config is the runner's; its Done, Stderr and OnCallbackRetry are the
	// listener's own, and whatever is set there is replaced.
	hookexec.Config
	// On are the --exec-on filters (see hookexec.Matches).
	On []string
}

// RetryAfter is the Retry-After, in seconds, of the 503 a delivery gets
// when its command finds the queue full: long enough for a few commands to
// finish, short enough that the sender's retries (send's default three)
// find room.
const RetryAfter = 5

// execExcerpt is how much of a command's output a record line keeps.
const execExcerpt = 2 << 10

// newExec starts the runner of cfg.Exec.
func (l *Listener) newExec() error {
	ec := l.cfg.Exec
	hc := ec.Config
	hc.Done = l.execDone
	hc.Stderr = l.execStderr
	hc.OnCallbackRetry = l.execRetry
	if hc.Now == nil {
		hc.Now = l.cfg.Now
	}
	r, err := hookexec.New(hc)
	if err != nil {
		return err
	}
	l.exec = r
	return nil
}

// reserveExec decides whether delivery d runs the command: it is signed and the
// signature verified (or the listener checks none, --scheme none), its
// payload valid, it is no duplicate, it passes the filters (--exec-on and
// --events) and no response rule turns it away. A job is
// returned with its place in the queue reserved; refused says why a
// delivery that would run the command finds no place.
func (l *Listener) reserveExec(d *inflight) (job *hookexec.Job, refused error) {
	rec := &d.rec
	if l.exec == nil || rec.Duplicate || rec.Signature == nil || !rec.Signature.Valid ||
		rec.Schema == nil || !rec.Schema.Valid || d.filtered || !d.runsExec() {
		return nil, nil
	}
	if l.unsigned(rec.Signature) {
		// Unsigned, and only reported so: the command has side effects.
		return nil, nil
	}
	j := &hookexec.Job{ID: rec.DeliveryID, Schema: rec.Schema.Name, Path: rec.Path}
	j.Event, j.Callback = d.fields.Event, d.fields.Callback
	if !hookexec.Matches(l.cfg.Exec.On, j.Schema, j.Event) {
		return nil, nil
	}
	if err := l.exec.Reserve(); err != nil {
		// Answered 503: keepID releases the id, so the sender's retry
		// is no duplicate and runs the command.
		return nil, err
	}
	j.Body = bytes.Clone(d.body) // d.body goes back to a pool once answered
	return j, nil
}

// refuseExec answers a delivery whose command found no place: 503 with
// Retry-After, so the sender tries again, and the reason in the record.
func (l *Listener) refuseExec(d *inflight, why error) answer {
	if errors.Is(why, hookexec.ErrQueueFull) {
		d.rec.Error = fmt.Sprintf("%s (%d running, %d waiting): answered 503 with Retry-After: %d, so the sender retries",
			why, l.exec.Concurrency(), l.exec.Queue(), RetryAfter)
	} else {
		d.rec.Error = fmt.Sprintf("%s: the command was not run; answered 503 with Retry-After: %d, so the sender retries", why, RetryAfter)
	}
	return answer{status: http.StatusServiceUnavailable, body: []byte(d.rec.Error + "\n"), header: execRetryAfter}
}

// execRetryAfter is the header of that 503.
var execRetryAfter = http.Header{"Retry-After": {strconv.Itoa(RetryAfter)}}

// submitExec is the exec tap: it queues job once d is recorded (its seq is
// WEBHOOK_SEQ) and accepted, or gives its place back when d was not: a
// delivery that could not be recorded (answered 500), or was answered
// anything but 2xx (--status, the app behind --forward-to), is one the
// sender delivers again, and keepID released its id, so the command runs
// for the delivery that is accepted, once. refused is reported here,
// where the delivery's seq is known.
func (l *Listener) submitExec(job *hookexec.Job, refused error, d *inflight, recorded, accepted bool) {
	if refused != nil && recorded {
		// Once a second at most, with a count: a burst that finds the
		// queue full is one complaint, not one a delivery.
		l.log.printf("--exec refusals", (*render.Diag).Warnf, "#%d: %s", d.rec.Seq, d.rec.Error)
	}
	if job == nil {
		return
	}
	if !accepted {
		l.exec.Release()
		return
	}
	job.DeliverySeq = d.rec.Seq
	l.exec.Submit(job)
}

// stopExec takes no more commands: deliveries that would run one are
// answered 503 from now on. The queued ones still run, within the drain
// limit.
func (l *Listener) stopExec() {
	if l.exec != nil {
		l.exec.Stop()
	}
}

// waitExec lets the running commands finish until ctx is done, then kills
// them; every run is recorded when it returns, and the queued commands
// that were not run are named in one line.
func (l *Listener) waitExec(ctx context.Context) {
	if l.exec == nil {
		return
	}
	l.exec.Wait(ctx)
	l.notRun.Lock()
	seqs := l.notRun.seqs
	l.notRun.Unlock()
	if len(seqs) == 0 {
		return
	}
	slices.Sort(seqs)
	them := plural(len(seqs), "it, replay its delivery", "them, replay their deliveries")
	l.cfg.Diag.Errorf("%d queued %s not run: still waiting at the %s drain limit; to run %s: webhook-tool replay RECORD --seq %s --to URL",
		len(seqs), plural(len(seqs), "command was", "commands were"), l.cfg.ShutdownTimeout, them, seqRanges(seqs))
}

// notRunSeqs are the deliveries whose queued commands were not run.
type notRunSeqs struct {
	sync.Mutex
	seqs []int64
}

// seqRanges writes sorted seqs as replay --seq takes them: 3-5,9.
func seqRanges(seqs []int64) string {
	var b strings.Builder
	for i := 0; i < len(seqs); {
		j := i
		for j+1 < len(seqs) && seqs[j+1] == seqs[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(seqs[i], 10))
		if j > i {
			b.WriteString("-" + strconv.FormatInt(seqs[j], 10))
		}
		i = j + 1
	}
	return b.String()
}

// execStderr streams a line of a command's standard error to stderr,
// prefixed with its delivery's seq, escaped: a command that echoes what
// the delivery carried (a jq error quoting the body) would otherwise pass
// a sender's escape sequences to the terminal.
func (l *Listener) execStderr(j *hookexec.Job, line []byte) {
	msg := "[#" + strconv.FormatInt(j.DeliverySeq, 10) + "] " + render.EscapeKeepTabs(l.masker.Mask(string(line))) + "\n"
	_, _ = l.cfg.Diag.Writer().Write([]byte(msg))
}

func (l *Listener) execRetry(j *hookexec.Job, r callback.Retry) {
	l.cfg.Diag.Printf("#%d callback: %s, nothing sent; retrying in %s (attempt %d of %d)",
		j.DeliverySeq, l.masker.MaskText(delivery.Describe(r.Err)), r.Wait, r.Attempt+1, r.Of)
}

// execDone records a finished run, shows it, and says loudly on stderr
// when it failed.
func (l *Listener) execDone(res *hookexec.Result) {
	e := l.execRecord(res)
	line, err := record.MarshalExec(nil, e)
	if err == nil {
		e.Seq, err = l.cfg.Records.Append(line)
	}
	if err != nil {
		// Loud, but not a RecordFailure: those are requests answered 500.
		l.cfg.Diag.Errorf("the run of the command for #%d NOT RECORDED: %v", e.DeliverySeq, err)
	}
	if e.NotRun {
		l.notRun.Lock()
		l.notRun.seqs = append(l.notRun.seqs, e.DeliverySeq)
		l.notRun.Unlock()
	} else if msg := execProblem(e); msg != "" {
		l.cfg.Diag.Errorf("#%d: %s", e.DeliverySeq, msg)
	}
	if l.cfg.Output == Pretty {
		var b bytes.Buffer
		l.prettyExec(&b, e)
		l.out.write(b.Bytes())
	}
}

// execRecord is res as a record line, the secrets masked.
func (l *Listener) execRecord(res *hookexec.Result) *record.Exec {
	j := res.Job
	e := &record.Exec{
		DeliverySeq:   j.DeliverySeq,
		DeliveryID:    j.ID,
		StartedAt:     res.StartedAt,
		ExitCode:      res.ExitCode,
		TimedOut:      res.TimedOut,
		Killed:        res.Killed,
		NotRun:        res.NotRun,
		DurationMS:    ms(res.Duration),
		StdoutExcerpt: l.maskedExcerpt(res.Stdout, execExcerpt),
		StderrExcerpt: l.maskedExcerpt(res.Stderr, execExcerpt),
	}
	switch {
	case res.NotRun:
		e.Error = fmt.Sprintf("not run: still waiting for its turn at the %s drain limit", l.cfg.ShutdownTimeout)
	case res.Err != nil:
		e.Error = "could not start: " + l.masker.MaskText(res.Err.Error())
	case res.TimedOut:
		e.Error = fmt.Sprintf("timed out after %s: killed with its process group", l.cfg.Exec.Timeout)
	case res.Killed && l.quit().Err() != nil:
		e.Error = "was still running when listen was told to quit (a second Ctrl-C): killed with its process group"
	case res.Killed:
		e.Error = fmt.Sprintf("was still running after the %s drain limit at shutdown: killed with its process group", l.cfg.ShutdownTimeout)
	case res.ExitCode != 0:
		e.Error = fmt.Sprintf("exited %d", res.ExitCode)
	}
	if j.Callback == "" {
		return e
	}
	cb := &record.ExecCallback{URL: l.masker.MaskURL(j.Callback), Skipped: res.CallbackSkipped}
	if c := res.Callback; c != nil {
		cb.Status = c.Status
		switch {
		case c.Err != nil:
			cb.Error = l.masker.MaskText(delivery.Describe(c.Err))
			if !c.Sent {
				cb.Error += " (nothing reached the server: sending it again is safe)"
			}
		case !c.OK():
			cb.Error = "answered " + c.Reason
			if c.Excerpt != "" {
				cb.Error += ": " + l.maskedExcerpt([]byte(c.Excerpt), 512)
			}
		}
	}
	e.Callback = cb
	return e
}

// execProblem is what went wrong in a run, "" when nothing did.
func execProblem(e *record.Exec) string {
	var parts []string
	if e.Error != "" {
		parts = append(parts, "the command "+e.Error)
	}
	if cb := e.Callback; cb != nil {
		switch {
		case cb.Error != "":
			parts = append(parts, "callback to "+cb.URL+" failed: "+cb.Error)
		case len(parts) > 0 && cb.Status == 0:
			parts = append(parts, "no callback posted")
		}
	}
	return strings.Join(parts, "; ")
}
