package render

import "github.com/fatih/color"

// Palette paints strings, or leaves them alone when colour is off.
type Palette struct {
	on                                           bool
	green, red, yellow, cyan, blue, magenta, dim *color.Color
	bold                                         *color.Color
}

// NewPalette returns a palette that paints only when on is true, whatever
// fatih/color's global detection says.
func NewPalette(on bool) *Palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return &Palette{
		on:      on,
		green:   mk(color.FgGreen),
		red:     mk(color.FgRed),
		yellow:  mk(color.FgYellow),
		cyan:    mk(color.FgCyan),
		blue:    mk(color.FgBlue),
		magenta: mk(color.FgMagenta),
		dim:     mk(color.Faint),
		bold:    mk(color.Bold),
	}
}

// Enabled reports whether the palette paints.
func (p *Palette) Enabled() bool { return p.on }

func (p *Palette) Green(s string) string   { return p.green.Sprint(s) }
func (p *Palette) Red(s string) string     { return p.red.Sprint(s) }
func (p *Palette) Yellow(s string) string  { return p.yellow.Sprint(s) }
func (p *Palette) Cyan(s string) string    { return p.cyan.Sprint(s) }
func (p *Palette) Blue(s string) string    { return p.blue.Sprint(s) }
func (p *Palette) Magenta(s string) string { return p.magenta.Sprint(s) }
func (p *Palette) Dim(s string) string     { return p.dim.Sprint(s) }
func (p *Palette) Bold(s string) string    { return p.bold.Sprint(s) }
