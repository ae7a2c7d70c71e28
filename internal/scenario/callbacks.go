package scenario

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// CallbackPath is where the stand-in takes callbacks, followed by the
// delivery id, as listen's stand-in and Permission Assist itself do.
const CallbackPath = "/webhooks/callback/"

// maxCallback bounds a callback message the stand-in keeps.
const maxCallback = 64 << 10

// Callbacks is scenario's own stand-in for Permission Assist's callback
// endpoint: it takes one POST per delivery id (a second one is refused with
// 409, as the vendor requires a callback URL never be reused) and lets a run
// wait for the callback of a delivery it sent.
type Callbacks struct {
	// Relay, when set, passes each callback on (to the --callback-base a
	// user gave, such as a running listen) and answers the receiver with
	// what came back; only a callback the relay got a 2xx for counts.
	Relay func(ctx context.Context, id string, msg []byte) (status int, body string, err error)

	mu     sync.Mutex
	got    map[string]string
	notify map[string]chan struct{}
}

// NewCallbacks returns an empty stand-in; serve it with ServeHTTP.
func NewCallbacks() *Callbacks {
	return &Callbacks{got: map[string]string{}, notify: map[string]chan struct{}{}}
}

func (c *Callbacks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, CallbackPath)
	if !ok || id == "" || strings.Contains(id, "/") {
		http.Error(w, "not a callback URL: POST "+CallbackPath+"{delivery id}", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "callbacks are POSTed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCallback+1))
	if err != nil {
		http.Error(w, "cannot read the callback", http.StatusBadRequest)
		return
	}
	if len(body) > maxCallback {
		http.Error(w, "callback message too large", http.StatusRequestEntityTooLarge)
		return
	}
	c.mu.Lock()
	_, reused := c.got[id]
	c.mu.Unlock()
	if reused {
		http.Error(w, "this callback URL was already used; a callback URL must not be reused", http.StatusConflict)
		return
	}
	answer := "callback received\n"
	if c.Relay != nil {
		status, relayed, err := c.Relay(r.Context(), id, body)
		switch {
		case err != nil:
			http.Error(w, "webhook-tool scenario could not pass the callback on: "+err.Error(), http.StatusBadGateway)
			return
		case status/100 != 2:
			w.WriteHeader(status)
			io.WriteString(w, relayed)
			return
		}
		answer = relayed
	}
	c.mu.Lock()
	_, reused = c.got[id]
	if !reused {
		c.got[id] = string(body)
		if ch, ok := c.notify[id]; ok {
			close(ch)
			delete(c.notify, id)
		}
	}
	c.mu.Unlock()
	if reused {
		http.Error(w, "this callback URL was already used; a callback URL must not be reused", http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, answer)
}

// Wait returns the callback message for delivery id, waiting until it
// comes, timeout passes or ctx is done; ok is false when none came.
func (c *Callbacks) Wait(ctx context.Context, id string, timeout time.Duration) (msg string, ok bool) {
	c.mu.Lock()
	if m, ok := c.got[id]; ok {
		c.mu.Unlock()
		return m, true
	}
	ch, waiting := c.notify[id]
	if !waiting {
		ch = make(chan struct{})
		c.notify[id] = ch
	}
	c.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-ch:
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.got[id], true
	case <-t.C:
	case <-ctx.Done():
	}
	return "", false
}

// Server is the stand-in serving on a local address.
type Server struct {
	*Callbacks
	URL string // the callback base, http://ADDR/webhooks/callback/
	srv *http.Server
}

// ServeCallbacks starts the stand-in on addr (HOST:PORT; port 0 picks a
// free one), passing callbacks on with relay when it is not nil. Close
// stops it.
func ServeCallbacks(addr string, relay func(ctx context.Context, id string, msg []byte) (int, string, error)) (*Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	cbs := NewCallbacks()
	cbs.Relay = relay
	s := &Server{Callbacks: cbs, URL: "http://" + l.Addr().String() + CallbackPath}
	s.srv = &http.Server{Handler: s.Callbacks, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second}
	go s.srv.Serve(l) // returns ErrServerClosed on Close
	return s, nil
}

// Close stops the stand-in; callbacks after it are refused.
func (s *Server) Close() error { return s.srv.Close() }
