package infer

import (
	"encoding/json"
	"math/big"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// node is what is known of the values seen at one place in the samples:
// counts per JSON type, and per type what the schema needs. Its size
// depends on the shape of the payloads (how many distinct property names,
// how deep), never on how many were seen: counts are counters, strings keep
// at most Options.EnumMax distinct values, and an object with more than
// Options.MaxProperties distinct keys is taken for a map.
type node struct {
	// samples counts the samples that had a value here; last is the index
	// (+1) of the last one counted, so one sample's array elements count
	// once.
	samples, last int64

	nulls, bools, ints, nums, strs, objs, arrs int64

	formats uint8            // the formats every string so far matches (strs > 0)
	values  map[string]int64 // distinct strings and their counts; nil once past the limit
	capped  bool             // more distinct strings (or longer ones) than an enum takes

	props  map[string]*prop // by name
	mapped *node            // non-nil: the object is a map, every value merged here

	items *node // array elements (nil until one is seen)
}

// prop is one property of the objects seen at a node.
type prop struct {
	present int64 // how many of those objects carried it
	lastObj int64 // the node's object count when last counted present
	n       *node
}

// The formats inferred, in the order they are preferred; every one is
// checked with the validator's own function, so an inferred format never
// rejects a value it was inferred from.
var formatNames = []string{"date-time", "date", "uuid", "email", "uri"}

const allFormats = 1<<5 - 1

// maxEnumValue is the longest string an enum keeps: longer strings are
// text, not values from a list.
const maxEnumValue = 200

func (n *node) add(v any, sample int64, o *Options) {
	if n.last != sample+1 {
		n.last = sample + 1
		n.samples++
	}
	switch x := v.(type) {
	case nil:
		n.nulls++
	case bool:
		n.bools++
	case json.Number:
		if isWhole(string(x)) {
			n.ints++
		} else {
			n.nums++
		}
	case float64:
		if x == float64(int64(x)) {
			n.ints++
		} else {
			n.nums++
		}
	case string:
		n.addString(x, o)
	case map[string]any:
		n.objs++
		n.addObject(x, sample, o)
	case []any:
		n.arrs++
		for _, e := range x {
			if n.items == nil {
				n.items = &node{}
			}
			n.items.add(e, sample, o)
		}
	}
}

// isWhole reports whether a JSON number has no fractional part, as the
// validator decides "integer": 1, 1.0 and 1e3 are whole, 1.5 is not.
func isWhole(s string) bool {
	if !strings.ContainsAny(s, ".eE") {
		return true
	}
	r, ok := new(big.Rat).SetString(s)
	return ok && r.IsInt()
}

func (n *node) addString(s string, o *Options) {
	if n.strs == 0 {
		n.formats = allFormats
	}
	n.strs++
	if n.formats != 0 {
		for i, name := range formatNames {
			if n.formats&(1<<i) != 0 && !matchesFormat(name, s) {
				n.formats &^= 1 << i
			}
		}
	}
	if n.capped || o.EnumMax <= 0 {
		n.capped = true
		return
	}
	if len(s) > maxEnumValue {
		n.values, n.capped = nil, true
		return
	}
	if n.values == nil {
		n.values = map[string]int64{}
	}
	if _, ok := n.values[s]; !ok && len(n.values) >= o.EnumMax {
		n.values, n.capped = nil, true
		return
	}
	n.values[s]++
}

func matchesFormat(name, s string) bool {
	if name == "uri" && !strings.Contains(s, "://") {
		// "Note:x" parses as an absolute URI with scheme "Note"; only
		// values that look like links make a field a uri.
		return false
	}
	return jsonschema.Formats[name](s)
}

func (n *node) addObject(m map[string]any, sample int64, o *Options) {
	for k, v := range m {
		if p := n.member([]byte(k), o); p != nil {
			p.n.add(v, sample, o)
		} else {
			n.mapped.add(v, sample, o)
		}
	}
}

// member is the property key of the object being read at n, counted
// present once per object; nil when n is (or just became) a map, whose
// values go to n.mapped.
func (n *node) member(key []byte, o *Options) *prop {
	if n.mapped != nil {
		return nil
	}
	if n.props == nil {
		n.props = map[string]*prop{}
	}
	p := n.props[string(key)]
	if p == nil {
		if len(n.props) >= o.maxProperties() {
			n.toMap()
			return nil
		}
		p = &prop{n: &node{}}
		n.props[string(key)] = p
	}
	if p.lastObj != n.objs { // a repeated key counts once
		p.lastObj = n.objs
		p.present++
	}
	return p
}

// toMap turns an object with too many distinct keys to be a record into a
// map: its properties' values become one node, the schema of every value.
func (n *node) toMap() {
	n.mapped = &node{}
	for _, p := range n.props {
		n.mapped.merge(p.n)
	}
	n.props = nil
}

// merge adds what o knows to n; o is not used again.
func (n *node) merge(o *node) {
	n.samples += o.samples
	n.nulls += o.nulls
	n.bools += o.bools
	n.ints += o.ints
	n.nums += o.nums
	n.objs += o.objs
	n.arrs += o.arrs
	n.mergeStrings(o)
	n.mergeObjects(o)
	if o.items != nil {
		if n.items == nil {
			n.items = &node{}
		}
		n.items.merge(o.items)
	}
}

func (n *node) mergeStrings(o *node) {
	if o.strs == 0 {
		return
	}
	if n.strs == 0 {
		n.formats, n.values, n.capped = o.formats, o.values, o.capped
		n.strs = o.strs
		return
	}
	n.strs += o.strs
	n.formats &= o.formats
	if n.capped || o.capped {
		n.values, n.capped = nil, true
		return
	}
	n.mergeValues(o.values)
}

// mergeValues adds counted values; capTo enforces the limit once the
// whole tree is merged.
func (n *node) mergeValues(vals map[string]int64) {
	if n.values == nil {
		n.values = map[string]int64{}
	}
	for k, c := range vals {
		n.values[k] += c
	}
}

func (n *node) mergeObjects(o *node) {
	if o.objs == 0 {
		return
	}
	switch {
	case n.mapped != nil && o.mapped != nil:
		n.mapped.merge(o.mapped)
		return
	case n.mapped != nil:
		for _, p := range o.props {
			n.mapped.merge(p.n)
		}
		return
	case o.mapped != nil:
		n.toMap()
		n.mapped.merge(o.mapped)
		return
	}
	if n.props == nil {
		n.props = map[string]*prop{}
	}
	for k, p := range o.props {
		if q := n.props[k]; q != nil {
			q.present += p.present
			q.n.merge(p.n)
		} else {
			n.props[k] = p
		}
	}
}

// capTo enforces the limits after a merge: at most max distinct strings,
// at most maxProps properties, all the way down.
func (n *node) capTo(o *Options) {
	if n.values != nil && len(n.values) > o.EnumMax {
		n.values, n.capped = nil, true
	}
	if n.props != nil && len(n.props) > o.maxProperties() {
		n.toMap()
	}
	for _, p := range n.props {
		p.n.capTo(o)
	}
	if n.mapped != nil {
		n.mapped.capTo(o)
	}
	if n.items != nil {
		n.items.capTo(o)
	}
}
