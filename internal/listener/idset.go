package listener

import (
	"crypto/sha256"
	"sync"
)

// Limits on the ids the listener remembers (delivery ids for duplicate
// detection, callback ids for "a callback URL is used once").
const (
	// maxTrackedID is the longest id remembered. Standard Webhooks ids are
	// about 30 bytes and Permission Assist's are GUIDs (36); 256 leaves
	// room for any real sender's scheme. A longer id is still recorded (it
	// is in the headers or body anyway) but never marked seen: only a
	// client inventing ids sends those.
	maxTrackedID = 256

	// seenIDs, unsignedIDs and usedCallbacks are how many ids each set
	// keeps, oldest forgotten first: a redelivery comes minutes after the
	// original, not a hundred thousand deliveries later. At 16 bytes a
	// digest (plus the map's overhead) the three sets stay under 12 MB
	// whatever arrives.
	seenIDs       = 1 << 17
	unsignedIDs   = 1 << 15
	usedCallbacks = 1 << 16
)

// idDigest is what an idSet keeps of an id: a fixed 16 bytes however long
// the id was, so what a client sends costs the set the same either way. A
// truncated SHA-256 is collision-free in practice (2^-64 for a pair), and a
// client cannot aim for a collision with another's id.
type idDigest [16]byte

// digestID returns id's digest, and false when id is empty or longer than
// maxTrackedID and so is not tracked.
func digestID(id string) (idDigest, bool) {
	if id == "" || len(id) > maxTrackedID {
		return idDigest{}, false
	}
	sum := sha256.Sum256([]byte(id))
	return idDigest(sum[:16]), true
}

// idSet remembers the last n digests it was given, so memory stays bounded
// on a listener that runs for days.
//
// Callers add an id when a request that may take it arrives (a delivery
// whose signature holds, a callback), so that two at once with one id are
// one and a duplicate, and remove it again unless the request was accepted
// and recorded (a delivery answered 2xx, a callback answered 200): a
// rejected attempt does not make its retry a duplicate, and an
// unauthenticated client cannot use up the id of a delivery still to come
// (trackID, keepID).
type idSet struct {
	mu   sync.Mutex
	m    map[idDigest]int // digest -> its slot in ring
	ring []idDigest
	used []bool // ring[i] holds a digest
	next int
}

func newIDSet(n int) *idSet {
	return &idSet{m: make(map[idDigest]int), ring: make([]idDigest, n), used: make([]bool, n)}
}

// has reports whether d is in the set.
func (s *idSet) has(d idDigest) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[d]
	return ok
}

// add puts d in the set and reports whether it was already there, in which
// case nothing changes.
func (s *idSet) add(d idDigest) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[d]; ok {
		return true
	}
	if s.used[s.next] {
		if slot, ok := s.m[s.ring[s.next]]; ok && slot == s.next {
			delete(s.m, s.ring[s.next])
		}
	}
	s.ring[s.next], s.used[s.next] = d, true
	s.m[d] = s.next
	s.next = (s.next + 1) % len(s.ring)
	return false
}

// remove takes d out of the set (a reservation whose record could not be
// written).
func (s *idSet) remove(d idDigest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slot, ok := s.m[d]; ok {
		delete(s.m, d)
		s.used[slot] = false
	}
}

// len is how many digests the set holds.
func (s *idSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
