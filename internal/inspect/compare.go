package inspect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// diffAnswer is GET /api/diff?a=SEQ&b=SEQ's answer: the pointers at which
// the two bodies differ, and each body as lines with the changed ones
// marked.
type diffAnswer struct {
	A       int64      `json:"a"`
	B       int64      `json:"b"`
	Changes []change   `json:"changes"`
	Left    []diffLine `json:"left"`
	Right   []diffLine `json:"right"`
	// Note says why a JSON body is compared as bytes.
	Note string `json:"note,omitempty"`
}

// diffNote says why a JSON body is compared as bytes.
const diffNote = "a body too large or too deeply nested to compare member by member is compared as received"

// diffBodies is GET /api/diff: the Diff of two records' bodies, read
// without loss (see jnode). A body that is not JSON is compared as bytes,
// shown as one JSON string, and so is one whose side of the Diff would pass
// answerBound (see diffCost).
func (s *Server) diffBodies(w http.ResponseWriter, r *http.Request) {
	var seqs [2]int64
	var bodies [2][]byte
	for i, name := range []string{"a", "b"} {
		n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
		if err != nil || n < 0 {
			s.fail(w, http.StatusBadRequest, name+" must be a record seq")
			return
		}
		rec, err := s.cfg.Store.Record(n)
		if err == nil {
			bodies[i], err = rec.RawBody()
		}
		switch {
		case errors.Is(err, ErrNotFound):
			s.fail(w, http.StatusNotFound, fmt.Sprintf("no record %d", n))
			return
		case err != nil:
			s.fail(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
		seqs[i] = n
	}
	a, okA := parseJSON(bodies[0])
	b, okB := parseJSON(bodies[1])
	var note string
	if okA && diffCost(a) > answerBound(len(bodies[0])) {
		okA, note = false, diffNote
	}
	if okB && diffCost(b) > answerBound(len(bodies[1])) {
		okB, note = false, diffNote
	}
	var changes []change
	switch {
	case okA && okB:
		changes = diff(a, b, "", nil)
	default:
		if !okA {
			a = textNode(bodies[0])
		}
		if !okB {
			b = textNode(bodies[1])
		}
		if !bytes.Equal(bodies[0], bodies[1]) {
			changes = []change{{Path: "/", Kind: "changed", A: compact(a), B: compact(b)}}
		}
	}
	marked := map[string]bool{}
	for _, c := range changes {
		marked[c.Path] = true
	}
	s.writeJSON(w, http.StatusOK, diffAnswer{A: seqs[0], B: seqs[1], Changes: append([]change{}, changes...),
		Left: lines(a, marked), Right: lines(b, marked), Note: note})
}

// textNode is a body that is not JSON, shown as a JSON string.
func textNode(b []byte) *jnode {
	q, _ := json.Marshal(string(b))
	return &jnode{kind: '"', raw: string(q), str: string(b)}
}

// addPrettyBody adds "body_pretty" to a record's detail when its body is
// JSON: the body indented, every number, key and string as written
// (indentJSON reads no value), for the page's pretty view and Edit and
// send, which would round numbers and drop repeated keys if JavaScript
// parsed the body. A body whose indented form would pass answerBound gets
// "body_pretty_note" instead, and the page shows it as received.
func addPrettyBody(d map[string]json.RawMessage) {
	var body, enc string
	if json.Unmarshal(d["body"], &body) != nil || (d["body_encoding"] != nil && json.Unmarshal(d["body_encoding"], &enc) == nil && enc != "") {
		return
	}
	out, err := indentJSON([]byte(body), answerBound(len(body)))
	switch {
	case errors.Is(err, errTooLarge):
		d["body_pretty_note"], _ = json.Marshal(prettyNote)
	case err == nil:
		d["body_pretty"], _ = json.Marshal(string(out))
	}
}
