package listener

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Limits on what clients can hold of the listener at once.
const (
	// DefaultMaxConns is the most connections served at once. A
	// development receiver sees a handful; a load test (wrk -c 64, send
	// --concurrency 64) well under a hundred. 4096 leaves room for any of
	// them while keeping per-connection state (a goroutine and its
	// buffers, some 20 KB idle) under 100 MB; it is lowered to fit the
	// process's descriptor limit.
	DefaultMaxConns = 4096

	// fdReserve is how many descriptors are kept out of the connection
	// budget: the record file, stdout and stderr, --forward-to's
	// connections, schema files, with room to spare.
	fdReserve = 128

	// DefaultMaxBodyInFlight is how many body bytes all requests being
	// read may hold at once; a request that would go beyond is answered
	// 503 with Retry-After. 64 MiB is 9,000 typical 7 KB deliveries or 64
	// bodies at the 1 MiB --max-body default in flight together: more
	// than any real sender has outstanding, and a bound on what clients
	// that send most of a body and stall can pin.
	DefaultMaxBodyInFlight = 64 << 20

	// freeBodyBytes of each body are not charged to that budget: a
	// typical delivery (4-7 KB) fits, so ordinary deliveries are never
	// refused while large stalled bodies hold the budget. What that lets
	// through is bounded by the connection limit: 4096 x 8 KiB = 32 MiB.
	freeBodyBytes = 8 << 10

	// bodyRetryAfter is the Retry-After, in seconds, of that 503.
	bodyRetryAfter = "1"

	// logEvery is how often a repeated complaint (accept failing, a
	// record that cannot be written) is printed: once, then at most once a
	// second with a count, not once per attempt.
	logEvery = time.Second
)

// bodyBudget is the body bytes in flight, shared by every request.
type bodyBudget struct {
	max  int64
	used atomic.Int64
}

// charge is what a body buffer of capacity c costs the budget.
func charge(c int) int64 { return int64(max(c-freeBodyBytes, 0)) }

// take reserves n bytes and reports whether they fit.
func (b *bodyBudget) take(n int64) bool {
	if n <= 0 {
		return true
	}
	if b.used.Add(n) > b.max {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *bodyBudget) give(n int64) {
	if n > 0 {
		b.used.Add(-n)
	}
}

// admit is the admit stage: the limits a delivery must fit before its body
// is read. Its announced length is within --max-body (413). Its first body
// buffer, d.buf from here on, is a pooled one, which costs the
// bytes-in-flight budget nothing (maxPooledBody): what the body grows by
// beyond it, read charges (503, Retry-After). The limit on connections is
// the listening socket's (connLimiter): a request that reached the handler
// has passed it.
func (l *Listener) admit(r *http.Request, d *inflight) *refusal {
	if r.ContentLength > l.cfg.MaxBody {
		return &refusal{status: http.StatusRequestEntityTooLarge,
			reason: fmt.Sprintf("body of %d bytes is larger than --max-body (%d bytes)", r.ContentLength, l.cfg.MaxBody)}
	}
	d.buf = bodyPool.Get().(*[]byte)
	return nil
}

// overBudget is the answer to a request beyond the bytes-in-flight budget.
var overBudget = &refusal{
	status: http.StatusServiceUnavailable,
	reason: "listen is holding its limit of body bytes in flight; retry shortly",
	header: http.Header{"Retry-After": {bodyRetryAfter}},
}

// overloaded counts and returns the refusal of a request beyond the
// bytes-in-flight budget.
func (l *Listener) overloaded() *refusal {
	l.n.overloaded.Add(1)
	return overBudget
}

// rateLog prints a repeated complaint once, then at most once per logEvery
// with how many were not printed, so a flood of failures (accept with no
// descriptors left, a full disk) costs a line a second, not one each.
type rateLog struct {
	diag *render.Diag
	now  func() time.Time

	mu     sync.Mutex
	last   map[string]time.Time
	missed map[string]int64
}

func newRateLog(diag *render.Diag, now func() time.Time) *rateLog {
	return &rateLog{diag: diag, now: now, last: map[string]time.Time{}, missed: map[string]int64{}}
}

// diagLine is how a rateLog line is written: one of render.Diag's Errorf,
// Warnf or Printf.
type diagLine func(d *render.Diag, format string, args ...any)

// printf prints the line for kind with emit unless one was printed less
// than logEvery ago; the next line printed says how many were held back.
func (r *rateLog) printf(kind string, emit diagLine, format string, args ...any) {
	r.mu.Lock()
	now := r.now()
	if t, ok := r.last[kind]; ok && now.Sub(t) < logEvery {
		r.missed[kind]++
		r.mu.Unlock()
		return
	}
	r.last[kind] = now
	n := r.missed[kind]
	r.missed[kind] = 0
	r.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	if n > 0 {
		msg += fmt.Sprintf(" (and %d more like it in the last %s)", n, logEvery)
	}
	emit(r.diag, "%s", msg)
}

// flush prints the counts still held back.
func (r *rateLog) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for kind, n := range r.missed {
		if n > 0 {
			r.diag.Printf("%s: %d more times since the last message", kind, n)
			r.missed[kind] = 0
		}
	}
}

