package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"maps"
	"sync"
	"sync/atomic"
)

// maxPooledKeys bounds how many keys keep a pool of HMAC states: a
// listener checks with a handful of secrets; a caller that verifies with
// ever new keys gets a fresh state each time rather than a growing table.
const maxPooledKeys = 32

// macPools recycles HMAC-SHA256 states per key. hmac.New hashes the padded
// key into two fresh SHA-256 states and allocates half a dozen objects; a
// listener does that for every delivery with the same secret, so a state
// is kept and Reset instead (Reset restores the keyed state it saved).
//
// The map is replaced, never changed, so the listener's handlers look a
// key up without a lock; mu orders the rare additions.
var macPools struct {
	mu sync.Mutex
	m  atomic.Pointer[map[string]*sync.Pool]
}

// pooledMAC is an HMAC-SHA256 state keyed with one key, the pool it goes
// back to (nil: not pooled), and the buffer the MAC helpers use.
type pooledMAC struct {
	hash.Hash
	pool *sync.Pool
	buf  []byte
}

// getMAC returns an HMAC-SHA256 state keyed with key, ready to write;
// release it when done.
func getMAC(key []byte) *pooledMAC {
	p := lookupPool(key)
	if p == nil {
		return &pooledMAC{Hash: hmac.New(sha256.New, key)}
	}
	return p.Get().(*pooledMAC)
}

// lookupPool is key's pool, made on first use; nil once maxPooledKeys
// keys have pools.
func lookupPool(key []byte) *sync.Pool {
	if m := macPools.m.Load(); m != nil {
		if p := (*m)[string(key)]; p != nil {
			return p
		}
	}
	macPools.mu.Lock()
	defer macPools.mu.Unlock()
	var old map[string]*sync.Pool
	if m := macPools.m.Load(); m != nil {
		old = *m
	}
	if p := old[string(key)]; p != nil || len(old) >= maxPooledKeys {
		return p
	}
	k := string(key)
	p := &sync.Pool{}
	p.New = func() any { return &pooledMAC{Hash: hmac.New(sha256.New, []byte(k)), pool: p} }
	m := maps.Clone(old)
	if m == nil {
		m = map[string]*sync.Pool{}
	}
	m[k] = p
	macPools.m.Store(&m)
	return p
}

// release resets m and returns it to its pool.
func (m *pooledMAC) release() {
	if m.pool == nil {
		return
	}
	m.Reset()
	m.pool.Put(m)
}
