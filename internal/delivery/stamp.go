package delivery

import (
	"bytes"
	"fmt"
)

// Stamp makes many bodies from one: a load run renders its payload once
// with placeholder values (a sentinel id, a sentinel timestamp) and stamps
// fresh values into a copy for each delivery, instead of decoding and
// encoding the JSON every time.
type Stamp struct {
	body  []byte
	holes []hole // sorted by offset
	sizes []int  // length of each placeholder
}

type hole struct{ off, field int }

// NewStamp finds every occurrence of each placeholder in body. Placeholders
// must not overlap one another's occurrences.
func NewStamp(body []byte, placeholders ...string) (*Stamp, error) {
	s := &Stamp{body: body}
	taken := make([]bool, len(body))
	for f, p := range placeholders {
		if p == "" {
			return nil, fmt.Errorf("placeholder %d is empty", f)
		}
		s.sizes = append(s.sizes, len(p))
		for from := 0; ; {
			i := bytes.Index(body[from:], []byte(p))
			if i < 0 {
				break
			}
			off := from + i
			for j := off; j < off+len(p); j++ {
				if taken[j] {
					return nil, fmt.Errorf("placeholders overlap at byte %d", off)
				}
				taken[j] = true
			}
			s.holes = append(s.holes, hole{off, f})
			from = off + len(p)
		}
	}
	return s, nil
}

// Count reports how many times placeholder i occurs.
func (s *Stamp) Count(i int) int {
	n := 0
	for _, h := range s.holes {
		if h.field == i {
			n++
		}
	}
	return n
}

// Fill returns a new body with values[i] written over every occurrence of
// placeholder i. Each value must have its placeholder's length.
func (s *Stamp) Fill(values ...string) ([]byte, error) {
	return s.AppendFill(make([]byte, 0, len(s.body)), values...)
}

// AppendFill is Fill appending the body to dst, so a caller can reuse one
// buffer for many bodies: AppendFill(buf[:0], ...).
func (s *Stamp) AppendFill(dst []byte, values ...string) ([]byte, error) {
	if len(values) != len(s.sizes) {
		return nil, fmt.Errorf("%d values for %d placeholders", len(values), len(s.sizes))
	}
	for i, v := range values {
		if len(v) != s.sizes[i] {
			return nil, fmt.Errorf("value %d is %d bytes, its placeholder %d", i, len(v), s.sizes[i])
		}
	}
	n := len(dst)
	dst = append(dst, s.body...)
	out := dst[n:]
	for _, h := range s.holes {
		copy(out[h.off:], values[h.field])
	}
	return dst, nil
}
