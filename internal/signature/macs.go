package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// maxPooledKeys bounds how many keys keep a pool of HMAC states: a
// listener checks with a handful of secrets; a caller that verifies with
// ever new keys gets a fresh state each time rather than a growing table.
const maxPooledKeys = 32

// macPools recycles HMAC-SHA256 states per key. hmac.New hashes the padded
// key into two fresh SHA-256 states and allocates half a dozen objects; a
// listener does that for every delivery with the same secret, so a state
// is kept and Reset instead (Reset restores the keyed state it saved).
var macPools struct {
	mu sync.Mutex
	m  map[string]*sync.Pool
}

// pooledMAC is an HMAC-SHA256 state keyed with one key, and the pool it
// goes back to (nil: not pooled).
type pooledMAC struct {
	hash.Hash
	pool *sync.Pool
}

// getMAC returns an HMAC-SHA256 state keyed with key, ready to write;
// release it when done.
func getMAC(key []byte) *pooledMAC {
	macPools.mu.Lock()
	p := macPools.m[string(key)]
	if p == nil && len(macPools.m) < maxPooledKeys {
		if macPools.m == nil {
			macPools.m = map[string]*sync.Pool{}
		}
		k := string(key)
		p = &sync.Pool{}
		p.New = func() any { return &pooledMAC{Hash: hmac.New(sha256.New, []byte(k)), pool: p} }
		macPools.m[k] = p
	}
	macPools.mu.Unlock()
	if p == nil {
		return &pooledMAC{Hash: hmac.New(sha256.New, key)}
	}
	return p.Get().(*pooledMAC)
}

// release resets m and returns it to its pool.
func (m *pooledMAC) release() {
	if m.pool == nil {
		return
	}
	m.Reset()
	m.pool.Put(m)
}
