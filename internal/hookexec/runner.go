// Package hookexec runs the user's command for accepted deliveries, as
// `listen --exec` does: the command line is the user's own, run through the
// system shell, and the delivery reaches it only on standard input (the raw
// body) and in WEBHOOK_* variables, never in the command line. At most
// Concurrency commands run at once; the rest wait in a bounded queue in
// arrival order, and a delivery that finds the queue full is refused (the
// listener answers 503, so the sender retries). A command that exits 0 with
// output answers a Permission Assist delivery: its standard output is posted
// once to the delivery's callback URL by the callback package's Sender, with
// its rule that only a request that never reached the server is retried.
//
// A run that outlives Timeout is killed with its whole process group, so a
// child the command started dies with it. At shutdown, Stop refuses new work
// and Wait lets the commands run, queued ones too, until its context is
// done; then it kills the running ones, and the queued commands that had not
// started are reported as not run.
//
// The package knows nothing of HTTP requests or records: the listener decides
// which deliveries qualify, and hears of every run through Config.Done.
package hookexec

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
)

// Defaults for the Config fields left zero.
const (
	DefaultConcurrency = 4
	DefaultTimeout     = 5 * time.Minute
	// DefaultQueue is how many commands may wait for a turn. A queue that
	// holds this many is a sign the commands cannot keep up: the sender is
	// told to come back later rather than the listener growing without end.
	DefaultQueue = 64
)

// Config is everything a Runner needs.
type Config struct {
	// Command is the user's command line, run as `/bin/sh -c Command`
	// (`cmd /C` on Windows).
	Command     string
	Timeout     time.Duration // a run is killed after this; 0 means DefaultTimeout, < 0 none
	Concurrency int           // at most this many at once; 0 means DefaultConcurrency
	Queue       int           // at most this many waiting; 0 means DefaultQueue

	// Env is the environment every command starts from (see Environ, which
	// leaves out the secrets); each run adds its WEBHOOK_* variables.
	Env []string

	// Sender posts a successful run's output to the delivery's callback URL;
	// nil posts nothing (--exec-callback=false).
	Sender *callback.Sender
	// MaxCallback is the largest output posted; 0 means
	// callback.DefaultMaxSize.
	MaxCallback int
	// OnCallbackRetry, when set, hears of a callback about to be retried
	// (nothing reached the server).
	OnCallbackRetry func(*Job, callback.Retry)

	Now func() time.Time // start times in results; nil means time.Now

	// Stderr gets each line a command writes on its standard error, without
	// the newline, as it is written (long lines in pieces). It may be called
	// from several goroutines at once; line is only valid during the call.
	Stderr func(j *Job, line []byte)
	// Done gets every job submitted, once, when it has finished, was killed,
	// or will not run. It is called from the runner's goroutines, several at
	// once; Wait returns only after the last call has returned.
	Done func(*Result)
}

// Job is one delivery's command to run.
type Job struct {
	DeliverySeq int64  // WEBHOOK_SEQ: the delivery's record seq
	ID          string // WEBHOOK_ID: the delivery id
	Schema      string // WEBHOOK_SCHEMA
	Event       string // WEBHOOK_EVENT: the Permission Assist event name or the Permit type
	Callback    string // WEBHOOK_CALLBACK: where the output is posted; "" for none
	Path        string // WEBHOOK_PATH: the request path
	Body        []byte // standard input, byte for byte; the runner keeps it until Done
}

// Result is what became of one job.
type Result struct {
	Job       *Job
	Started   bool      // false: the command never ran (NotRun, or it could not start)
	StartedAt time.Time // when it started (or when it was given up, when not Started)
	Duration  time.Duration
	ExitCode  int  // the command's exit status; -1 when it was killed or never ran
	TimedOut  bool // killed after Config.Timeout
	Killed    bool // killed at shutdown, after the drain limit
	NotRun    bool // still queued at the drain limit: it never started

	Stdout          []byte // what it wrote on standard output, at most the callback limit
	StdoutTruncated bool   // it wrote more than Stdout holds
	Stderr          []byte // the start of what it wrote on standard error
	StderrTruncated bool

	// Err is why the command could not run at all (no shell, say).
	Err error

	// Callback is the post of the output, when one was made.
	Callback *callback.Result
	// CallbackSkipped says why a job with a callback URL posted nothing
	// ("" when it posted, or when it has no callback URL).
	CallbackSkipped string
}

// Errors from Reserve.
var (
	ErrQueueFull = errors.New("the --exec queue is full")
	ErrStopped   = errors.New("listen is shutting down")
)

// Stats counts what the runner did.
type Stats struct {
	Runs             int64 // commands started
	OK               int64 // exited 0
	Failed           int64 // exited non-zero or could not start (timeouts and kills not included)
	TimedOut         int64
	Killed           int64 // at shutdown
	NotRun           int64 // still queued at the drain limit
	Refused          int64 // Reserve calls refused (queue full or shutting down)
	Callbacks        int64 // callbacks attempted
	CallbackFailures int64 // of those, not answered 2xx (or not at all)
}

