package probe

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// callbackPath is where the stand-in takes callbacks, the path Permission
// Assist's own callback URLs have.
const callbackPath = "/webhooks/callback/"

// maxCallbackBody bounds what the stand-in reads of one callback.
const maxCallbackBody = 64 << 10

// callback is one callback the receiver posted.
type callback struct {
	contentType string
	body        string
	at          time.Time
}

// standIn is probe's stand-in for Permission Assist's callback endpoint:
// every Permission Assist delivery probe sends carries a callback URL on it,
// so probe sees each callback the receiver posts. Like the real endpoint it
// takes a callback URL once (200) and refuses it after (409); it keeps
// every callback, refused ones too, for the callback-once check.
type standIn struct {
	srv  *http.Server
	base string // e.g. http://127.0.0.1:41234/webhooks/callback/
	now  func() time.Time
	done chan struct{}

	mu     sync.Mutex
	issued map[string]bool
	got    map[string][]callback
	notify chan struct{} // a value after each callback, for waitCallbacks
}

func startStandIn(addr string, now func() time.Time) (*standIn, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &CallbackAddrError{Addr: addr, Err: err}
	}
	s := &standIn{
		base:   "http://" + ln.Addr().String() + callbackPath,
		now:    now,
		done:   make(chan struct{}),
		issued: map[string]bool{},
		got:    map[string][]callback{},
		notify: make(chan struct{}, 1),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+callbackPath+"{id}", s.serveCallback)
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       30 * time.Second,
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			// Only a closed listener ends Serve here; nothing to report.
			return
		}
	}()
	return s, nil
}

// expect registers a delivery id whose callback URL probe handed out.
func (s *standIn) expect(id string) {
	s.mu.Lock()
	s.issued[id] = true
	s.mu.Unlock()
}

// callbacks returns the callbacks posted for id so far, in arrival order.
func (s *standIn) callbacks(id string) []callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]callback(nil), s.got[id]...)
}

func (s *standIn) serveCallback(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCallbackBody+1))
	if err != nil {
		http.Error(w, "cannot read the callback body", http.StatusBadRequest)
		return
	}
	if len(body) > maxCallbackBody {
		http.Error(w, "callback body too large", http.StatusRequestEntityTooLarge)
		return
	}
	s.mu.Lock()
	if !s.issued[id] {
		s.mu.Unlock()
		http.Error(w, "webhook-tool probe sent no delivery with this id", http.StatusNotFound)
		return
	}
	reused := len(s.got[id]) > 0
	s.got[id] = append(s.got[id], callback{contentType: r.Header.Get("Content-Type"), body: string(body), at: s.now()})
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default: // a wake-up is already pending
	}
	if reused {
		http.Error(w, "this callback URL was already used; a callback URL must not be reused", http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

func (s *standIn) close() {
	s.srv.Close()
	<-s.done
}
