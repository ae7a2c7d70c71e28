package delivery

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Load describes a load run: Count deliveries from Concurrency workers,
// optionally paced to Rate deliveries per second.
type Load struct {
	Count       int
	Concurrency int     // workers; 0 or less means 1
	Rate        float64 // deliveries started per second across all workers; 0 means no limit
	Policy      Policy  // for each delivery, retries included
	// Build returns delivery i (0-based). It is called from the workers,
	// concurrently, right before the delivery is sent, so each one carries
	// its own id, timestamp and signature. Response bodies are drained, not
	// kept: a load run looks only at statuses.
	Build func(i int) (Request, error)
	// OnResult, when not nil, is called after each delivery, concurrently
	// from the workers (progress bars, logs).
	OnResult func(Result)
}

// Result is the outcome of one delivery of a load run.
type Result struct {
	Index    int
	Status   int   // 0 when no response came back
	Err      error // the transport error, when no response came back
	Latency  time.Duration
	Attempts int
}

// Summary is what a load run measured.
type Summary struct {
	Sent     int            // deliveries that reached the receiver (answered, or lost after sending)
	OK       int            // answered 2xx
	Failures map[string]int // failed deliveries that reached it, by status ("503") or error ("timed out waiting for the response")
	// FirstBodies holds, for each status in Failures, the start of the
	// first answer with that status (up to FailureExcerpt bytes).
	FirstBodies map[string][]byte
	// NotReached counts the deliveries that never reached the receiver
	// (NotSent: connection refused, no such host), by error in
	// NotReachedErrors; they are not in Sent.
	NotReached       int
	NotReachedErrors map[string]int
	Latency          Percentiles   // per delivery, first attempt to final answer, retries included
	Elapsed          time.Duration // wall time of the run
	// InFlight counts deliveries cut short when ctx was cancelled: not in
	// Sent, and they may or may not have reached the receiver.
	InFlight int
}

// Failed is the number of deliveries that did not get a 2xx, those that
// never reached the receiver included.
func (s Summary) Failed() int { return s.Sent - s.OK + s.NotReached }

// PerSecond is the delivery rate over the run's wall time.
func (s Summary) PerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Sent) / s.Elapsed.Seconds()
}

// Percentiles summarise a latency distribution (nearest-rank).
type Percentiles struct {
	P50, P90, P99, Max time.Duration
}

// ErrBuild wraps the error of a Load.Build call, which stops the run.
var ErrBuild = errors.New("building a delivery failed")

// RunLoad performs a load run with c. It stops early when ctx is done (the
// summary covers what was sent) or when Build fails (the error wraps
// ErrBuild). Failed deliveries are counted, not returned as errors.
//
// Pass a client whose transport keeps enough idle connections for
// Concurrency (NewClient), or connections are not reused.
func RunLoad(ctx context.Context, c *http.Client, l Load) (Summary, error) {
	now := l.Policy.Now
	if now == nil {
		now = time.Now
	}
	sleep := l.Policy.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	workers := min(max(l.Concurrency, 1), max(l.Count, 1))
	var pace *pacer
	if l.Rate > 0 {
		pace = &pacer{interval: time.Duration(float64(time.Second) / l.Rate), now: now, sleep: sleep}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next      atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, l.Count)
		sum       = Summary{Failures: map[string]int{}, FirstBodies: map[string][]byte{}, NotReachedErrors: map[string]int{}}
		buildErr  error
		wg        sync.WaitGroup
	)
	start := now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSender(ctx, c, l.Policy.Timeout)
			defer s.close()
			for {
				i := int(next.Add(1) - 1)
				if i >= l.Count || ctx.Err() != nil {
					return
				}
				if pace != nil && pace.wait(ctx) != nil {
					return
				}
				req, err := l.Build(i)
				if err != nil {
					mu.Lock()
					if buildErr == nil {
						buildErr = errors.Join(ErrBuild, err)
					}
					mu.Unlock()
					cancel()
					return
				}
				resp, err := s.send(req, l.Policy, nil, true)
				if err != nil && ctx.Err() != nil {
					// Interrupted: not a failure of the receiver, which may
					// still have got it.
					mu.Lock()
					sum.InFlight++
					mu.Unlock()
					return
				}
				r := Result{Index: i, Status: resp.Status, Err: err, Latency: resp.Elapsed, Attempts: resp.Attempts}
				mu.Lock()
				sum.count(r, resp.Body)
				if r.Status != 0 || !NotSent(err) {
					latencies = append(latencies, r.Latency)
				}
				mu.Unlock()
				if l.OnResult != nil {
					l.OnResult(r)
				}
			}
		}()
	}
	wg.Wait()
	sum.Elapsed = now().Sub(start)
	sum.Latency = percentiles(latencies)
	return sum, buildErr
}

// count adds one delivery's outcome; the caller holds the lock.
func (s *Summary) count(r Result, body []byte) {
	switch {
	case r.Err != nil && NotSent(r.Err):
		s.NotReached++
		s.NotReachedErrors[Explain(r.Err)]++
		return
	case r.Err != nil:
		s.Failures[Explain(r.Err)]++
	case r.Status >= 200 && r.Status <= 299:
		s.OK++
	default:
		key := strconv.Itoa(r.Status)
		if _, ok := s.FirstBodies[key]; !ok {
			s.FirstBodies[key] = body
		}
		s.Failures[key]++
	}
	s.Sent++
}

// pacer is a token bucket holding one token: deliveries start at most once
// per interval, and time lost to a slow receiver is not made up in a burst.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := p.now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	p.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return p.sleep(ctx, d)
	}
	return ctx.Err()
}

// percentiles sorts ds in place and reads the nearest-rank percentiles.
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	at := func(p float64) time.Duration {
		k := int(math.Ceil(p*float64(len(ds)))) - 1
		return ds[min(max(k, 0), len(ds)-1)]
	}
	return Percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ds[len(ds)-1]}
}
