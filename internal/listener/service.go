package listener

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/expect"
	"github.com/webhook-tool/webhook-tool/internal/gctune"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/writeback"
)

// RunConfig is a whole `listen` run: the handler's Config and what Run
// builds around it. Run fills Config's Out (an OutQueue in front of the
// Out given), Records and TLS itself.
type RunConfig struct {
	Config

	Addr   string      // HOST:PORT to listen on (see CheckAddr)
	Record string      // the --record file; "": none
	Cert   *ServerCert // serve HTTPS with it; nil: HTTP
	UI     *UIConfig   // the web inspector; nil: none

	// Getenv reads GOGC and GOMEMLIMIT, which the GC tuning leaves to the
	// user (nil: os.Getenv).
	Getenv func(string) string
	// Ready, when set, is called once the listener is bound and the
	// inspector serving, before the first delivery is taken.
	Ready func(Ready)
	// DevSecretAt is the development secret's file when the secret is
	// that one (ReportOnly), for the banner.
	DevSecretAt string

	// Seed is the seed Rules pick their rate shares with, for the banner.
	Seed uint64
	// Expect is what the run waits for (--expect): it ends by itself
	// once the expectation is met or failed, or Within has passed (0: no
	// limit), and its Summary has the verdict. Run sets Config.Observe
	// for it.
	Expect []expect.Spec
	Within time.Duration
	// PublicURL is where a tunnel exposes Addr (--public-url, see
	// CheckPublicURL): the banner, the callback URLs it advertises and the
	// inspector use it. "": none.
	PublicURL string
	// ReadyFile, when set, is written with the deliveries' URL once the
	// run accepts them, and removed when it ends (--ready-file).
	ReadyFile string
}

// Ready is where a run serves.
type Ready struct {
	Addr string // the deliveries' address, HOST:PORT as bound
	Base string // its URL without the path: http(s)://HOST:PORT
	URL  string // Base and the --path prefix: where deliveries go
	// Public is where deliveries go from outside, through the tunnel
	// PublicURL names (the --path prefix below it); "" without one.
	Public string

	UI      string // the inspector's URL; "" when there is none
	UIHolds string // what the inspector shows: the record file, or a ring
	UIErr   error  // why the inspector did not start (every port tried was taken)
}

// Summary is how a run ended: its counts, and what the command says after
// them.
type Summary struct {
	Stats
	Dropped    int64 // output lines standard output never took
	Forwarding bool  // deliveries were forwarded (--forward-to)
	Filtering  bool  // deliveries were filtered (--events)
	Output     Output
	// Verdict is the expectation's (--expect); nil without one.
	Verdict *expect.Report
	// Stopped is how serving ended: nil, context.Canceled (told to quit,
	// a second Ctrl-C), ErrStuck (told to quit, with requests still
	// waiting for their record), context.DeadlineExceeded (requests still
	// in flight at the drain limit were cut off), or what stopped the
	// server.
	Stopped error
	Drain   time.Duration // the drain limit
}

// Ended says on diag how serving ended when it was cut short, and returns
// the run's failure (a *RunError), if any: the server stopping on its own,
// or requests that could not be recorded. A drain cut short is no
// failure: every request that reached the handler is recorded.
func (s Summary) Ended(diag *render.Diag) error {
	switch err := s.Stopped; {
	case errors.Is(err, ErrStuck):
		// The second Ctrl-C, with handlers stuck in a record write.
		diag.Warnf("%v (a --record FIFO nobody reads, a disk that does not answer): they were not recorded nor answered, and their senders will deliver them again", err)
	case errors.Is(err, context.Canceled):
		// The second Ctrl-C: as at the drain limit, but now.
		diag.Warnf("told to quit: the connections still open were closed (their requests recorded, see the summary)")
	case errors.Is(err, context.DeadlineExceeded):
		// The connections still open after the drain limit were closed,
		// and every request that had reached the handler is recorded (one
		// whose body never finished as 503): the record alone decides.
		diag.Warnf("requests were still in flight after %s; their connections were closed (recorded, see the summary)", s.Drain)
	}
	return s.failure()
}

