package inspect

import "sync"

// Hub fans new rows out to the open event streams. Publishing never waits:
// a stream whose buffer is full is closed, and the page, seeing its stream
// end, reconnects and reloads the list.
type Hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// Subscription is one open stream.
type Subscription struct {
	C      chan Summary
	filter Filter
	hub    *Hub
	once   sync.Once
}

// subBuffer is how many rows a stream may fall behind before it is closed.
const subBuffer = 512

// NewHub returns a Hub with no streams.
func NewHub() *Hub { return &Hub{subs: map[*Subscription]struct{}{}} }

// Subscribe opens a stream of the rows that match f.
func (h *Hub) Subscribe(f Filter) *Subscription {
	s := &Subscription{C: make(chan Summary, subBuffer), filter: f, hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close ends the stream; C is closed.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	s.closeLocked()
	s.hub.mu.Unlock()
}

func (s *Subscription) closeLocked() {
	s.once.Do(func() {
		delete(s.hub.subs, s)
		close(s.C)
	})
}

// active reports whether any stream is open.
func (h *Hub) active() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs) > 0
}

func (h *Hub) publish(rows []Summary) {
	if len(rows) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
subs:
	for s := range h.subs {
		for i := range rows {
			if !s.filter.Match(&rows[i]) {
				continue
			}
			select {
			case s.C <- rows[i]:
			default:
				s.closeLocked()
				continue subs
			}
		}
	}
}
