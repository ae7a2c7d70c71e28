package listener

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/respond"
)

// fakeConn is a socket that counts what conn asks of it: each Read's size,
// and each deadline set. Reads take from data; with none left they wait
// for more (feed) or for Close.
type fakeConn struct {
	net.Conn // nil: only the methods below are used

	mu        sync.Mutex
	more      *sync.Cond
	data      []byte
	closed    bool
	readSizes []int
	rd, wd    []time.Time
}

func newFakeConn(data string) *fakeConn {
	f := &fakeConn{data: []byte(data)}
	f.more = sync.NewCond(&f.mu)
	return f
}

func (f *fakeConn) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readSizes = append(f.readSizes, len(p))
	for len(f.data) == 0 && !f.closed {
		f.more.Wait()
	}
	if len(f.data) == 0 {
		return 0, net.ErrClosed
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func (f *fakeConn) feed(s string) {
	f.mu.Lock()
	f.data = append(f.data, s...)
	f.mu.Unlock()
	f.more.Broadcast()
}

func (f *fakeConn) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.more.Broadcast()
	return nil
}

func (f *fakeConn) SetReadDeadline(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rd = append(f.rd, t)
	return nil
}

func (f *fakeConn) SetWriteDeadline(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wd = append(f.wd, t)
	return nil
}

// calls returns copies of what f saw.
func (f *fakeConn) calls() (sizes []int, rd, wd []time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.readSizes...), append([]time.Time(nil), f.rd...), append([]time.Time(nil), f.wd...)
}

func testSet(t *testing.T, tick time.Duration) *connSet {
	s := newConnSet(tick)
	t.Cleanup(s.close)
	return s
}

// A read into net/http's 4 KB buffer takes up to aheadSize from the
// socket; the rest is the next read's, with no read(2) of its own. Small
// reads and large ones go to the socket as they are.
func TestConnReadsAhead(t *testing.T) {
	t.Parallel()
	request := strings.Repeat("h", 300) + strings.Repeat("b", 6200) // a typical delivery
	f := newFakeConn(request)
	c := testSet(t, maxTick).wrap(f)

	got := make([]byte, 0, len(request))
	p := make([]byte, 4096)
	n, err := c.Read(p)
	if err != nil || n != 4096 {
		t.Fatalf("first read: %d, %v", n, err)
	}
	got = append(got, p[:n]...)
	big := make([]byte, 16<<10)
	n, err = c.Read(big)
	if err != nil || n != len(request)-4096 {
		t.Fatalf("second read: %d, %v", n, err)
	}
	got = append(got, big[:n]...)
	if string(got) != request {
		t.Fatal("the bytes read are not the bytes sent")
	}
	if sizes, _, _ := f.calls(); fmt.Sprint(sizes) != fmt.Sprint([]int{aheadSize}) {
		t.Fatalf("socket reads %v, want one of %d", sizes, aheadSize)
	}

	f.feed("xyz")
	one := make([]byte, 1)
	if n, err := c.Read(one); n != 1 || err != nil || one[0] != 'x' {
		t.Fatalf("one-byte read: %d %q %v", n, one, err)
	}
	f.feed(strings.Repeat("z", 20<<10))
	if n, err := c.Read(big); n != len(big) || err != nil {
		t.Fatalf("large read: %d %v", n, err)
	}
	if sizes, _, _ := f.calls(); fmt.Sprint(sizes) != fmt.Sprint([]int{aheadSize, 1, 16 << 10}) {
		t.Fatalf("socket reads %v, want the small and the large read as asked", sizes)
	}
}

