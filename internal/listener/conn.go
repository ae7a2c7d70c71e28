package listener

import (
	"context"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// conn is a connection listen serves, as net/http sees it. It does what
// net/http asks of a connection at a lower price, the same way:
//
//   - Read ahead. net/http reads a request through a 4 KB buffer, so a
//     typical 6 KB delivery cost two read(2) calls; a read net/http makes
//     into that buffer takes up to aheadSize, and keeps the rest for the
//     next read.
//   - Deadlines kept here. net/http sets nine deadlines a request (the
//     header, body, write and idle timeouts, and around its background
//     read), each a runtime timer changed. A deadline in the future is
//     only noted here; the connSet's watch applies it to the socket once
//     it has passed, at most a tick late (watchTick). A deadline already past
//     (net/http's way of waking a read) is applied at once.
//   - A lazy background read. Once a handler has read its body, net/http
//     starts a one-byte read, to notice the client going away, and cancels
//     it when the handler is done. A handler that waits on the record
//     writer gave that read time to reach the socket: a read(2) that finds
//     nothing, a wait in the poller, and two deadlines to cancel it. After
//     armLazyRead, that read waits here instead, and is cancelled here; a
//     handler about to wait on something slow (a forward, a held answer),
//     where noticing the client going away matters, lets it go on to the
//     socket first (releaseLazyRead).
//
// A connection under TLS is read by crypto/tls, not by net/http: it gets
// the first two (the handler finds no conn to arm). Every conn also keeps
// its own idle state, for connLimiter.
type conn struct {
	net.Conn
	set *connSet

	// Read ahead: the unread bytes of held, a pooled buffer. Only Read
	// touches them, and net/http never reads a connection from two
	// goroutines at once.
	ahead   []byte
	held    *[]byte
	holding atomic.Bool // held counts in the set's aheadHeld

	// Deadlines, as Unix nanoseconds (0: none), and whether one is set on
	// the socket (mu held to set or clear one there).
	rd, wd     atomic.Int64
	rReal      atomic.Bool
	wReal      atomic.Bool
	mu         sync.Mutex
	removeOnce sync.Once

	lazy atomic.Int32  // lazyOff, lazyArmed, lazyParked
	wake chan lazyWake // wakes the parked background read

	// idle is when the connection went idle between requests, as the
	// set's idleSeq (later is larger); 0 while it is not idle.
	idle atomic.Int64
}

// The lazy background read's states.
const (
	lazyOff    = iota // reads go to the socket
	lazyArmed         // the next one-byte read is net/http's background read: it waits here
	lazyParked        // it is waiting here
)

type lazyWake int8

const (
	wakeAbort   lazyWake = iota // net/http cancelled it: return a timeout
	wakeRelease                 // go on and read the socket
	wakeClose                   // the connection was closed
)

const (
	// aheadSize is how much a read into net/http's buffer takes: a
	// typical delivery, headers and body, in one read(2).
	aheadSize = 8 << 10
	// aheadMin: reads smaller than this (the background read, the tail of
	// net/http's buffer) go straight to the socket. A connection holds one
	// pooled aheadSize buffer at most, only while bytes are left in it,
	// and no more than aheadSize - aheadMin of them: what a client has
	// sent, not what it announced.
	aheadMin = 2 << 10
	// maxAheadHeld is how many connections may hold read-ahead bytes at
	// once: 4 MB of buffers, whatever the number of connections.
	maxAheadHeld = 512
	// maxTick is how often, at most, the connSet's watch applies the
	// deadlines that have passed: how late a timeout of listen's (10 s and
	// more) takes effect. Shorter timeouts get a shorter tick (watchTick).
	maxTick = 250 * time.Millisecond
)

// watchTick is the watch's tick for timeouts of shortest and more: an
// eighth of it, between 5 ms and maxTick.
func watchTick(shortest time.Duration) time.Duration {
	return min(max(shortest/8, 5*time.Millisecond), maxTick)
}

var aheadPool = sync.Pool{New: func() any { b := make([]byte, aheadSize); return &b }}

func (c *conn) Read(p []byte) (int, error) {
	if len(c.ahead) > 0 {
		n := copy(p, c.ahead)
		c.ahead = c.ahead[n:]
		if len(c.ahead) == 0 {
			c.letGo()
			aheadPool.Put(c.held)
			c.held, c.ahead = nil, nil
		}
		return n, nil
	}
	if len(p) == 1 && c.lazy.CompareAndSwap(lazyArmed, lazyParked) {
		switch <-c.wake {
		case wakeAbort:
			return 0, os.ErrDeadlineExceeded
		case wakeClose:
			return 0, net.ErrClosed
		}
	}
	if len(p) < aheadMin || len(p) >= aheadSize || c.set.aheadHeld.Load() >= c.set.maxAhead {
		return c.Conn.Read(p)
	}
	bp := aheadPool.Get().(*[]byte)
	n, err := c.Conn.Read(*bp)
	m := copy(p, (*bp)[:n])
	if m < n {
		// The rest is the next read's; an error with it (a socket gives
		// none with bytes) comes again after them.
		c.holding.Store(true)
		c.set.aheadHeld.Add(1)
		c.held, c.ahead = bp, (*bp)[m:n]
		return m, nil
	}
	aheadPool.Put(bp)
	return m, err
}

// letGo takes c's read-ahead buffer off the set's count, once: when its
// bytes are read, or when the connection is closed with some left.
func (c *conn) letGo() {
	if c.holding.CompareAndSwap(true, false) {
		c.set.aheadHeld.Add(-1)
	}
}

// Close closes the connection, and wakes a background read waiting here.
func (c *conn) Close() error {
	c.wakeLazy(wakeClose)
	c.letGo()
	c.removeOnce.Do(func() { c.set.remove(c) })
	return c.Conn.Close()
}

// wakeLazy ends the lazy background read: a parked one is woken with w, an
// armed one disarmed. It reports whether one was parked.
func (c *conn) wakeLazy(w lazyWake) bool {
	for {
		switch c.lazy.Load() {
		case lazyParked:
			if c.lazy.CompareAndSwap(lazyParked, lazyOff) {
				c.wake <- w
				return true
			}
		case lazyArmed:
			if c.lazy.CompareAndSwap(lazyArmed, lazyOff) {
				return false
			}
		default:
			return false
		}
	}
}

// CloseWrite is the socket's: net/http half-closes a connection it
// refused a request on, so the client reads the answer.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *conn) SetDeadline(t time.Time) error {
	err := c.SetReadDeadline(t)
	if werr := c.SetWriteDeadline(t); err == nil {
		err = werr
	}
	return err
}

