package inspect

import (
	"errors"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// The fast path of parseLine reads a record line's members in one pass of
// a jsonscan.Scanner, decoding only what a summary needs, the body into a
// buffer it reuses, and skipping the rest without allocating. It takes
// only what it is sure encoding/json reads the same way into a recordLine:
// anything else (a key that is not lower case, a member given twice, a
// value of another type, a number that is not an integer, a string that is
// not UTF-8, text that is not JSON) makes it give up, and parseLine decodes
// the line with encoding/json instead, errors and all. The summary it
// builds mirrors parseLineJSON's; TestParseLineFastMatchesJSON and
// FuzzParseLine hold the two to the same answers.

// fastLine is what the fast path read of a line: a recordLine without its
// body, headers and schema errors, which it keeps as text or counts.
type fastLine struct {
	seq, deliverySeq int64
	receivedAt       time.Time
	method, path     string
	kind, encoding   string
	deliveryID       string
	callbackFor      string
	errText          string
	status           int
	duplicate        bool
	rule             *record.RuleRef

	sig       bool // a signature object
	sigScheme string
	sigKind   string
	sigValid  bool

	schema        bool // a schema object
	schemaName    string
	schemaValid   bool
	schemaErrors  int
	schemaOmitted int
	schemaChecked int8 // -1 false, 0 absent or null, 1 true

	forward       bool // a forward object
	forwardStatus int

	headers bool // a headers object, read into lineParser.hbuf
}

// lineParser is the fast path's state, pooled: its buffers outlive a line.
type lineParser struct {
	sc   jsonscan.Scanner
	body []byte // the body, unescaped
	// hbuf holds the headers' names and values, one after the other;
	// hends where each ends.
	hbuf  []byte
	hends []int
	f     fastLine
	ok    bool // false: give up
	// The members read, by bit: at the top level, in the signature,
	// schema or forward object, and in the signature's diagnosis.
	seen, sub, diag uint32
}

var lineParsers = sync.Pool{New: func() any { return new(lineParser) }}

// maxKept is the longest line whose buffers a pooled parser keeps.
const maxKept = 1 << 20

// errGaveUp is fastParseLine's answer for a line it leaves to
// encoding/json.
var errGaveUp = errors.New("inspect: the fast path gave up")

// parseLine reads the summary of one record line: its fast path, else
// encoding/json.
func parseLine(b []byte, events EventReader) (line, error) {
	l, err := fastParseLine(b, events)
	if err == errGaveUp {
		return parseLineJSON(b, events)
	}
	return l, err
}

// fastParseLine is parseLine's fast path; errGaveUp when it could not
// read the line.
func fastParseLine(b []byte, events EventReader) (line, error) {
	p := lineParsers.Get().(*lineParser)
	defer func() {
		if len(b) > maxKept {
			// Let go of buffers a line this long may have grown.
			p.sc, p.body, p.hbuf = jsonscan.Scanner{}, nil, nil
		}
		p.f = fastLine{}
		p.sc.Reset(nil)
		lineParsers.Put(p)
	}()
	if !p.read(b) {
		return line{}, errGaveUp
	}
	return p.summary(events)
}

// read reads the line b into p.f and p.body, reporting whether it could.
func (p *lineParser) read(b []byte) bool {
	p.f, p.body, p.ok, p.seen = fastLine{}, p.body[:0], true, 0
	p.hbuf, p.hends = p.hbuf[:0], p.hends[:0]
	p.sc.Reset(b)
	if p.sc.Peek() != jsonscan.Object {
		return false
	}
	p.sc.Object(p.member)
	return p.ok && p.sc.End() == nil
}

// summary is the line read; an event is read from the body when f says one is due.
func (p *lineParser) summary(events EventReader) (line, error) {
	l, event, err := p.f.summary()
	if event && len(p.body) > 0 {
		l.Event = events(p.body, p.headerMap())
	}
	return l, err
}

// summary is the summary of the line f holds, both paths' one reading of a
// record line. event reports that the delivery's event is still to be read
// from its body (a delivery whose body is text, not base64).
func (f *fastLine) summary() (l line, event bool, err error) {
	l = line{Summary: Summary{
		Seq: f.seq, ReceivedAt: f.receivedAt, Method: f.method, Path: f.path, Status: f.status,
		DeliveryID: f.deliveryID, Duplicate: f.duplicate, CallbackFor: f.callbackFor, Error: f.errText, Rule: f.rule,
	}}
	switch {
	case f.kind == KindExec:
		l.Kind, l.deliverySeq = KindExec, f.deliverySeq
		return l, false, nil
	case f.method == "":
		return line{}, false, errNotRecord
	case f.kind == record.KindCallback:
		l.Kind = KindCallback
		return l, false, nil
	case f.kind == record.KindDelivery:
		l.Kind = KindDelivery
	default:
		l.Kind = f.kind
	}
	if f.sig {
		l.SignatureScheme = f.sigScheme
		if f.sigKind != record.Unchecked {
			v := f.sigValid
			l.SignatureValid = &v
		}
	}
	if f.schema && f.schemaChecked >= 0 {
		v := f.schemaValid
		l.Schema, l.SchemaValid = f.schemaName, &v
		if !v {
			l.SchemaErrors = f.schemaErrors + f.schemaOmitted
		}
	}
	if f.forward {
		st := f.forwardStatus
		l.ForwardStatus = &st
	}
	return l, f.encoding == "", nil
}

// fail gives up: it stops the scanner, which then reads nothing more.
func (p *lineParser) fail() {
	p.ok = false
	p.sc.Reset(nil)
}

// once marks member bit as read in seen, and gives up when it was already.
func (p *lineParser) once(seen *uint32, bit uint32) bool {
	if *seen&bit != 0 {
		p.fail()
		return false
	}
	*seen |= bit
	return true
}

// other skips a member that is not decoded: encoding/json passes it over
// too, unless its key folds to one it decodes (keys match without regard
// to case), which a key in lower-case ASCII cannot.
func (p *lineParser) other(key []byte) {
	for _, c := range key {
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			p.fail()
			return
		}
	}
	p.sc.Skip()
}

