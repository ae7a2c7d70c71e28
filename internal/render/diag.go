package render

import (
	"fmt"
	"io"
	"sync"
)

// Prefix starts every line the tool writes to stderr about itself.
const Prefix = "webhook-tool: "

// Diag writes diagnostics (errors, warnings, hints and notes) to stderr, one
// line each, behind Prefix. Domain packages take a *Diag instead of typing
// the prefix themselves, so the output rule lives here. A nil *Diag writes
// nothing. It is safe for concurrent use: each line is one Write.
type Diag struct {
	mu  sync.Mutex
	w   io.Writer
	pal *Palette // paints the warning label; nil: plain
}

// NewDiag returns a Diag writing to w (io.Discard when nil).
func NewDiag(w io.Writer) *Diag {
	if w == nil {
		w = io.Discard
	}
	return &Diag{w: w}
}

// NewColorDiag is NewDiag with the "warning:" label painted yellow by pal,
// as commands show it on a terminal.
func NewColorDiag(w io.Writer, pal *Palette) *Diag {
	d := NewDiag(w)
	d.pal = pal
	return d
}

// Writer is where the lines go.
func (d *Diag) Writer() io.Writer {
	if d == nil {
		return io.Discard
	}
	return d.w
}

// Errorf writes "webhook-tool: error: MSG".
func (d *Diag) Errorf(format string, args ...any) { d.line("error: ", format, args) }

// Warnf writes "webhook-tool: warning: MSG".
func (d *Diag) Warnf(format string, args ...any) { d.line("warning: ", format, args) }

// Hintf writes "webhook-tool: hint: MSG".
func (d *Diag) Hintf(format string, args ...any) { d.line("hint: ", format, args) }

// Printf writes "webhook-tool: MSG": a note, or an error already worded as
// the command's final one-line error.
func (d *Diag) Printf(format string, args ...any) { d.line("", format, args) }

func (d *Diag) line(kind, format string, args []any) {
	if d == nil {
		return
	}
	b := make([]byte, 0, 128)
	b = append(b, Prefix...)
	if kind == "warning: " && d.pal != nil {
		b = append(b, d.pal.Yellow("warning:")...)
		b = append(b, ' ')
	} else {
		b = append(b, kind...)
	}
	b = fmt.Appendf(b, format, args...)
	b = append(b, '\n')
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _ = d.w.Write(b)
}