// failure is the run's failure that Ended returns, without a word on diag.
func (s Summary) failure() error {
	if err := s.Stopped; err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, ErrStuck) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return &RunError{Err: fmt.Errorf("listener stopped: %w", err)}
	}
	if n := int(s.RecordFailures); n > 0 {
		return &RunError{Err: fmt.Errorf("%d %s could not be recorded and %s answered 500", n,
			plural(n, "request", "requests"), plural(n, "was", "were")), Hint: "check the disk and the --record file"}
	}
	return nil
}

// How long a run waits at exit for stdout to take the output still queued:
// a terminal or a reading pipe takes 8 MiB in far less than outFlushLimit,
// and a stalled one would never. The wait is cut to what is left of the
// drain limit, so SIGTERM still ends listen within it, but never below
// outFlushFloor: the last lines (the runs of the commands killed at the
// limit) are queued just before it, and a wait of nothing would drop them.
const (
	outFlushLimit = 2 * time.Second
	outFlushFloor = 250 * time.Millisecond
)

// flushLimit is how long to wait for stdout with left of the drain limit.
func flushLimit(left time.Duration) time.Duration {
	return min(outFlushLimit, max(left, outFlushFloor))
}

// catchSIGPIPE makes a write to a closed stdout an EPIPE for the whole
// process. The signal is caught, not ignored: an ignored signal stays
// ignored in the processes listen starts, and --exec's commands would then
// see `producer | head` fail with "Broken pipe" instead of ending quietly.
// A caught one is back to its default there.
var catchSIGPIPE = sync.OnceFunc(func() { signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE) })

// Run serves deliveries on cfg.Addr until ctx is done, then drains and
// returns the summary. Its error is a run that could not start (an
// *InputError for what the user gave: an address in use, a record file that
// cannot be opened); how serving ended is the Summary's.
//
// Shutdown goes in this order: serving stops and waits for the requests in
// flight (at most ShutdownTimeout, cut short by cfg.Quit), each recorded;
// then the record writer is closed, and last the output still queued is
// written, within what is left of the drain limit.
func Run(ctx context.Context, cfg RunConfig) (Summary, error) {
	// Output never holds up a delivery: stdout is written through a
	// bounded queue that drops lines when it cannot keep up, and a closed
	// stdout (| head) is an EPIPE to give up on, not a SIGPIPE to die of.
	catchSIGPIPE()
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if f, ok := cfg.Out.(*os.File); ok {
		// stdout redirected to a file takes every delivery again: like
		// the record, its pages leave the cache once written. Stop runs
		// last, after the queue below has stopped writing.
		wb := writeback.New(f, writeback.Options{})
		defer wb.Stop()
		cfg.Out = wb
	}
	out := NewOutQueue(cfg.Out, cfg.Diag, OutQueueOptions{})
	cfg.Out = out
	fail := func(err error) (Summary, error) {
		out.Close(0) // nothing was shown yet
		return Summary{}, err
	}
	var x *expectation
	if len(cfg.Expect) > 0 {
		x, ctx = newExpectation(ctx, cfg.Expect, cfg.Within)
		defer x.end()
		cfg.Observe = x.observe
	}
	if err := CheckPublicURL(cfg.PublicURL); err != nil {
		return fail(err)
	}
	rf, err := openReadyFile(cfg.ReadyFile)
	if err != nil {
		return fail(err)
	}
	defer rf.remove()
	ui := newInspector(cfg.UI)
	defer ui.close()
	records, closeRecords, err := openRecords(cfg.Record, cfg.Output, out, ui.tap())
	if err != nil {
		return fail(err)
	}
	drained := false // drain closes the records itself
	defer func() {
		if !drained {
			closeRecords()
		}
	}()
	cfg.Records = records
	scheme := "http"
	if cfg.Cert != nil {
		cfg.TLS, scheme = cfg.Cert.Config, "https"
	}
	l, err := New(cfg.Config)
	if err != nil {
		return fail(err)
	}
	fail = func(err error) (Summary, error) {
		l.waitExec(context.Background()) // no command was taken: the runner just stops
		out.Close(0)
		return Summary{}, err
	}
	defer gctune.Apply(cfg.Getenv, gctune.Listen)()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fail(&InputError{Err: fmt.Errorf("cannot listen on %s: %w", cfg.Addr, BindReason(err)),
			Hint: "choose another --addr; 127.0.0.1:0 picks a free port"})
	}
	r := Ready{Addr: ln.Addr().String()}
	r.Base = scheme + "://" + r.Addr
	r.URL = r.Base + l.Prefix()
	r.Public = publicURL(cfg.PublicURL, l.Prefix())
	// The page offers the address others reach the listener at.
	if err := ui.start(cfg.Diag, cfg.Record, cmp.Or(r.Public, r.URL), cfg.replayTo(), cfg.Secrets, &r); err != nil {
		ln.Close()
		return fail(err)
	}
	// Connections are taken from here on (queued until Serve): a script
	// that waited for the file may send at once.
	if err := rf.ready(r.URL); err != nil {
		ln.Close()
		return fail(err)
	}
	if cfg.Ready != nil {
		cfg.Ready(r)
	}
	if x != nil {
		x.start()
	}
	drained = true
	sum := l.drain(ctx, ln, closeRecords, out, x)
	sum.Forwarding = l.forwarding()
	sum.Filtering, sum.Output = cfg.Events.Active(), cfg.Output
	return sum, nil
}

