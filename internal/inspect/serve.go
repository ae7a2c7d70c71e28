package inspect

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// DefaultAddr is where the inspector listens unless told otherwise; when its
// port is taken, the next DefaultTries-1 ports are tried.
const (
	DefaultAddr  = "127.0.0.1:4040"
	DefaultTries = 10
)

// ErrNoFreePort is Listen's error when every port it tried was taken.
var ErrNoFreePort = errors.New("no free port")

// Listen binds addr. With tries > 1, a port in use is followed by the next
// ones, tries ports in all; when all are taken the error wraps ErrNoFreePort.
func Listen(addr string, tries int) (net.Listener, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("bad port %q", portText)
	}
	if tries < 1 || port == 0 {
		tries = 1
	}
	for i := 0; i < tries && port+i <= 65535; i++ {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port+i)))
		if err == nil {
			return ln, nil
		}
		if tries == 1 || !errors.Is(err, syscall.EADDRINUSE) {
			return nil, err
		}
	}
	return nil, noFreePort(fmt.Sprintf("ports %d-%d on %s are all in use", port, port+tries-1, host))
}

// noFreePort is ErrNoFreePort saying which ports were tried.
type noFreePort string

func (e noFreePort) Error() string        { return string(e) }
func (e noFreePort) Is(target error) bool { return target == ErrNoFreePort }

// Loopback reports whether addr's host is a loopback address or name, so
// that only this machine can reach it.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MaxConns is how many connections the inspector serves at once; a page
// takes up to seven (its event stream, and a browser's six for the rest),
// and keeps them idle at most idleTimeout. Beyond it a new connection
// waits to be accepted, so that the inspector cannot take the descriptors
// listen's deliveries need: listen keeps MaxConns out of its own budget.
const MaxConns = 128

// idleTimeout closes a page's idle keep-alive connections soon, so that
// the slots of tabs left open come free.
const idleTimeout = 10 * time.Second

// Serve answers on ln until ctx is done; the open event streams end then.
// errLog gets net/http's own complaints.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, errLog *log.Logger) error {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln = limitConns(ln, MaxConns)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10, // a browser's headers take 1 or 2 KB
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          errLog,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	cancel() // ends the event streams
	sctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	err := srv.Shutdown(sctx)
	<-errc
	return err
}

// Start binds addr (see Listen) and serves h there until ctx is done, in
// the background. It returns the page's URL and a channel that gets Serve's
// result.
func Start(ctx context.Context, addr string, tries int, h http.Handler, errLog *log.Logger) (string, <-chan error, error) {
	ln, err := Listen(addr, tries)
	if err != nil {
		return "", nil, err
	}
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, errLog) }()
	return "http://" + ln.Addr().String() + "/", done, nil
}

// slotListener accepts a connection only while fewer than cap(slots) are
// open; Accept waits for one to close, or for Close.
type slotListener struct {
	net.Listener
	slots     chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
}

func limitConns(ln net.Listener, n int) net.Listener {
	return &slotListener{Listener: ln, slots: make(chan struct{}, n), closed: make(chan struct{})}
}

func (l *slotListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &slotConn{Conn: c, free: sync.OnceFunc(func() { <-l.slots })}, nil
}

func (l *slotListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// slotConn gives its slot back when it is closed.
type slotConn struct {
	net.Conn
	free func()
}

func (c *slotConn) Close() error {
	c.free()
	return c.Conn.Close()
}
