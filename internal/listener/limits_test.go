package listener

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newTestListener(t *testing.T, edit func(*Config)) (*Listener, *lockedBuf) {
	t.Helper()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	errb := &lockedBuf{}
	rw := record.NewWriter(io.Discard, record.Options{})
	t.Cleanup(func() { rw.Close() })
	cfg := Config{Registry: reg, Records: rw, Diag: render.NewDiag(errb)}
	if edit != nil {
		edit(&cfg)
	}
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l, errb
}

// Beyond the bytes-in-flight budget a delivery is refused with 503 and
// Retry-After (and recorded); once bytes are free again it is taken. Every
// request, whatever its end, gives back what it took.
func TestBodyBudget(t *testing.T) {
	t.Parallel()
	l, _ := newTestListener(t, func(c *Config) { c.MaxBodyInFlight = 1 << 20; c.MaxBody = 512 << 10 })
	post := func(body string, chunked bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		if chunked {
			req.ContentLength = -1
		}
		w := httptest.NewRecorder()
		l.ServeHTTP(w, req)
		return w
	}
	// Other requests hold all but 4 KiB: the next body does not fit.
	held := l.bodies.max - 4<<10
	if !l.bodies.take(held) {
		t.Fatal("take")
	}
	w := post(`{"type":"create_user","pad":"`+strings.Repeat("p", 20<<10)+`"}`, false)
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("over the budget: %d, Retry-After %q; want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	if l.Stats().Overloaded != 1 || l.Stats().Rejected != 1 {
		t.Errorf("stats %+v", l.Stats())
	}
	// An ordinary small delivery still fits: its first 8 KiB are free.
	if w := post(`{"type":"create_user","pad":"`+strings.Repeat("p", 5<<10)+`"}`, false); w.Code == 503 {
		t.Error("a 5 KB delivery was refused while large bodies held the budget")
	}
	l.bodies.give(held)
	for _, body := range []string{"{}", strings.Repeat("x", 100<<10), strings.Repeat("y", 2<<20)} {
		for _, chunked := range []bool{false, true} {
			if w := post(body, chunked); w.Code == 503 {
				t.Errorf("%d bytes (chunked %v): 503 with the budget free", len(body), chunked)
			}
		}
	}
	post("x", false)
	if got := l.bodies.used.Load(); got != 0 {
		t.Errorf("%d bytes still taken after every request ended", got)
	}
}

// Large bodies before do not change what the next body costs: a small
// delivery is still taken while large bodies hold the budget, and a
// stalled client still holds only about what it sent. (A buffer a large
// body grew, pooled for the next body, would charge it its capacity.)
func TestBodyBudgetAfterLargeBodies(t *testing.T) {
	t.Parallel()
	l, _ := newTestListener(t, func(c *Config) { c.MaxBodyInFlight = 1 << 20; c.MaxBody = 512 << 10 })
	post := func(body string) int {
		w := httptest.NewRecorder()
		l.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)))
		return w.Code
	}
	large := `{"type":"create_user","pad":"` + strings.Repeat("p", 200<<10) + `"}`
	small := `{"type":"create_user","pad":"` + strings.Repeat("p", 5<<10) + `"}`
	for i := range 20 {
		if code := post(large); code == 503 {
			t.Fatalf("round %d: a large delivery was refused with the budget free", i)
		}
		held := l.bodies.max - 4<<10
		if !l.bodies.take(held) {
			t.Fatal("take")
		}
		if code := post(small); code == 503 {
			t.Fatalf("round %d: a 5 KB delivery was refused while large bodies held the budget", i)
		}
		l.bodies.give(held)
	}
	post(large)
	if used := stalledHolds(l, 400<<10, 10<<10); used > 64<<10 {
		t.Errorf("after a large body, 10 KiB sent of 400 KiB announced holds %d bytes of the budget", used)
	}
	if got := l.bodies.used.Load(); got != 0 {
		t.Errorf("%d bytes still taken after every request ended", got)
	}
}

// A client that announces a large body and sends little holds only what it
// sent, not what it announced.
func TestBodyBudgetCountsBytesSent(t *testing.T) {
	t.Parallel()
	l, _ := newTestListener(t, func(c *Config) { c.MaxBody = 1 << 20 })
	if used := stalledHolds(l, 1<<20, 10<<10); used > 64<<10 {
		t.Errorf("10 KiB sent of 1 MiB announced holds %d bytes of the budget", used)
	}
}

// A request's headers are memory held while its body is read: beyond
// freeHeaderBytes they are charged to the bytes-in-flight budget, and given
// back with the body's bytes; headers that do not fit get 503 at once.
func TestHeadersChargeTheBudget(t *testing.T) {
	t.Parallel()
	l, _ := newTestListener(t, func(c *Config) { c.MaxBodyInFlight = 256 << 10; c.MaxBody = 64 << 10 })
	withHeaders := func(n int, body io.Reader) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/", body)
		for i := range n {
			req.Header.Set(fmt.Sprintf("X-Pad-%d", i), strings.Repeat("h", 50))
		}
		return req
	}

	// 300 fields, about 80 KB as net/http reckons them, and a body that
	// stalls: the headers hold the budget until the request ends.
	pr, pw := io.Pipe()
	req := withHeaders(300, pr)
	req.ContentLength = 10 << 10
	cost := int64(headerCost(req.Header) - freeHeaderBytes)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.ServeHTTP(httptest.NewRecorder(), req)
	}()
	pw.Write([]byte("a")) // returns once the handler has read it
	if used := l.bodies.used.Load(); used != cost || cost < 64<<10 {
		t.Errorf("stalled with %d bytes of headers: %d of the budget held, want %d", cost, used, cost)
	}
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-done
	if used := l.bodies.used.Load(); used != 0 {
		t.Errorf("after the request: %d of the budget still held", used)
	}

	// 1,000 fields cost more than the whole budget: 503, and nothing held.
	rec := httptest.NewRecorder()
	l.ServeHTTP(rec, withHeaders(1000, strings.NewReader(`{}`)))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("headers over the budget: %d %v, want 503 with Retry-After", rec.Code, rec.Header())
	}
	if used := l.bodies.used.Load(); used != 0 {
		t.Errorf("after the refusal: %d of the budget still held", used)
	}
	// Ordinary headers cost nothing.
	rec = httptest.NewRecorder()
	l.ServeHTTP(rec, withHeaders(10, strings.NewReader(`{}`)))
	if rec.Code != http.StatusOK {
		t.Errorf("ordinary headers: %d", rec.Code)
	}
}

