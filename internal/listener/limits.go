package listener

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
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
	// connections, schema files, with room to spare, and the inspector's
	// connections.
	fdReserve = 128 + inspect.MaxConns

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

	// maxHeaderBytes bounds a request's line and headers (net/http allows
	// 4 KiB more): a webhook's take 1 to 2 KB, and what a client sends
	// there is memory held while its body is read, parsed into a map at
	// up to 200 bytes a field more. net/http's default is 1 MiB.
	maxHeaderBytes = 64 << 10

	// freeHeaderBytes of each request's parsed headers are not charged to
	// the bytes-in-flight budget (what they cost is reckoned as net/http
	// does: their bytes, and 200 a field); beyond it they are, until the
	// request is answered. Typical headers cost 2 to 4 KB.
	freeHeaderBytes = 8 << 10

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
	if c := int64(headerCost(r.Header) - freeHeaderBytes); c > 0 {
		if !l.bodies.take(c) {
			return l.overloaded()
		}
		d.headerCharge = c
	}
	d.buf = bodyPool.Get().(*[]byte)
	return nil
}

// headerCost is what h costs in memory as net/http reckons it when it
// parses a request: the bytes of the names and values, 200 a name, and
// the slice slot of each value.
func headerCost(h http.Header) int {
	n := 400
	for k, vs := range h {
		n += len(k) + 200
		for _, v := range vs {
			n += len(v) + 16
		}
	}
	return n
}

// giveHeaders gives d's headers' charge back to the budget.
func (l *Listener) giveHeaders(d *inflight) {
	l.bodies.give(d.headerCharge)
	d.headerCharge = 0
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
// the new connection refused (a 503, written without waiting). The
// connections it hands out are its set's conns, which carry their own
// state: a request costs two atomic stores, not a lock.
type connLimiter struct {
	net.Listener
	max   int
	log   *rateLog
	onRef func() // counts a refused connection
	sleep func(time.Duration)
	set   *connSet

	open atomic.Int64
}

// newConnLimiter serves ln; its conns' deadlines are applied every tick
// (watchTick). stop ends that once the connections are done.
func newConnLimiter(ln net.Listener, max int, log *rateLog, onRef func(), tick time.Duration) *connLimiter {
	return &connLimiter{Listener: ln, max: max, log: log, onRef: onRef, sleep: time.Sleep, set: newConnSet(tick)}
}

// stop stops the conns' deadline watch.
func (c *connLimiter) stop() { c.set.close() }

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
		if c.open.Load() >= int64(c.max) && c.closeIdle(1) == 0 {
			c.refuse(conn)
			continue
		}
		return c.set.wrap(conn), nil
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

// state follows a served connection (from http.Server's ConnState): a
// conn, or a *tls.Conn over one.
func (c *connLimiter) state(nc net.Conn, s http.ConnState) {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	cc, _ := nc.(*conn)
	switch s {
	case http.StateNew:
		c.open.Add(1)
	case http.StateIdle:
		if cc != nil {
			cc.idle.Store(c.set.idleSeq.Add(1))
		}
	case http.StateActive:
		if cc != nil {
			cc.idle.Store(0)
		}
	case http.StateClosed, http.StateHijacked:
		if cc != nil {
			cc.idle.Store(0)
		}
		c.open.Add(-1)
	}
}

func (c *connLimiter) idleCount() int {
	n := 0
	c.set.each(func(cc *conn) {
		if cc.idle.Load() != 0 {
			n++
		}
	})
	return n
}

// closeIdle closes up to n idle connections, oldest first, and returns how
// many it closed. One that has just taken a request is left open.
func (c *connLimiter) closeIdle(n int) int {
	type victim struct {
		c     *conn
		since int64
	}
	var idle []victim
	c.set.each(func(cc *conn) {
		if v := cc.idle.Load(); v != 0 {
			idle = append(idle, victim{cc, v})
		}
	})
	slices.SortFunc(idle, func(a, b victim) int { return cmp.Compare(a.since, b.since) })
	closed := 0
	for _, v := range idle {
		if closed == n {
			break
		}
		if v.c.idle.CompareAndSwap(v.since, 0) {
			v.c.Close()
			closed++
		}
	}
	return closed
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