// member reads a top-level member.
func (p *lineParser) member(key []byte) {
	f, seen := &p.f, &p.seen
	switch string(key) {
	case "seq":
		if p.once(seen, 1<<0) {
			f.seq = p.int64()
		}
	case "received_at":
		if p.once(seen, 1<<1) {
			p.time(&f.receivedAt)
		}
	case "method":
		if p.once(seen, 1<<2) {
			f.method = p.str()
		}
	case "path":
		if p.once(seen, 1<<3) {
			f.path = p.str()
		}
	case "body":
		if p.once(seen, 1<<4) {
			p.readBody()
		}
	case "body_encoding":
		if p.once(seen, 1<<5) {
			f.encoding = p.str()
		}
	case "headers":
		if p.once(seen, 1<<6) {
			p.readHeaders()
		}
	case "signature":
		if p.once(seen, 1<<7) && p.object(&f.sig, &p.sub) {
			p.sc.Object(p.signature)
		}
	case "schema":
		if p.once(seen, 1<<8) && p.object(&f.schema, &p.sub) {
			p.sc.Object(p.schemaMember)
		}
	case "status":
		if p.once(seen, 1<<9) {
			f.status = p.int()
		}
	case "kind":
		if p.once(seen, 1<<10) {
			f.kind = p.str()
		}
	case "delivery_id":
		if p.once(seen, 1<<11) {
			f.deliveryID = p.str()
		}
	case "duplicate":
		if p.once(seen, 1<<12) {
			f.duplicate = p.bool()
		}
	case "callback_for":
		if p.once(seen, 1<<13) {
			f.callbackFor = p.str()
		}
	case "rule":
		if p.once(seen, 1<<14) {
			p.readRule()
		}
	case "forward":
		if p.once(seen, 1<<15) && p.object(&f.forward, &p.sub) {
			p.sc.Object(p.forwardMember)
		}
	case "error":
		if p.once(seen, 1<<16) {
			f.errText = p.str()
		}
	case "delivery_seq":
		if p.once(seen, 1<<17) {
			f.deliverySeq = p.int64()
		}
	default:
		p.other(key)
	}
}

// signature reads a member of the signature object (a record.Signature).
func (p *lineParser) signature(key []byte) {
	f := &p.f
	switch string(key) {
	case "scheme":
		if p.once(&p.sub, 1<<0) {
			f.sigScheme = p.str()
		}
	case "valid":
		if p.once(&p.sub, 1<<1) {
			f.sigValid = p.bool()
		}
	case "reason":
		if p.once(&p.sub, 1<<2) {
			p.skipStr()
		}
	case "kind":
		if p.once(&p.sub, 1<<3) {
			f.sigKind = p.str()
		}
	case "diagnosis":
		var diag bool
		if p.once(&p.sub, 1<<4) && p.object(&diag, &p.diag) {
			p.sc.Object(p.diagnosis)
		}
	default:
		p.other(key)
	}
}

// diagnosis reads a member of a signature's diagnosis (a
// signature.Diagnosis): two strings, checked and passed over.
func (p *lineParser) diagnosis(key []byte) {
	switch string(key) {
	case "cause":
		if p.once(&p.diag, 1<<0) {
			p.skipStr()
		}
	case "detail":
		if p.once(&p.diag, 1<<1) {
			p.skipStr()
		}
	default:
		p.other(key)
	}
}

// schemaMember reads a member of the schema object.
func (p *lineParser) schemaMember(key []byte) {
	f := &p.f
	switch string(key) {
	case "name":
		if p.once(&p.sub, 1<<0) {
			f.schemaName = p.str()
		}
	case "valid":
		if p.once(&p.sub, 1<<1) {
			f.schemaValid = p.bool()
		}
	case "errors":
		if p.once(&p.sub, 1<<2) {
			f.schemaErrors = p.count()
		}
	case "errors_omitted":
		if p.once(&p.sub, 1<<3) {
			f.schemaOmitted = p.int()
		}
	case "checked":
		if p.once(&p.sub, 1<<4) {
			p.readChecked()
		}
	default:
		p.other(key)
	}
}

// forwardMember reads a member of the forward object.
func (p *lineParser) forwardMember(key []byte) {
	if string(key) != "status" {
		p.other(key)
		return
	}
	if p.once(&p.sub, 1<<0) {
		p.f.forwardStatus = p.int()
	}
}
