package fastpath

import "math/bits"

// nameTable finds what an object schema says about a member name without
// hashing the whole name, as a Go map would for every member of every
// object: a name's slot comes from its length and its first and last
// bytes, and a full comparison confirms the match. The multiplier is
// chosen when the schema is compiled so that the names it lists mostly
// get a slot of their own; names that still share one are all compared.
type nameTable struct {
	mult  uint32
	shift uint8
	// start[h]..start[h+1] are the entries whose slot is h.
	start   []uint8
	entries []nameEntry
}

type nameEntry struct {
	name string
	key  fkey
}

// maxTableNames bounds a table so that its indexes fit a byte; an object
// schema naming more properties than that is left to v5.
const maxTableNames = 255

// nameSlotInput packs what a name's slot depends on.
func nameSlotInput[S string | []byte](name S) uint32 {
	n := len(name)
	if n == 0 {
		return 0
	}
	return uint32(n)&0xff | uint32(name[0])<<8 | uint32(name[n-1])<<16
}

func (t *nameTable) slot(x uint32) uint32 { return (x * t.mult) >> t.shift }

// newNameTable builds the table of keys. It tries a few multipliers and
// keeps the first that gives every name a slot of its own, or else the
// one with the fewest names sharing.
func newNameTable(keys map[string]fkey) *nameTable {
	size := 2
	for size < 2*len(keys) {
		size *= 2
	}
	t := &nameTable{shift: uint8(32 - bits.TrailingZeros(uint(size)))}
	best, bestShared := uint32(0), len(keys)+1
	for try, m := 0, uint32(0x9e3779b1); try < 64 && bestShared > 0; try, m = try+1, m*0x2545f491+0x6b43a9b5 {
		t.mult = m | 1
		used := make([]bool, size)
		shared := 0
		for name := range keys {
			h := t.slot(nameSlotInput(name))
			if used[h] {
				shared++
			}
			used[h] = true
		}
		if shared < bestShared {
			best, bestShared = t.mult, shared
		}
	}
	t.mult = best
	// Counting sort of the entries by slot.
	t.start = make([]uint8, size+1)
	for name := range keys {
		t.start[t.slot(nameSlotInput(name))+1]++
	}
	for h := 1; h <= size; h++ {
		t.start[h] += t.start[h-1]
	}
	t.entries = make([]nameEntry, len(keys))
	fill := append([]uint8(nil), t.start[:size]...)
	for name, k := range keys {
		h := t.slot(nameSlotInput(name))
		t.entries[fill[h]] = nameEntry{name: name, key: k}
		fill[h]++
	}
	return t
}

// lookup returns what the schema says about the member name, and whether
// it names it at all.
func (t *nameTable) lookup(name []byte) (fkey, bool) {
	h := t.slot(nameSlotInput(name))
	for j := t.start[h]; j < t.start[h+1]; j++ {
		e := &t.entries[j]
		if string(name) == e.name {
			return e.key, true
		}
	}
	return fkey{}, false
}
