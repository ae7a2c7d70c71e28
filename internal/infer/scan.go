package infer

import (
	"bytes"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
)

// AddJSON is Add for JSON text, read in place with sc: no tree is built,
// so a sample costs a fraction of decoding it. Text that is not JSON is an
// error, and adds nothing.
func (in *Inferrer) AddJSON(sc *jsonscan.Scanner, data []byte, sample int64) error {
	sc.Reset(data)
	sc.Skip()
	if err := sc.End(); err != nil {
		return err
	}
	sc.Reset(data)
	in.n++
	in.root.scan(sc, sample, &in.o)
	return sc.End()
}

func (n *node) scan(sc *jsonscan.Scanner, sample int64, o *Options) {
	if n.last != sample+1 {
		n.last = sample + 1
		n.samples++
	}
	switch sc.Peek() {
	case jsonscan.Null:
		sc.Null()
		n.nulls++
	case jsonscan.Bool:
		sc.Bool()
		n.bools++
	case jsonscan.Number:
		if num := sc.Num(); bytes.IndexAny(num, ".eE") < 0 || isWhole(string(num)) {
			n.ints++
		} else {
			n.nums++
		}
	case jsonscan.String:
		n.scanString(sc.Str(), o)
	case jsonscan.Object:
		n.objs++
		sc.Object(func(key []byte) {
			if p := n.member(key, o); p != nil {
				p.n.scan(sc, sample, o)
			} else {
				n.mapped.scan(sc, sample, o)
			}
		})
	case jsonscan.Array:
		n.arrs++
		sc.Array(func() {
			if n.items == nil {
				n.items = &node{}
			}
			n.items.scan(sc, sample, o)
		})
	}
}

// scanString is addString for bytes: the string is made only when a
// format is still possible or the value is new to the enum.
func (n *node) scanString(b []byte, o *Options) {
	if n.strs > 0 && n.formats == 0 && (n.capped || o.EnumMax <= 0) {
		n.strs++
		return
	}
	if n.strs > 0 && n.formats == 0 && n.values != nil {
		if _, ok := n.values[string(b)]; ok {
			n.strs++
			n.values[string(b)]++
			return
		}
	}
	n.addString(string(b), o)
}
