package hookexec

import "bytes"

// capture keeps the first limit bytes written to it and counts the rest
// away: a command that prints without end never fills memory, and is never
// blocked on a full pipe either.
type capture struct {
	limit     int
	buf       []byte
	truncated bool
}

func (c *capture) Write(p []byte) (int, error) {
	if room := c.limit - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(room, len(p))]...)
		if len(p) > room {
			c.truncated = true
		}
	} else if len(p) > 0 {
		c.truncated = true
	}
	return len(p), nil
}

// maxStderrLine is the longest piece of a standard-error line passed on at
// once: a line without end is passed on in pieces of this size.
const maxStderrLine = 4 << 10

// lineWriter passes what a command writes on standard error on as lines, as
// they are written, and keeps an excerpt. exec.Cmd writes to it from one
// goroutine.
type lineWriter struct {
	emit    func([]byte) // nil: lines are only kept in the excerpt
	partial []byte
	excerpt capture
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	_, _ = w.excerpt.Write(p)
	if w.emit == nil {
		return n, nil
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.partial = append(w.partial, p...)
			for len(w.partial) >= maxStderrLine {
				w.emit(w.partial[:maxStderrLine])
				w.partial = append(w.partial[:0], w.partial[maxStderrLine:]...)
			}
			break
		}
		line := p[:i]
		if len(w.partial) > 0 {
			line = append(w.partial, line...)
			w.partial = w.partial[:0]
		}
		for len(line) > maxStderrLine {
			w.emit(line[:maxStderrLine])
			line = line[maxStderrLine:]
		}
		w.emit(bytes.TrimSuffix(line, []byte{'\r'}))
		p = p[i+1:]
	}
	return n, nil
}

// flush passes on a last line that had no newline.
func (w *lineWriter) flush() {
	if w.emit != nil && len(w.partial) > 0 {
		w.emit(w.partial)
		w.partial = nil
	}
}
