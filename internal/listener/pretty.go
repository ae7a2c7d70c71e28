package listener

import (
	"bytes"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Body says how much of each delivery's body pretty output shows: render's
// modes, named here for Config.
type Body = render.Body

// The body modes, and the bounds of compact mode (see render).
const (
	BodyCompact  = render.BodyCompact
	BodyFull     = render.BodyFull
	BodyNone     = render.BodyNone
	CompactLines = render.CompactLines
	CompactDepth = render.CompactDepth
)

// BodyModes lists the modes, for --body.
var BodyModes = render.BodyModes

// pretty writes a delivery's block, as render shows it.
func (l *Listener) pretty(b *bytes.Buffer, d *inflight) {
	render.Pretty(b, &d.rec, d.body, render.Checked{JSON: d.isJSON, EventName: d.eventName}, l.viewOptions())
}

// prettyExec writes a run's block, as render shows it.
func (l *Listener) prettyExec(b *bytes.Buffer, e *record.Exec) {
	render.PrettyExec(b, e, l.viewOptions())
}

func (l *Listener) viewOptions() render.ViewOptions {
	return render.ViewOptions{Palette: l.cfg.Palette, Body: l.cfg.Body, ReportOnly: l.cfg.ReportOnly}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
