package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// lastSeqChunk is how much LastSeq reads from the end at a time.
const lastSeqChunk = 64 << 10

// LastSeq returns the highest seq among the last records of a record file of
// size bytes, or 0 when it holds none, so that a listener appending to it can
// number on from there instead of starting again at 1.
//
// It reads backwards from the end, a chunk at a time, and stops at the first
// chunk that completes a record line: a file of gigabytes costs a read of its
// tail. Blank lines, lines that are not records (no method, no positive seq,
// not JSON) and a last line cut short by a crash are passed over. Of the
// records in that chunk the highest seq wins, so a file whose numbering
// restarted (as listen did before it continued seq) still gets a fresh one
// after its last run.
func LastSeq(r io.ReaderAt, size int64) (int64, error) {
	var (
		end  = size
		tail []byte // the unscanned start of the line that begins before end
		best int64
	)
	for end > 0 {
		// A line longer than a chunk is read in ever larger pieces, so it
		// costs a few reads, not one per chunk.
		n := min(end, max(lastSeqChunk, int64(len(tail))))
		start := end - n
		buf := make([]byte, n, n+int64(len(tail)))
		if _, err := r.ReadAt(buf, start); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		buf = append(buf, tail...)
		// Only the lines that start inside buf are whole; the first piece
		// may be the end of a longer line, unless buf starts the file.
		whole := 0
		if start > 0 {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				tail, end = buf, start
				continue
			}
			whole = i + 1
		}
		for line := range bytes.SplitSeq(buf[whole:], []byte{'\n'}) {
			if seq, ok := recordSeq(line); ok && seq > best {
				best = seq
			}
		}
		if best > 0 {
			return best, nil
		}
		tail, end = buf[:whole], start
	}
	return best, nil
}

// recordSeq is the seq of a record line, and whether line is a record, as
// Reader judges one: a JSON object with a method.
func recordSeq(line []byte) (int64, bool) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] != '{' {
		return 0, false
	}
	var rec struct {
		Seq    int64  `json:"seq"`
		Method string `json:"method"`
	}
	if json.Unmarshal(line, &rec) != nil || rec.Method == "" || rec.Seq <= 0 {
		return 0, false
	}
	return rec.Seq, true
}