// Reading ahead is bounded across connections: with maxAhead
// connections holding bytes, another reads as net/http asks; once one has
// given its bytes out, or been closed with them, reading ahead is back.
func TestConnReadAheadBounded(t *testing.T) {
	t.Parallel()
	s := testSet(t, maxTick)
	s.maxAhead = 1
	delivery := strings.Repeat("d", 6000)
	fa, fb := newFakeConn(delivery), newFakeConn(delivery+delivery)
	a, b := s.wrap(fa), s.wrap(fb)
	p := make([]byte, 4096)
	a.Read(p) // a holds the rest of its delivery
	b.Read(p)
	if sizes, _, _ := fb.calls(); sizes[0] != 4096 {
		t.Fatalf("with a holding bytes, b read %d, want 4096", sizes[0])
	}
	a.Read(p) // a's bytes are out
	b.Read(p)
	if sizes, _, _ := fb.calls(); sizes[1] != aheadSize {
		t.Fatalf("with none holding, b read %d, want %d", sizes[1], aheadSize)
	}
	b.Close() // closed while holding
	fa.feed(delivery)
	a.Read(p)
	if sizes, _, _ := fa.calls(); sizes[1] != aheadSize {
		t.Fatalf("after b closed, a read %d, want %d", sizes[1], aheadSize)
	}
	if n := s.aheadHeld.Load(); n != 1 {
		t.Fatalf("%d conns counted as holding, want 1", n)
	}
}

