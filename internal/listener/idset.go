package listener

import "sync"

// idSet remembers the last n ids it was given, so memory stays bounded on a
// listener that runs for days: a redelivery comes minutes after the
// original, not millions of deliveries later.
type idSet struct {
	mu   sync.Mutex
	m    map[string]int // id -> its place in ring
	ring []string
	next int
}

func newIDSet(n int) *idSet {
	return &idSet{m: make(map[string]int), ring: make([]string, n)}
}

// add records id and reports whether it was already there.
func (s *idSet) add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[id]; ok {
		return true
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.m, old)
	}
	s.ring[s.next] = id
	s.m[id] = s.next
	s.next = (s.next + 1) % len(s.ring)
	return false
}

// remove forgets id, so that it is new again.
func (s *idSet) remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.m[id]; ok {
		delete(s.m, id)
		s.ring[i] = ""
	}
}