// drain serves on ln until ctx is done and shuts down in order: the
// requests in flight, the record writer (closeRecords), the expectation's
// verdict (with JSON output, the last line of out, unless the run failed),
// the output queue.
func (l *Listener) drain(ctx context.Context, ln net.Listener, closeRecords func(), out *OutQueue, x *expectation) Summary {
	served, announced := make(chan struct{}), make(chan struct{})
	flushBy := time.Now().Add(1<<63 - 1) // the drain limit's end, once stopping
	go func() {
		defer close(announced)
		select {
		case <-ctx.Done():
			flushBy = time.Now().Add(l.cfg.ShutdownTimeout)
			// A second Ctrl-C now ends the drain at once (Config.Quit);
			// what was answered is already recorded.
			why := "shutting down"
			if x.decided() {
				why = "the expectation is decided"
			}
			fmt.Fprintln(l.cfg.Diag.Writer(), why+": finishing the deliveries in flight (Ctrl-C again to quit now)")
		case <-served:
		}
	}()
	// Serve returns only once every handler has finished, its request
	// recorded (or reported NOT RECORDED): closing the writer now loses
	// nothing, and the counts match the record.
	serveErr := l.Serve(ctx, ln)
	close(served)
	<-announced
	if !errors.Is(serveErr, ErrStuck) { // else the writer is stuck too: left behind
		closeRecords()
	}
	sum := Summary{Stats: l.Stats(), Stopped: serveErr, Drain: l.cfg.ShutdownTimeout}
	if x != nil {
		sum.Verdict = x.verdict()
		if l.cfg.Output == JSON && sum.failure() == nil {
			line, _ := json.Marshal(sum.Verdict) // plain strings and numbers: it cannot fail
			out.WriteLast(append(line, '\n'))
		}
	}
	sum.Dropped = out.Close(flushLimit(time.Until(flushBy)))
	return sum
}

// openRecords is the record sink: the record file, or nowhere; either way
// it numbers the records and, for JSON output, mirrors them to out.
func openRecords(path string, output Output, out io.Writer, tap func([]byte)) (*record.Writer, func(), error) {
	var dst io.Writer = io.Discard
	closeFile := func() {}
	if path != "" {
		f, err := record.OpenFile(path)
		if err != nil {
			hint := "check that the directory exists and is writable"
			if errors.Is(err, record.ErrNoFIFOReader) {
				hint = "" // the message says what to do
			}
			return nil, nil, &InputError{Err: err, Hint: hint}
		}
		dst, closeFile = f, func() { f.Close() }
	}
	wopts := record.Options{Tap: tap}
	if output == JSON {
		wopts.Mirror = out // an OutQueue: it never fails, and never blocks
	}
	w := record.NewWriter(dst, wopts)
	return w, func() { w.Close(); closeFile() }, nil
}

// BindReason is why binding an address failed, without the operation and
// address net.Listen wraps around it ("address already in use").
func BindReason(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	return err
}
