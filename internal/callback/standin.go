package callback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/input"
)

// Path is the path of a Permission Assist callback URL up to the delivery
// id: https://pa.example.com/webhooks/callback/{id}.
const Path = "/webhooks/callback/"

// BaseFor is the callback base of a delivery sent to target when no other
// is given: target's origin + Path, where the listener's stand-in answers
// (send and scenario default --callback-base to it).
func BaseFor(target *url.URL) string {
	return target.Scheme + "://" + target.Host + Path
}

// IDFromPath returns the delivery id of the callback URL path p under base
// (a path ending in "/", "/" for the root): base + "webhooks/callback/" and
// one non-empty path segment, the id.
func IDFromPath(p, base string) (string, bool) {
	id, ok := strings.CutPrefix(p, base+Path[1:])
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

// NearID reports whether p is meant for a callback URL under base but is
// not one: the callback URL with a trailing slash or a doubled slash
// (/webhooks/callback/ID/, /webhooks//callback/ID). It returns the id and
// the callback URL's path. Such a path is refused, not taken: the callback
// URL is handed out whole, and an endpoint may well not take it altered.
func NearID(p, base string) (id, exact string, ok bool) {
	if !strings.Contains(p, "/callback/") {
		return "", "", false // nearly every path: nothing to clean
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	exact = strings.TrimSuffix(b.String(), "/")
	if exact == p {
		return "", "", false
	}
	id, ok = IDFromPath(exact, base)
	return id, exact, ok
}

// Bounds of what a StandIn keeps, since it takes whatever reaches its
// socket.
const (
	// MaxIDLen is the longest delivery id taken: the ids are GUIDs (36
	// bytes), so anything much longer is not a callback URL handed out.
	MaxIDLen = 256
	// DefaultMaxKept is how many delivery ids a StandIn keeps a callback
	// for unless told otherwise: far more than a probe or a scenario sends.
	DefaultMaxKept = 4096
)

// Callback is the first callback a StandIn took for a delivery.
type Callback struct {
	ID          string
	ContentType string
	Body        string
	At          time.Time // when it came, by StandIn.Now
}

// Relay passes the callback msg for delivery id on and says what came
// back: an answer's status and body, or the error that kept it from coming.
type Relay func(ctx context.Context, id string, msg []byte) (status int, body string, err error)

// RelayTo is a Relay that posts each callback, once, to its callback URL
// under base (a --callback-base: base + id, or base with "{id}" replaced).
func RelayTo(s *Sender, base string) Relay {
	return func(ctx context.Context, id string, msg []byte) (int, string, error) {
		res := s.Post(ctx, fixture.CallbackURL(base, id), msg)
		return res.Status, res.Excerpt, res.Err
	}
}

// StandIn stands in for Permission Assist's callback endpoint: it takes
// POST /webhooks/callback/{id} with the plain-text message as the body,
// answers 200 the first time and 409 after, as a callback URL must not be
// reused, and lets the caller see and wait for what came. Set the fields
// before it serves; the zero value takes any id and relays nothing.
//
// What it keeps is bounded: the first callback of at most MaxKept ids
// (later ids are answered 503), each at most MaxBody bytes (413 over it)
// and an id of at most MaxIDLen bytes; reuses are only counted.
type StandIn struct {
	// Relay, when set, passes each first callback on (to the --callback-base
	// a user gave, such as a running listen) and answers the receiver with
	// what came back; only a callback the relay got a 2xx for is taken, so
	// a refused one may be posted again. A reuse is never passed on.
	Relay Relay
	// ExpectedOnly takes callbacks only for the ids given to Expect and
	// answers 404 to the others.
	ExpectedOnly bool
	// Base is the callback base (CheckBase) the receiver reaches the
	// stand-in at, when it is not the stand-in's own URL (a receiver in a
	// container, or behind a tunnel): callbacks are taken at its path. ""
	// takes them at Path.
	Base    string
	Now     func() time.Time // the clock for Callback.At; nil means time.Now
	MaxBody int              // 0 means DefaultMaxSize
	MaxKept int              // 0 means DefaultMaxKept

	mu   sync.Mutex
	ids  map[string]*entry
	kept int           // ids with a callback taken or being relayed
	next chan struct{} // closed at the next callback; nil until Next asks
}

type entry struct {
	expected bool
	relaying bool // the first callback is with the relay
	first    Callback
	n        int // callbacks posted: the first and the reuses refused
}

// Expect makes id one the stand-in takes when ExpectedOnly is set.
func (s *StandIn) Expect(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entry(id).expected = true
}

// Received returns the first callback for id and how many were posted to
// its URL, refused reuses included; n is 0 when none came.
func (s *StandIn) Received(id string) (first Callback, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.ids[id]; e != nil && e.n > 0 {
		return e.first, e.n
	}
	return Callback{}, 0
}

// Next returns a channel closed when the next callback is posted (taken or
// refused as a reuse). Take it before looking at Received, so a callback
// in between is not missed.
func (s *StandIn) Next() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next == nil {
		s.next = make(chan struct{})
	}
	return s.next
}

// Wait returns the first callback for id, waiting for it until ctx is
// done; ok is false when none came.
func (s *StandIn) Wait(ctx context.Context, id string) (cb Callback, ok bool) {
	for {
		next := s.Next()
		if cb, n := s.Received(id); n > 0 {
			return cb, true
		}
		select {
		case <-next:
		case <-ctx.Done():
			return Callback{}, false
		}
	}
}

func (s *StandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := IDFromPath(r.URL.Path, "/")
	want := Path + "{delivery id}"
	if s.Base != "" {
		want = basePath(s.Base)
		id, ok = idFromBase(r.URL.Path, want)
		if !strings.Contains(want, "{id}") {
			want += "{delivery id}"
		}
	}
	switch {
	case !ok:
		msg := "not a callback URL: POST " + want
		if _, exact, near := NearID(r.URL.Path, "/"); near {
			msg += ", exactly as handed out: " + exact + ", without the trailing or doubled slash"
		}
		http.Error(w, msg, http.StatusNotFound)
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, fmt.Sprintf("method %s: callbacks are POSTed", r.Method), http.StatusMethodNotAllowed)
		return
	case len(id) > MaxIDLen:
		http.Error(w, fmt.Sprintf("not a callback URL: the delivery id is over %d bytes", MaxIDLen), http.StatusNotFound)
		return
	case s.ExpectedOnly && !s.expected(id):
		http.Error(w, "no delivery was sent with this callback URL", http.StatusNotFound)
		return
	}
	body, status, err := s.readBody(r)
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	cb := Callback{ID: id, ContentType: r.Header.Get("Content-Type"), Body: string(body)}
	if status, msg := s.take(cb); status != http.StatusOK {
		http.Error(w, msg, status)
		return
	}
	answer := "ok\n"
	if s.Relay != nil {
		status, relayed, err := s.Relay(r.Context(), id, body)
		if err == nil && status/100 == 2 {
			answer = relayed
		}
		s.settle(cb, err == nil && status/100 == 2)
		switch {
		case err != nil:
			http.Error(w, "the callback could not be passed on: "+err.Error(), http.StatusBadGateway)
			return
		case status/100 != 2:
			w.Header().Set("Content-Type", ContentType)
			w.WriteHeader(status)
			io.WriteString(w, relayed)
			return
		}
	}
	w.Header().Set("Content-Type", ContentType)
	io.WriteString(w, answer)
}