// A deadline to come is only noted; one already past goes to the socket at
// once, and clearing it then clears the socket's. The watch applies a noted
// deadline to the socket once it has passed.
func TestConnDeadlines(t *testing.T) {
	t.Parallel()
	f := newFakeConn("")
	c := testSet(t, 5*time.Millisecond).wrap(f)

	c.SetReadDeadline(time.Now().Add(time.Hour))
	c.SetReadDeadline(time.Time{})
	c.SetWriteDeadline(time.Now().Add(time.Hour))
	if _, rd, wd := f.calls(); len(rd)+len(wd) != 0 {
		t.Fatalf("deadlines to come reached the socket: read %v, write %v", rd, wd)
	}

	longAgo := time.Unix(1, 0)
	c.SetReadDeadline(longAgo)
	if _, rd, _ := f.calls(); len(rd) != 1 || !rd[0].Equal(longAgo) {
		t.Fatalf("a past deadline: the socket got %v", rd)
	}
	c.SetReadDeadline(time.Time{})
	if _, rd, _ := f.calls(); len(rd) != 2 || !rd[1].IsZero() {
		t.Fatalf("clearing a past deadline: the socket got %v", rd)
	}

	soon := time.Now().Add(30 * time.Millisecond)
	c.SetWriteDeadline(soon)
	for end := time.Now().Add(10 * time.Second); ; {
		_, _, wd := f.calls()
		if len(wd) == 1 && wd[0].Equal(soon) {
			break
		}
		if len(wd) > 1 || time.Now().After(end) {
			t.Fatalf("the watch applied %v, want %v once", wd, soon)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// readResult is what a Read returned.
type readResult struct {
	n   int
	err error
}

// startLazyRead arms c's lazy background read and starts it as net/http
// does; the channel gets its result once it returns.
func startLazyRead(t *testing.T, c *conn) <-chan readResult {
	t.Helper()
	c.lazy.CompareAndSwap(lazyOff, lazyArmed)
	res := make(chan readResult, 1)
	go func() {
		var b [1]byte
		n, err := c.Read(b[:])
		res <- readResult{n, err}
	}()
	for c.lazy.Load() != lazyParked {
		time.Sleep(time.Millisecond)
	}
	return res
}

// net/http's background read waits in the conn; net/http cancelling it
// (a deadline long ago) ends it with a timeout, the socket untouched.
func TestConnLazyReadCancelled(t *testing.T) {
	t.Parallel()
	f := newFakeConn("")
	c := testSet(t, maxTick).wrap(f)
	res := startLazyRead(t, c)
	c.SetReadDeadline(time.Unix(1, 0))
	r := <-res
	var ne net.Error
	if r.n != 0 || !errors.As(r.err, &ne) || !ne.Timeout() {
		t.Fatalf("cancelled background read: %d, %v; want a timeout", r.n, r.err)
	}
	c.SetReadDeadline(time.Time{})
	if sizes, rd, _ := f.calls(); len(sizes)+len(rd) != 0 {
		t.Fatalf("the socket was read %v, its deadline set %v", sizes, rd)
	}
}

// A handler about to wait long lets the background read go on to the
// socket, where it sees the client's next byte (or its going away).
func TestConnLazyReadReleased(t *testing.T) {
	t.Parallel()
	f := newFakeConn("")
	c := testSet(t, maxTick).wrap(f)
	res := startLazyRead(t, c)
	c.wakeLazy(wakeRelease)
	f.feed("G")
	if r := <-res; r.n != 1 || r.err != nil {
		t.Fatalf("released background read: %d, %v", r.n, r.err)
	}
}

// Closing the connection ends a background read waiting in it.
func TestConnLazyReadClosed(t *testing.T) {
	t.Parallel()
	c := testSet(t, maxTick).wrap(newFakeConn(""))
	res := startLazyRead(t, c)
	c.Close()
	if r := <-res; !errors.Is(r.err, net.ErrClosed) {
		t.Fatalf("background read after Close: %v", r.err)
	}
}

// Armed but cancelled before it began (net/http's read had not started),
// the background read goes to the socket, whose deadline is already past.
func TestConnLazyReadCancelledBeforeItStarts(t *testing.T) {
	t.Parallel()
	f := newFakeConn("")
	c := testSet(t, maxTick).wrap(f)
	c.lazy.Store(lazyArmed)
	c.SetReadDeadline(time.Unix(1, 0))
	if c.lazy.Load() != lazyOff {
		t.Fatal("still armed after the cancel")
	}
	if _, rd, _ := f.calls(); len(rd) != 1 {
		t.Fatalf("the socket's deadline was set %v, want the past one", rd)
	}
}

// Served through listen, net/http's timeouts still cut clients off: one
// that stops in the middle of its headers, one that stops in its body,
// and an idle keep-alive connection.
func TestTimeoutsCutSlowClientsOff(t *testing.T) {
	t.Parallel()
	const limit = 200 * time.Millisecond
	l, _ := newTestListener(t, func(c *Config) {
		c.Timeouts = Timeouts{ReadHeader: limit, Read: 2 * limit, Idle: limit}
	})
	addr := serveTest(t, l)

	// cutOff reports whether the server closed c within 20 limits.
	cutOff := func(t *testing.T, c net.Conn) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(20 * limit))
		_, err := io.Copy(io.Discard, c)
		if err != nil {
			t.Fatalf("the server did not close the connection: %v", err)
		}
	}
	dial := func(t *testing.T) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	t.Run("headers", func(t *testing.T) {
		c := dial(t)
		fmt.Fprint(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Len")
		cutOff(t, c)
	})
	t.Run("body", func(t *testing.T) {
		c := dial(t)
		fmt.Fprint(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
		cutOff(t, c)
	})
	t.Run("idle", func(t *testing.T) {
		c := dial(t)
		fmt.Fprint(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cutOff(t, c)
	})
}

// A forward ends when the sender goes away, the app's request cancelled
// with it, long before --forward-timeout: the background read that sees
// the sender leave is let go to the socket before the forward waits.
func TestForwardEndsWhenTheSenderGoesAway(t *testing.T) {
	t.Parallel()
	got, cancelled, failed := make(chan struct{}), make(chan struct{}), make(chan struct{})
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // net/http watches for the client leaving once the body is read
		close(got)
		select {
		case <-r.Context().Done():
			close(cancelled)
		case <-failed: // the test has failed: let the listener stop
		}
	}))
	defer app.Close()
	l, _ := newTestListener(t, func(c *Config) {
		c.ForwardTo = app.URL
		c.ForwardTimeout = time.Minute
	})
	c, err := net.Dial("tcp", serveTest(t, l))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
	<-got
	c.Close()
	select {
	case <-cancelled:
	case <-time.After(20 * time.Second):
		close(failed)
		t.Fatal("the forward outlived its sender")
	}
}

// A hang lets go of its handler and connection when the client gives up,
// not at respond.MaxHold.
func TestHangEndsWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	var recorded sync.WaitGroup
	recorded.Add(1)
	l, _ := newTestListener(t, func(c *Config) {
		rs, err := respond.Load([]string{"hang"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Rules = respond.New(rs, 1)
		c.Observe = func(*record.Record, string) { recorded.Done() }
	})
	addr := serveTest(t, l)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
	recorded.Wait()
	if l.busy.n.Load() == 0 {
		t.Fatal("nothing is busy while the delivery hangs")
	}
	c.Close()
	waitFor(t, func() bool { return l.busy.n.Load() == 0 })
}