// stalledHolds is the budget l holds while a client that announced
// announced bytes has sent sent of them and stalls; the client then
// gives up, and stalledHolds returns once the request has ended.
func stalledHolds(l *Listener, announced int64, sent int) int64 {
	pr, pw := io.Pipe()
	req := httptest.NewRequest(http.MethodPost, "/", pr)
	req.ContentLength = announced
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.ServeHTTP(httptest.NewRecorder(), req)
	}()
	pw.Write(bytes.Repeat([]byte("a"), sent)) // returns once the handler has read it
	used := l.bodies.used.Load()
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-done
	return used
}

// With MaxConns open, a new client is still served: the oldest idle
// keep-alive connection is closed for it. With none idle, the new
// connection gets 503 at once.
func TestConnLimitClosesIdleFirst(t *testing.T) {
	t.Parallel()
	l, _ := newTestListener(t, func(c *Config) { c.MaxConns = 3 })
	addr := serveTest(t, l)

	request := func(c net.Conn, br *bufio.Reader) (int, error) {
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := request(c, bufio.NewReader(c)); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		// One at a time, so they go idle in this order.
		waitFor(t, func() bool { return l.conns.idleCount() == len(conns) })
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if status, err := request(c, bufio.NewReader(c)); err != nil || status != 200 {
		t.Fatalf("new client with 3 idle connections open: %d, %v", status, err)
	}
	// The oldest idle one was closed under its client.
	conns[0].SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := conns[0].Read(make([]byte, 1)); err == nil {
		t.Error("the oldest idle connection is still open")
	}

	// Now hold every connection busy (headers sent, body pending).
	for _, bc := range []net.Conn{conns[1], conns[2], c} {
		fmt.Fprintf(bc, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
	}
	waitFor(t, func() bool { return l.conns.idleCount() == 0 })
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	resp, err := http.ReadResponse(bufio.NewReader(extra), nil)
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("a connection beyond the limit with none idle: %v, %v; want 503", resp, err)
	}
	if l.Stats().RefusedConns != 1 {
		t.Errorf("stats %+v", l.Stats())
	}
}

// fakeListener fails Accept with EMFILE n times, then reports it is closed.
type fakeListener struct{ n int }

func (f *fakeListener) Accept() (net.Conn, error) {
	if f.n > 0 {
		f.n--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	return nil, net.ErrClosed
}
func (f *fakeListener) Close() error   { return nil }
func (f *fakeListener) Addr() net.Addr { return &net.TCPAddr{} }

// Accept failing for want of descriptors is logged once a second with a
// count, not once per attempt.
func TestAcceptErrorsRateLimited(t *testing.T) {
	t.Parallel()
	var errb lockedBuf
	log := newRateLog(render.NewDiag(&errb), func() time.Time { return time.Unix(0, 0) }) // time stands still
	c := newConnLimiter(&fakeListener{n: 5000}, 10, log, func() {}, maxTick)
	defer c.stop()
	c.sleep = func(time.Duration) {}
	if _, err := c.Accept(); err != net.ErrClosed {
		t.Fatalf("Accept: %v", err)
	}
	log.flush()
	out := errb.String()
	if n := strings.Count(out, "\n"); n != 2 {
		t.Fatalf("%d lines for 5000 failed accepts, want 2:\n%s", n, out)
	}
	if !strings.Contains(out, "too many open files") || !strings.Contains(out, "4999 more times") {
		t.Errorf("stderr:\n%s", out)
	}
}

type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// A full disk under load: every delivery is answered 500 and counted, but
// stderr gets a line a second, not one per delivery.
func TestRecordFailuresRateLimited(t *testing.T) {
	t.Parallel()
	rw := record.NewWriter(fullDisk{}, record.Options{})
	defer rw.Close()
	l, errb := newTestListener(t, func(c *Config) { c.Records = rw })
	for range 500 {
		w := httptest.NewRecorder()
		l.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
		if w.Code != 500 {
			t.Fatalf("status %d", w.Code)
		}
	}
	if l.Stats().RecordFailures != 500 {
		t.Errorf("stats %+v", l.Stats())
	}
	if n := strings.Count(errb.String(), "NOT RECORDED"); n < 1 || n > 20 {
		t.Errorf("%d NOT RECORDED lines for 500 failures", n)
	}
}

func testContext() (ctx context.Context, cancel func()) {
	return context.WithCancel(context.Background())
}

// serveTest serves l on a loopback port until the test ends, and returns
// its address.
func serveTest(t *testing.T, l *Listener) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := testContext()
	done := make(chan error, 1)
	go func() { done <- l.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// waitFor waits until cond holds, as the server's connection states change
// on its own goroutines; it fails the test after 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}
