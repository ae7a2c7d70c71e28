package fastpath

// caseSwitch stands for an allOf whose every entry is an if/then that
// tests one and the same member of an object for a different string, the
// way the bundled Permission Assist schema ties event.display and
// event.description to event.name: eight ifs, each of which would look
// through the object's members again and compare the string. The switch
// finds the member once, looks its string up among the cases, and
// applies that case's then.
type caseSwitch struct {
	member string
	cases  *nameTable // the strings; each key's req is its index in thens
	thens  []*Schema
}

// newCaseSwitch returns the switch the allOf list amounts to, or nil when
// any entry has another shape: anything but an if of exactly
// {"properties": {m: {"const": string}}, "required": [m]} and a then.
func newCaseSwitch(list []*Schema) *caseSwitch {
	c := &caseSwitch{}
	consts := map[string]fkey{}
	for i, sub := range list {
		sub = bypassRefs(sub)
		if sub == nil || sub.kw != kwIf || sub.elseS != nil {
			return nil
		}
		ifS := bypassRefs(sub.ifS)
		if ifS.kw != kwNames || len(ifS.names.entries) != 1 || ifS.reqMask != 1 {
			return nil
		}
		e := ifS.names.entries[0]
		test := bypassRefs(e.key.s)
		if e.key.req != 0 || test == nil || test.kw != kwString || test.constant == nil ||
			test.hasEnum || test.guid || test.pattern != nil {
			return nil
		}
		if _, dup := consts[*test.constant]; dup || (i > 0 && e.name != c.member) {
			return nil
		}
		c.member = e.name
		consts[*test.constant] = fkey{req: len(c.thens)}
		c.thens = append(c.thens, bypassRefs(sub.thenS))
	}
	if len(c.thens) < 2 || len(consts) > maxTableNames {
		return nil
	}
	c.cases = newNameTable(consts)
	return c
}

// eval applies the switch to the object at idx. ok is false when it
// cannot tell which case holds (an escaped string), and then the allOf
// is evaluated entry by entry.
//
// Each if fails unless the member is there and is the case's string: a
// value of another type fails "const" (v5's equality needs the same JSON
// type). Then only the matching case's then applies, and none when no
// case matches.
func (c *caseSwitch) eval(d *Doc, idx int) (v verdict, ok bool) {
	nodes, raw := d.nodes, d.raw
	end := int(nodes[idx].next)
	for i := idx + 1; i < end; i = int(nodes[i+1].next) {
		if string(raw[nodes[i].start:nodes[i].end]) != c.member {
			continue
		}
		n := &nodes[i+1]
		if n.kind() != kString {
			return vPass, true
		}
		if n.flags()&fEscaped != 0 {
			return vUnsure, false
		}
		k, found := c.cases.lookup(raw[n.start:n.end])
		if !found || c.thens[k.req] == nil {
			return vPass, true
		}
		return c.thens[k.req].eval(d, idx), true
	}
	return vPass, true
}
