package inspect

import (
	"container/heap"
	"unsafe"
)

// summaries holds the summaries of the newest lines read, by absolute
// line number, up to a budget of bytes. A record file may have any number
// of lines, and a client of listen may make a line's strings large: what
// the page reads for a list, a stream or a filter stays within the budget,
// and a summary let go is read again from its line when asked for.
//
// The page reads newest first (its first page, the stream, every filter's
// first rows), so the newest lines are the ones kept: a line older than all
// those kept is not cached once the budget is spent, and a filter working
// its way down an old part of a large file lets none of them go.
type summaries struct {
	m      map[int]*line
	low    lowest // the lines cached: the oldest is let go first
	most   int    // len(low) at most
	bytes  int
	budget int
}

// DefaultSummaryBytes is FileOptions.SummaryBytes's default: some ten
// thousand summaries of deliveries as listen records them.
const DefaultSummaryBytes = 4 << 20

// minSummary is the least a summary costs (line.size).
const minSummary = int(unsafe.Sizeof(line{})) + 64

func newSummaries(budget int) *summaries {
	most := budget/minSummary + 1
	return &summaries{m: make(map[int]*line), low: make(lowest, 0, min(most, 4096)), most: most, budget: budget}
}

func (c *summaries) get(abs int) *line { return c.m[abs] }

func (c *summaries) len() int { return len(c.m) }

// put caches l as the summary of line abs, unless it alone is over the
// budget, or the budget is spent on newer lines.
func (c *summaries) put(abs int, l *line) {
	size := l.size()
	if c.m[abs] != nil || size > c.budget {
		return
	}
	for len(c.low) == c.most || c.bytes+size > c.budget {
		oldest := heap.Pop(&c.low).(int)
		if c.m[oldest] == nil {
			continue // dropped already
		}
		if abs < oldest {
			heap.Push(&c.low, oldest)
			return
		}
		c.drop(oldest)
	}
	c.m[abs] = l
	c.bytes += size
	heap.Push(&c.low, abs)
}

// drop lets go of line abs's summary.
func (c *summaries) drop(abs int) {
	if l := c.m[abs]; l != nil {
		c.bytes -= l.size()
		delete(c.m, abs)
	}
}

// lowest is a min-heap of line numbers (container/heap).
type lowest []int

func (h lowest) Len() int           { return len(h) }
func (h lowest) Less(i, j int) bool { return h[i] < h[j] }
func (h lowest) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *lowest) Push(x any)        { *h = append(*h, x.(int)) }
func (h *lowest) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// size is about how much memory l holds.
func (l *line) size() int {
	n := minSummary // and the map's, the pointers' and the rule's
	for _, s := range [...]string{l.Method, l.Path, l.Kind, l.Schema, l.Event, l.DeliveryID, l.SignatureScheme, l.CallbackFor, l.Error} {
		n += len(s)
	}
	if l.Rule != nil {
		n += len(l.Rule.Name)
	}
	return n
}