func (c *conn) SetReadDeadline(t time.Time) error {
	if c.lazy.Load() != lazyOff {
		if past(t) && c.wakeLazy(wakeAbort) {
			// The background read net/http cancels never reached the
			// socket: nothing to undo there.
			c.rd.Store(0)
			return nil
		}
		c.wakeLazy(wakeRelease)
	}
	return c.setDeadline(t, &c.rd, &c.rReal, c.Conn.SetReadDeadline)
}

func (c *conn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline(t, &c.wd, &c.wReal, c.Conn.SetWriteDeadline)
}

// setDeadline notes t in at. A t already past goes to the socket at once;
// one to come waits for the watch, and clears one the socket has.
func (c *conn) setDeadline(t time.Time, at *atomic.Int64, real *atomic.Bool, set func(time.Time) error) error {
	if t.IsZero() {
		at.Store(0)
	} else {
		at.Store(t.UnixNano())
	}
	p := past(t)
	if !p && !real.Load() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p {
		real.Store(true)
		return set(t)
	}
	real.Store(false)
	return set(time.Time{})
}

// expire applies a deadline of c's that has passed to the socket (the
// watch's part of setDeadline; see connSet.watch).
func (c *conn) expire(now int64, at *atomic.Int64, real *atomic.Bool, set func(time.Time) error) {
	if v := at.Load(); v == 0 || v > now || real.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Claim the socket's deadline before reading the one to apply: a
	// setDeadline that stores a new one after this load sees real set,
	// and puts its own on the socket after this.
	real.Store(true)
	if v := at.Load(); v != 0 && v <= now {
		_ = set(time.Unix(0, v))
		return
	}
	real.Store(false)
}

