package listener

import (
	"bytes"
	"sync"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// linePool recycles record-line buffers: at thousands of deliveries a
// second, a fresh 7 KB line each is garbage the collector must chase.
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// prettyPool recycles the buffers deliveries are rendered into for pretty
// output.
var prettyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// record is the record stage: it writes d's record line, answered status,
// before the answer is sent. It reports whether the line was written;
// when it was not, it has said so loudly on stderr, and the caller answers
// 500 so the sender retries. A delivery outside --events is recorded, but
// not mirrored to JSON output. A record written is given to
// Config.Observe (--expect).
func (l *Listener) record(d *inflight, status int) bool {
	d.rec.Status = status
	bp := linePool.Get().(*[]byte)
	line, err := record.Marshal((*bp)[:0], &d.rec)
	if err == nil && d.filtered {
		d.rec.Seq, err = l.cfg.Records.AppendHidden(line)
	} else if err == nil {
		d.rec.Seq, err = l.cfg.Records.Append(line)
	}
	if cap(line) <= 256<<10 { // Append is done with it; keep only modest buffers
		*bp = line[:0]
		linePool.Put(bp)
	}
	if err != nil {
		l.n.recFail.Add(1)
		what := "delivery"
		if d.rec.Kind == record.KindCallback {
			what = "callback"
		}
		l.log.printf("record", (*render.Diag).Errorf, "%s %s %s NOT RECORDED, answered 500: %s", what, render.Escape(d.rec.Method), render.Escape(d.rec.Path), render.Escape(err.Error()))
		return false
	}
	if l.cfg.Observe != nil {
		l.observe(d)
	}
	return true
}

// observe gives Config.Observe a copy of d's record: the inflight stays
// on the handler's stack, as Observe's argument, a function's, would not.
func (l *Listener) observe(d *inflight) {
	rec := d.rec
	l.cfg.Observe(&rec, d.event())
}

// print is the print tap: with pretty output it shows a recorded request's
// block before it is answered (written, or queued for stdout under Run:
// outBatcher); not one outside --events. (JSON output is the record
// writer's Mirror.)
func (l *Listener) print(d *inflight) {
	if l.cfg.Output != Pretty || d.filtered {
		return
	}
	b := prettyPool.Get().(*bytes.Buffer)
	b.Reset()
	l.pretty(b, d)
	l.out.write(b.Bytes())
	if b.Cap() <= 256<<10 {
		prettyPool.Put(b)
	}
}
