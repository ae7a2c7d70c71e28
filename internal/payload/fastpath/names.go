package fastpath

import (
	"encoding/binary"
	"math/bits"
)

// nameTable finds a string among a schema's fixed set (the member names an
// object schema lists, the values of an enum) without hashing the whole
// string, as a Go map would for every member of every object: a string's
// slot comes from its length and first four bytes (the parser works that
// out for member names as it reads them), and a full
// comparison confirms the match, for strings of up to 16 bytes as two
// masked words rather than through a call. The multiplier is chosen when
// the schema is compiled so that the set's strings mostly get a slot of
// their own; strings that still share one are chained.
type nameTable struct {
	mult  uint32
	shift uint8
	// slots[h] is 1 + the index of the first entry in slot h, 0 for none.
	slots   []uint8
	entries []nameEntry
}

type nameEntry struct {
	name string
	key  fkey
	// For a name of up to 16 bytes: its bytes as two little-endian words,
	// and masks of the bytes it covers in each.
	w0, w1, m0, m1 uint64
	next           uint8 // 1 + the index of the next entry in the same slot, 0 for none
}

// maxTableNames bounds a table so that its indexes fit a byte; a schema
// with a larger set is left to v5.
const maxTableNames = 255

// nameSlotInput packs what a string's slot depends on: its first four
// bytes (fewer for a shorter string, zero past its end) and its length.
func nameSlotInput[S string | []byte](name S) uint32 {
	var b [4]byte
	copy(b[:], name)
	return binary.LittleEndian.Uint32(b[:]) ^ uint32(len(name))<<24
}

// nameSlotInputAt is nameSlotInput(raw[start:start+n]), with one load.
func nameSlotInputAt(raw []byte, start, n int) uint32 {
	if uint(start+4) > uint(len(raw)) {
		return nameSlotInput(raw[start : start+n])
	}
	return binary.LittleEndian.Uint32(raw[start:start+4])&lowBytes4[min(uint(n), 4)] ^ uint32(n)<<24
}

// lowBytes4 are masks of the low 0 to 4 bytes of a 32-bit word.
var lowBytes4 = [5]uint32{0, 0xff, 0xffff, 0xffffff, 0xffffffff}

// newNameTable builds the table of keys. It tries a number of multipliers
// and keeps the first that gives every name a slot of its own, or else
// the one with the fewest names sharing.
func newNameTable(keys map[string]fkey) *nameTable {
	size := 2
	for size < 2*len(keys) {
		size *= 2
	}
	t := &nameTable{shift: uint8(32 - bits.TrailingZeros(uint(size)))}
	best, bestShared := uint32(0), len(keys)+1
	used := make([]bool, size)
	for try, m := 0, uint32(0x9e3779b1); try < 256 && bestShared > 0; try, m = try+1, m*0x2545f491+0x6b43a9b5 {
		t.mult = m | 1
		clear(used)
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
	t.slots = make([]uint8, size)
	for name, k := range keys {
		h := t.slot(nameSlotInput(name))
		e := nameEntry{name: name, key: k, next: t.slots[h]}
		if len(name) <= 16 {
			var b, m [16]byte
			copy(b[:], name)
			for i := range len(name) {
				m[i] = 0xff
			}
			e.w0, e.w1 = binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[8:])
			e.m0, e.m1 = binary.LittleEndian.Uint64(m[:]), binary.LittleEndian.Uint64(m[8:])
		}
		t.entries = append(t.entries, e)
		t.slots[h] = uint8(len(t.entries))
	}
	return t
}

func (t *nameTable) slot(x uint32) uint32 { return (x * t.mult) >> t.shift }

// lookup returns what the schema says about name, and whether its set has
// name at all.
func (t *nameTable) lookup(name []byte) (fkey, bool) {
	for j := t.slots[t.slot(nameSlotInput(name))]; j != 0; {
		e := &t.entries[j-1]
		if string(name) == e.name {
			return e.key, true
		}
		j = e.next
	}
	return fkey{}, false
}

// isNameSlow reports whether the member name node k is entry e's name,
// for a long name or one near the end of the text, which evalMembers
// does not compare as words.
//
//go:noinline
func isNameSlow(raw []byte, k *jnode, e *nameEntry) bool {
	return string(raw[k.start:k.end]) == e.name
}