// past reports whether t is a deadline already gone by: net/http's
// "wake the read now" (a time long ago), or any other. It reads the clock
// only for a deadline within two ticks of the watch's last.
func past(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	n, now := t.UnixNano(), coarseNow.Load()
	switch {
	case n <= now:
		return true
	case n > now+int64(2*maxTick):
		return false // net/http's timeouts: seconds away
	}
	return !t.After(time.Now())
}

// coarseNow is the time as of the watch's last tick (Unix nanoseconds):
// what past compares with, for the price of a load.
var coarseNow atomic.Int64

func init() { coarseNow.Store(time.Now().UnixNano()) }

// connSet is the connections being served, for the watch.
type connSet struct {
	tick    time.Duration
	idleSeq atomic.Int64 // orders the conns' idle stamps
	// aheadHeld is how many conns hold read-ahead bytes; at maxAhead the
	// others read as net/http asks, so what reading ahead can hold, all
	// connections together, is bounded.
	aheadHeld atomic.Int64
	maxAhead  int64
	mu        sync.Mutex
	conns     map[*conn]struct{}
	stop      chan struct{}
	done      chan struct{}
}

// newConnSet starts a set whose watch looks every tick. close stops it.
func newConnSet(tick time.Duration) *connSet {
	s := &connSet{tick: tick, maxAhead: maxAheadHeld, conns: map[*conn]struct{}{}, stop: make(chan struct{}), done: make(chan struct{})}
	coarseNow.Store(time.Now().UnixNano())
	go s.watch()
	return s
}

// wrap makes nc a conn of the set.
func (s *connSet) wrap(nc net.Conn) *conn {
	c := &conn{Conn: nc, set: s, wake: make(chan lazyWake, 1)}
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	return c
}

func (s *connSet) remove(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// each calls f for every conn of the set, the set locked: f must not
// close one.
func (s *connSet) each(f func(*conn)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		f(c)
	}
}

// watch applies the deadlines that have passed, every tick, until close.
func (s *connSet) watch() {
	defer close(s.done)
	t := time.NewTicker(s.tick)
	defer t.Stop()
	var due []*conn
	for {
		select {
		case <-s.stop:
			return
		case tick := <-t.C:
			now := tick.UnixNano()
			coarseNow.Store(now)
			due = due[:0]
			s.mu.Lock()
			for c := range s.conns {
				if d := c.rd.Load(); d != 0 && d <= now {
					due = append(due, c)
				} else if d := c.wd.Load(); d != 0 && d <= now {
					due = append(due, c)
				}
			}
			s.mu.Unlock()
			for _, c := range due {
				c.expire(now, &c.rd, &c.rReal, c.Conn.SetReadDeadline)
				c.expire(now, &c.wd, &c.wReal, c.Conn.SetWriteDeadline)
			}
			clear(due)
		}
	}
}

// close stops the watch. The connections still open keep the deadlines
// they have on the socket.
func (s *connSet) close() {
	close(s.stop)
	<-s.done
}

// connKey finds a request's conn in its context (http.Server.ConnContext).
type connKey struct{}

func withConn(ctx context.Context, nc net.Conn) context.Context {
	if c, ok := nc.(*conn); ok {
		return context.WithValue(ctx, connKey{}, c)
	}
	return ctx
}

// armLazyRead makes the background read net/http starts once r's body is
// read wait in r's conn, not on the socket (see conn).
func armLazyRead(r *http.Request) {
	if c, ok := r.Context().Value(connKey{}).(*conn); ok {
		c.lazy.CompareAndSwap(lazyOff, lazyArmed)
	}
}

// releaseLazyRead lets r's background read go on to the socket, so that
// r's context ends when the client goes away: call it before waiting on
// something that takes long.
func releaseLazyRead(r *http.Request) {
	if c, ok := r.Context().Value(connKey{}).(*conn); ok {
		c.wakeLazy(wakeRelease)
	}
}
