package listener

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Serve answers on ln until ctx is cancelled, then stops accepting and waits
// for the deliveries in flight. After ShutdownTimeout it closes the
// connections still open, which ends the handlers reading them, and returns
// context.DeadlineExceeded. Either way it returns only after every handler
// has finished, its request recorded: the caller may close Records then.
//
// With Config.Exec, ctx being done also stops taking commands (a delivery
// that would run one is answered 503); the commands already taken run
// within the same ShutdownTimeout, and those still running then are killed.
// Every run is recorded before Serve returns. Config.Quit being done ends
// that wait at once, and Serve returns context.Canceled; or ErrStuck when
// handlers had still not returned (a record write that never ends: a
// --record FIFO nobody reads): Serve then returns without them, and the
// caller must not wait for Records either.
func (l *Listener) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler: l,
		// A client that trickles its headers or body, or sits idle, is cut
		// off (Config.Timeouts; the connSet's watch applies them).
		ReadHeaderTimeout: l.cfg.Timeouts.ReadHeader,
		ReadTimeout:       l.cfg.Timeouts.Read,
		WriteTimeout:      l.cfg.Timeouts.Write,
		IdleTimeout:       l.cfg.Timeouts.Idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(prefixWriter{log: l.log, clientCA: l.cfg.TLS != nil && l.cfg.TLS.ClientCAs != nil}, "", 0),
		TLSConfig:         l.cfg.TLS,
		// Counting connections as well as handlers covers a request that
		// was read just as the server closed, whose handler has yet to
		// start: its connection is counted until its goroutine ends.
		ConnState:   l.connState,
		ConnContext: withConn,
	}
	l.conns = newConnLimiter(ln, l.cfg.MaxConns, l.log, func() { l.n.refusedConns.Add(1) }, watchTick(l.cfg.Timeouts.shortest()))
	defer l.conns.stop()
	ln = l.conns
	if l.cfg.TLS != nil {
		ln = tls.NewListener(ln, l.cfg.TLS)
	}
	defer l.log.flush()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	var drain context.Context // the --exec commands share the drain limit
	select {
	case err = <-errc:
		l.stopExec()
		l.stop()
		srv.Close()
	case <-ctx.Done():
		l.stopExec()
		l.stop() // held answers let go
		sctx, cancel := context.WithTimeout(l.quit(), l.cfg.ShutdownTimeout)
		defer cancel()
		err = srv.Shutdown(sctx)
		if err != nil {
			l.cutting.Store(true)
			srv.Close()
		}
		<-errc
		drain = sctx
	}
	// srv.Serve has returned, so every accepted connection has been
	// counted; wait for them and their handlers to finish. Told to quit,
	// the handlers still running are writing their record: they have
	// stuckGrace more, and a handler stuck in a write that does not return
	// must not keep the second Ctrl-C from ending listen.
	if !l.busy.waitOr(l.quit().Done()) {
		grace, cancel := context.WithTimeout(context.Background(), stuckGrace)
		if !l.busy.waitOr(grace.Done()) {
			err = ErrStuck
		}
		cancel()
	}
	if drain == nil {
		var cancel context.CancelFunc
		drain, cancel = context.WithTimeout(l.quit(), l.cfg.ShutdownTimeout)
		defer cancel()
	}
	// The commands' runs are recorded through the same writer: told to
	// quit, they too get stuckGrace once killed, no more.
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		l.waitExec(drain)
	}()
	select {
	case <-ran:
	case <-l.quit().Done():
		grace := time.NewTimer(stuckGrace)
		select {
		case <-ran:
		case <-grace.C:
			err = ErrStuck
		}
		grace.Stop()
	}
	return err
}

// quit is Config.Quit, or a context never done.
func (l *Listener) quit() context.Context {
	if l.cfg.Quit != nil {
		return l.cfg.Quit
	}
	return context.Background()
}

// connState counts a connection from its first state to its last.
func (l *Listener) connState(c net.Conn, s http.ConnState) {
	if l.conns != nil {
		l.conns.state(c, s)
	}
	switch s {
	case http.StateNew:
		l.busy.add(1)
	case http.StateClosed, http.StateHijacked:
		l.busy.add(-1)
	}
}

// busyCount is a count that can be waited on until it is zero. add costs one
// atomic operation (and a load) while nobody waits.
type busyCount struct {
	n       atomic.Int64
	waiting atomic.Bool
	zero    chan struct{}
	once    sync.Once
}

func (b *busyCount) init() { b.once.Do(func() { b.zero = make(chan struct{}, 1) }) }

func (b *busyCount) add(d int64) {
	if b.n.Add(d) == 0 && b.waiting.Load() {
		b.init()
		select {
		case b.zero <- struct{}{}:
		default: // a wake-up is already due
		}
	}
}

// waitOr returns once the count is zero, or stop is closed; it reports
// whether the count is zero. There is one waiter at a time.
func (b *busyCount) waitOr(stop <-chan struct{}) bool {
	b.init()
	b.waiting.Store(true)
	defer b.waiting.Store(false)
	for b.n.Load() != 0 {
		select {
		case <-b.zero:
		case <-stop:
			return b.n.Load() == 0
		}
	}
	return true
}

// stuckGrace is how long, once told to quit, Serve still waits for the
// handlers writing their record.
const stuckGrace = 2 * time.Second

// ErrStuck is how Serve ended when told to quit while handlers had still
// not returned stuckGrace later.
var ErrStuck = errors.New("told to quit while requests or --exec runs were still waiting for their record to be written")

// prefixWriter gives net/http's own complaints (TLS handshake errors from a
// client speaking plain HTTP, or without the client certificate
// --client-ca requires, say) the tool's prefix, escaped (they quote what
// clients sent) and rate-limited by kind (a client can make one per
// connection), with a hint for a client certificate that was refused.
type prefixWriter struct {
	log      *rateLog
	clientCA bool // client certificates are required
}

func (p prefixWriter) Write(b []byte) (int, error) {
	msg := render.Escape(string(bytes.TrimRight(b, "\n")))
	kind, hint := handshakeKind(msg, p.clientCA)
	if hint != "" {
		msg += " (" + hint + ")"
	}
	p.log.printf(kind, (*render.Diag).Printf, "%s", msg)
	return len(b), nil
}