// connLimiter is the listening socket, keeping the connections served
// within max. When a new connection would go beyond, or accept fails for
// want of descriptors, idle keep-alive connections are closed first,
// oldest first, so a new client is still served; only when none is idle is
// the new connection refused (a 503, written without waiting).
type connLimiter struct {
	net.Listener
	max   int
	log   *rateLog
	onRef func() // counts a refused connection
	sleep func(time.Duration)
	set   *connSet // when set, connections are served as its conns

	mu   sync.Mutex
	open int
	idle map[net.Conn]time.Time
}

func newConnLimiter(ln net.Listener, max int, log *rateLog, onRef func()) *connLimiter {
	return &connLimiter{Listener: ln, max: max, log: log, onRef: onRef, sleep: time.Sleep, idle: map[net.Conn]time.Time{}}
}

// Accept returns the next connection. Failures for want of descriptors
// (or other passing ones) are retried here, after closing idle
// connections, and logged through the rate limiter, so net/http's own
// per-attempt log line never floods stderr.
func (c *connLimiter) Accept() (net.Conn, error) {
	delay := 5 * time.Millisecond
	for {
		conn, err := c.Listener.Accept()
		if err != nil {
			if !retryableAccept(err) {
				return nil, err
			}
			closed := c.closeIdle(max(1, c.idleCount()/2))
			c.log.printf("accept", (*render.Diag).Warnf, "accept: %s; closed %d idle connections", render.Escape(err.Error()), closed)
			c.sleep(delay)
			delay = min(2*delay, 200*time.Millisecond)
			continue
		}
		delay = 5 * time.Millisecond
		c.mu.Lock()
		over := c.open >= c.max
		c.mu.Unlock()
		if over && c.closeIdle(1) == 0 {
			c.refuse(conn)
			continue
		}
		if c.set != nil {
			return c.set.wrap(conn), nil
		}
		return conn, nil
	}
}

// refuse answers a connection beyond the limit with 503 and closes it.
func (c *connLimiter) refuse(conn net.Conn) {
	c.onRef()
	c.log.printf("connections", (*render.Diag).Warnf, "%d connections open, none idle: refused a new one with 503", c.max)
	_ = conn.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = io.WriteString(conn, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
	_ = conn.Close()
}

// state follows a served connection (from http.Server's ConnState).
func (c *connLimiter) state(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.open++
	case http.StateIdle:
		c.idle[conn] = time.Now()
	case http.StateActive:
		delete(c.idle, conn)
	case http.StateClosed, http.StateHijacked:
		delete(c.idle, conn)
		c.open--
	}
}

func (c *connLimiter) idleCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.idle)
}

// closeIdle closes up to n idle connections, oldest first, and returns how
// many it closed.
func (c *connLimiter) closeIdle(n int) int {
	c.mu.Lock()
	victims := make([]net.Conn, 0, min(n, len(c.idle)))
	for len(victims) < n && len(c.idle) > 0 {
		var oldest net.Conn
		var at time.Time
		for conn, t := range c.idle {
			if oldest == nil || t.Before(at) {
				oldest, at = conn, t
			}
		}
		delete(c.idle, oldest)
		victims = append(victims, oldest)
	}
	c.mu.Unlock()
	for _, conn := range victims {
		conn.Close()
	}
	return len(victims)
}

// retryableAccept reports whether an accept error passes: no descriptors
// left (EMFILE, ENFILE), no buffers, or a connection aborted before it was
// taken.
func retryableAccept(err error) bool {
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || strings.Contains(err.Error(), "too many open files")
}

// connBudget is how many connections fit the descriptor limit: the soft
// limit less fdReserve, at most DefaultMaxConns.
func connBudget() int {
	n := DefaultMaxConns
	if lim, ok := fdLimit(); ok && lim-fdReserve < int64(n) {
		n = max(int(lim)-fdReserve, 16)
	}
	return n
}