func (s *StandIn) readBody(r *http.Request) ([]byte, int, error) {
	limit := s.MaxBody
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, http.StatusBadRequest, errors.New("cannot read the callback body")
	}
	if len(body) > limit {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("callback body over the %s limit", input.FormatSize(int64(limit)))
	}
	return body, 0, nil
}

// take records cb as the first callback for its id, or counts it as a reuse
// (409). With a Relay the first one is only held until settle says whether
// the relay took it. The answer is 200 when cb was taken.
func (s *StandIn) take(cb Callback) (status int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	const reused = "this callback URL was already used; a callback URL must not be reused"
	if e := s.ids[cb.ID]; e != nil && (e.n > 0 || e.relaying) {
		if e.n > 0 {
			e.n++
			s.wake()
		}
		return http.StatusConflict, reused
	}
	if limit := s.maxKept(); s.kept >= limit {
		return http.StatusServiceUnavailable, fmt.Sprintf("the callback stand-in keeps at most %d callbacks and has them", limit)
	}
	s.kept++
	e := s.entry(cb.ID)
	if s.Relay != nil {
		e.relaying = true
		return http.StatusOK, ""
	}
	s.keep(e, cb)
	return http.StatusOK, ""
}

// settle ends the relay of cb: it is taken when the relay took it, and
// forgotten when not, so it may come again.
func (s *StandIn) settle(cb Callback, taken bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.ids[cb.ID]
	e.relaying = false
	if taken {
		s.keep(e, cb)
		return
	}
	s.kept--
	if !e.expected {
		delete(s.ids, cb.ID)
	}
}

func (s *StandIn) keep(e *entry, cb Callback) {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	cb.At = now()
	e.first, e.n = cb, 1
	s.wake()
}

// wake tells the waiters a callback came; s.mu is held.
func (s *StandIn) wake() {
	if s.next != nil {
		close(s.next)
		s.next = nil
	}
}

// entry returns the entry of id, made when there is none; s.mu is held.
func (s *StandIn) entry(id string) *entry {
	if s.ids == nil {
		s.ids = map[string]*entry{}
	}
	e := s.ids[id]
	if e == nil {
		e = &entry{}
		s.ids[id] = e
	}
	return e
}

func (s *StandIn) expected(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.ids[id]
	return e != nil && e.expected
}

func (s *StandIn) maxKept() int {
	if s.MaxKept > 0 {
		return s.MaxKept
	}
	return DefaultMaxKept
}

// Server is a StandIn serving on a local address.
type Server struct {
	*StandIn
	URL  string // the callback base: http://ADDR/webhooks/callback/
	srv  *http.Server
	done chan struct{}
}

// Start serves s on addr (HOST:PORT; port 0 picks a free one) until Close.
func (s *StandIn) Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &Server{
		StandIn: s,
		URL:     "http://" + ln.Addr().String() + Path,
		srv: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			IdleTimeout:       30 * time.Second,
			MaxHeaderBytes:    64 << 10,
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(srv.done)
		srv.srv.Serve(ln) // ends with ErrServerClosed at Close, or when the listener fails
	}()
	return srv, nil
}

// Close stops the server and waits for it; callbacks after it are refused.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}
