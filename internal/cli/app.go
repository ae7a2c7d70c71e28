package cli

import (
	"io"
	"net/http"
	"os"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/webhook-tool/webhook-tool/internal/input"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Streams are the process's standard streams and what we know about them.
// Tests build one over buffers; Main builds one over the real files.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	InTTY  bool
	OutTTY bool
	ErrTTY bool
}

// App is what every command receives: streams, environment and the injected
// clock, so commands and their domain calls are testable without processes.
type App struct {
	Streams
	Getenv     func(string) string
	Now        func() time.Time
	NewID      func() string // fresh GUIDs: delivery ids, message ids
	HTTPClient *http.Client

	noColor    bool   // --no-color
	configPath string // --config
	maxSize    string // --max-size, as given
	maxInput   int64  // --max-size parsed: the most read from one input

	// shadowedSecrets are the secrets a --secret flag (or the environment)
	// overrode, for the signature doctor.
	shadowedSecrets []signature.NamedSecret
}

// inputLimit is the most read from one payload file or stream.
func (a *App) inputLimit() int64 {
	if a.maxInput <= 0 {
		return input.DefaultMaxSize
	}
	return a.maxInput
}

// NewApp returns an App over the process's real streams and environment.
func NewApp() *App {
	return &App{
		Streams: Streams{
			In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
			InTTY:  isTerminal(os.Stdin),
			OutTTY: isTerminal(os.Stdout),
			ErrTTY: isTerminal(os.Stderr),
		},
		Getenv:     os.Getenv,
		Now:        time.Now,
		NewID:      fixture.NewGUID,
		HTTPClient: http.DefaultClient,
	}
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// ColorOut reports whether stdout gets colour: only on a terminal, never with
// NO_COLOR set (any value, per no-color.org) or --no-color.
func (a *App) ColorOut() bool { return a.OutTTY && a.colorAllowed() }

// ColorErr is ColorOut for stderr.
func (a *App) ColorErr() bool { return a.ErrTTY && a.colorAllowed() }

func (a *App) colorAllowed() bool {
	if a.noColor {
		return false
	}
	if a.Getenv("NO_COLOR") != "" {
		return false
	}
	return a.Getenv("TERM") != "dumb"
}

// newID is a fresh GUID from the injected generator.
func (a *App) newID() string {
	if a.NewID != nil {
		return a.NewID()
	}
	return fixture.NewGUID()
}
