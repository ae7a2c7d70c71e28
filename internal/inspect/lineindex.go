package inspect

import "sort"

// lineIndex is a Store's index: for every line, in order, where it is, its seq
// and what is known of it, packed in a slot of 24 bytes. A followed record
// file grows by every delivery all the run long, so the slots are kept in
// chunks of fixed size, allocated as needed: growing copies nothing
// already indexed, and as a slot holds no pointer the garbage collector
// never looks into a chunk.
type lineIndex struct {
	chunks []*chunk
	first  int // where line 0 is in chunks[0]: a ring drops its oldest lines
	n      int
	spare  *chunk // a chunk let go, for the next one needed
}

const chunkLen = 4096

type chunk [chunkLen]slot

// slot is one line of the index.
type slot struct {
	off   int64  // a file's line: where it starts
	seq   int64  // the record's seq
	n     uint32 // a file's line: its length, newline included
	flags uint32
}

// A slot's flags. A line as listen writes it is indexed by its seq alone;
// its summary is read when asked for (Store.read), and what that first
// read found is kept here.
const (
	slotRead     uint32 = 1 << iota // the summary has been read once: counted and linked
	slotOK                          // it is a record
	slotExec                        // an exec run: no row of its own
	slotCallback                    // a callback
)

// kindFlags are the flags of a record of that kind.
func kindFlags(kind string) uint32 {
	switch kind {
	case KindExec:
		return slotExec
	case KindCallback:
		return slotCallback
	}
	return 0
}

func (x *lineIndex) len() int { return x.n }

// at is line i, which stays where it is while the line is indexed.
func (x *lineIndex) at(i int) *slot {
	j := x.first + i
	return &x.chunks[j/chunkLen][j%chunkLen]
}

// push appends e.
func (x *lineIndex) push(e slot) {
	j := x.first + x.n
	if j == len(x.chunks)*chunkLen {
		c := x.spare
		if c == nil {
			c = new(chunk)
		}
		x.spare = nil
		x.chunks = append(x.chunks, c)
	}
	x.chunks[j/chunkLen][j%chunkLen] = e
	x.n++
}

// dropFirst lets go of line 0.
func (x *lineIndex) dropFirst() {
	x.first++
	x.n--
	if x.first == chunkLen || x.n == 0 {
		x.spare = x.chunks[0]
		x.chunks[0] = nil
		x.chunks = x.chunks[1:]
		x.first = 0
	}
	if x.n == 0 {
		x.chunks = nil
	}
}

// cut drops the lines from n on.
func (x *lineIndex) cut(n int) {
	if n >= x.n {
		return
	}
	x.n = n
	keep := (x.first + n + chunkLen - 1) / chunkLen
	clear(x.chunks[keep:])
	x.chunks = x.chunks[:keep]
}

// appendAll appends the lines of y.
func (x *lineIndex) appendAll(y *lineIndex) {
	for i := range y.n {
		x.push(*y.at(i))
	}
}

// search is the first line whose seq is at least seq, in lines whose seqs
// only grow.
func (x *lineIndex) search(seq int64) int {
	return sort.Search(x.n, func(i int) bool { return x.at(i).seq >= seq })
}