type counters struct {
	runs, ok, failed, timedOut, killed, notRun, refused, callbacks, cbFail atomic.Int64
}

// Runner runs jobs. Create it with New; it starts Concurrency goroutines,
// which Wait ends.
type Runner struct {
	cfg   Config
	jobs  chan *Job
	slots chan struct{} // one per job reserved and not yet done: the bound
	n     counters

	mu      sync.Mutex
	stopped bool

	// kill ends every running command at once (the drain limit at
	// shutdown); each run's context derives from it.
	killCtx context.Context
	kill    context.CancelCauseFunc

	workers sync.WaitGroup
	waited  sync.Once
}

// errShutdownKill is the cause of a run's context at the drain limit.
var errShutdownKill = errors.New("killed at shutdown")

// New checks cfg and starts the runner's workers.
func New(cfg Config) (*Runner, error) {
	if cfg.Command == "" {
		return nil, errors.New("hookexec: no command")
	}
	if cfg.Concurrency < 0 || cfg.Queue < 0 {
		return nil, errors.New("hookexec: negative concurrency or queue")
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Queue == 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxCallback <= 0 {
		cfg.MaxCallback = callback.DefaultMaxSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	total := cfg.Concurrency + cfg.Queue
	r := &Runner{
		cfg:   cfg,
		jobs:  make(chan *Job, total),
		slots: make(chan struct{}, total),
	}
	r.killCtx, r.kill = context.WithCancelCause(context.Background())
	r.workers.Add(cfg.Concurrency)
	for range cfg.Concurrency {
		go r.work()
	}
	return r, nil
}

// Concurrency is the most commands that run at once.
func (r *Runner) Concurrency() int { return r.cfg.Concurrency }

// Queue is the most commands that wait for a turn.
func (r *Runner) Queue() int { return r.cfg.Queue }

// Reserve makes room for one more job, or says why there is none
// (ErrQueueFull, ErrStopped). A reservation is followed by exactly one
// Submit or Release. Reserving before the delivery is answered lets the
// listener refuse it (503) instead of dropping its command later.
func (r *Runner) Reserve() error {
	r.mu.Lock()
	stopped := r.stopped
	r.mu.Unlock()
	if stopped {
		r.n.refused.Add(1)
		return ErrStopped
	}
	select {
	case r.slots <- struct{}{}:
		return nil
	default:
		r.n.refused.Add(1)
		return ErrQueueFull
	}
}

// Release gives back a reservation that will not be used.
func (r *Runner) Release() { <-r.slots }

// Submit queues j behind the jobs submitted before it. It must follow a
// successful Reserve, and come before Wait; it never blocks.
func (r *Runner) Submit(j *Job) { r.jobs <- j }

// Stop refuses new reservations: the jobs already submitted go on (until
// Wait's context is done). It is safe to call more than once.
func (r *Runner) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
}

// Wait stops the runner (as Stop) and returns once every submitted job is
// done and reported. The commands, queued ones too, may run until ctx is
// done; then the running ones are killed with their process groups, and no
// queued one starts. Call it after the last Submit; the runner takes no more
// jobs after it.
func (r *Runner) Wait(ctx context.Context) {
	r.Stop()
	r.waited.Do(func() { close(r.jobs) })
	done := make(chan struct{})
	go func() { r.workers.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		r.kill(errShutdownKill)
		<-done
	}
	r.kill(nil) // release the context
}

// Stats returns the counts so far.
func (r *Runner) Stats() Stats {
	return Stats{
		Runs:             r.n.runs.Load(),
		OK:               r.n.ok.Load(),
		Failed:           r.n.failed.Load(),
		TimedOut:         r.n.timedOut.Load(),
		Killed:           r.n.killed.Load(),
		NotRun:           r.n.notRun.Load(),
		Refused:          r.n.refused.Load(),
		Callbacks:        r.n.callbacks.Load(),
		CallbackFailures: r.n.cbFail.Load(),
	}
}

func (r *Runner) work() {
	defer r.workers.Done()
	for j := range r.jobs {
		var res *Result
		if r.killCtx.Err() != nil { // past the drain limit
			r.n.notRun.Add(1)
			res = &Result{Job: j, StartedAt: r.cfg.Now(), ExitCode: -1, NotRun: true}
		} else {
			res = r.run(j)
			r.count(res)
		}
		if r.cfg.Done != nil {
			r.cfg.Done(res)
		}
		<-r.slots
	}
}

func (r *Runner) count(res *Result) {
	if res.Started {
		r.n.runs.Add(1)
	}
	switch {
	case res.TimedOut:
		r.n.timedOut.Add(1)
	case res.Killed:
		r.n.killed.Add(1)
	case res.Err != nil || res.ExitCode != 0:
		r.n.failed.Add(1)
	default:
		r.n.ok.Add(1)
	}
	if res.Callback != nil {
		r.n.callbacks.Add(1)
		if !res.Callback.OK() {
			r.n.cbFail.Add(1)
		}
	}
}
