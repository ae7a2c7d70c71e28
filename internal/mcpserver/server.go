// Package mcpserver is `webhook-tool mcp`: a Model Context Protocol server
// (the official Go SDK) whose tools let a coding agent that writes a
// webhook handler exercise it: list the bundled fixtures and profiles,
// render a fixture with overrides, send a signed fixture to a URL,
// validate a payload, probe a receiver, and read the deliveries a listen
// recorded.
//
// Every tool's input is a typed struct, from which the SDK derives its JSON
// Schema (the jsonschema tags are the descriptions). A failure is a tool
// error (a result with IsError), never a protocol error, and a panic in a
// tool is recovered and reported as one: the server goes on. Outputs are
// bounded (lists and bodies are cut, and say so), and no output, error
// included, holds a secret: the signing secrets are masked wherever their
// text would appear, as everywhere in the tool.
package mcpserver

import (
	"context"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"io"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// Bounds on what a tool returns.
const (
	// MaxBody is the most of a body (a payload, a response) returned.
	MaxBody = 64 << 10
	// MaxErrors is the most validation errors listed.
	MaxErrors = 50
	// DefaultList and MaxList bound list_deliveries.
	DefaultList = 50
	MaxList     = 200
	// MaxFile is the most read from a payload file.
	MaxFile = 16 << 20
)

// Profile is a family of payloads: its schemas and fixtures.
type Profile struct {
	Name     string   `json:"name" jsonschema:"the profile's name, the prefix of its schema and fixture names"`
	Schemas  []string `json:"schemas" jsonschema:"its schema names"`
	Fixtures []string `json:"fixtures" jsonschema:"its bundled fixture names"`
	Source   string   `json:"source" jsonschema:"where it comes from: bundled, or a file"`
}

// Options configure the server.
type Options struct {
	Name, Version string
	// Secrets are the secrets a tool signs or checks with when its input
	// gives none: the configured secret, else the development secret.
	// Called when first needed; its values are never returned.
	Secrets func() ([]string, error)
	// Registry validates payloads; nil means the bundled schemas.
	Registry *payload.Registry
	// Profiles lists the payload families; nil means the bundled fixture
	// families (the seam for vendor profiles).
	Profiles func() ([]Profile, error)
	// Client sends deliveries and probes; nil means a client like send's.
	Client    *http.Client
	UserAgent string
	Now       func() time.Time
	NewID     func() string
	// Log hears of panics recovered in a tool (with the stack); nil
	// discards them.
	Log io.Writer
}

type server struct {
	opts Options
	reg  *payload.Registry
}

// New returns the server with every tool added.
func New(o Options) (*mcp.Server, error) {
	if o.Name == "" {
		o.Name = "webhook-tool"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = fixture.NewGUID
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Secrets == nil {
		o.Secrets = func() ([]string, error) { return nil, nil }
	}
	s := &server{opts: o, reg: o.Registry}
	if s.reg == nil {
		reg, err := payload.NewRegistry()
		if err != nil {
			return nil, err
		}
		s.reg = reg
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: o.Name, Version: o.Version}, &mcp.ServerOptions{
		Instructions: instructions,
	})
	s.addFixtureTools(srv)
	s.addSendTools(srv)
	s.addDeliveryTools(srv)
	return srv, nil
}

const instructions = `webhook-tool's tools exercise a webhook receiver: list_fixtures and render_fixture show the bundled sample payloads (Permit.io and Permission Assist), send_fixture sends one signed to a URL you give, validate_payload checks a payload against the schemas, probe grades a receiver (signatures, replays, bad JSON, callbacks), and list_deliveries and get_delivery read what a ` + "`webhook-tool listen --record FILE`" + ` received. Secrets are never returned.`

// add registers a tool whose handler is h: a panic in it becomes a tool
// error, and the server goes on.
func add[In, Out any](srv *mcp.Server, s *server, t *mcp.Tool, h func(ctx context.Context, in In) (Out, error)) {
	mcp.AddTool(srv, t, func(ctx context.Context, _ *mcp.CallToolRequest, in In) (res *mcp.CallToolResult, out Out, err error) {
		defer func() {
			if p := recover(); p != nil {
				render.NewDiag(s.opts.Log).Errorf("mcp: tool %s panicked: %v\n%s", t.Name, p, debug.Stack())
				var zero Out
				res, out, err = nil, zero, fmt.Errorf("internal error in %s: %v; the server goes on, and the panic is on its stderr", t.Name, p)
			}
		}()
		out, err = h(ctx, in)
		return nil, out, err
	})
}

// masker masks the secrets of one call in what it returns.
type masker struct{ runs *redact.Runs }

func newMasker(secrets []string) masker { return masker{redact.New(secrets)} }

func (m masker) text(s string) string { return m.runs.Mask(s) }

func (m masker) url(s string) string { return m.runs.MaskURL(s) }

func (m masker) err(err error) error {
	if err == nil || m.runs == nil {
		return err
	}
	return maskedError{m.runs.Mask(err.Error())}
}

type maskedError struct{ text string }

func (e maskedError) Error() string { return e.text }

// cut returns at most MaxBody bytes of s (whole runes) and whether it cut.
func cut(s string) (string, bool) {
	if len(s) <= MaxBody {
		return s, false
	}
	n := MaxBody
	for n > 0 && n < len(s) && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n], true
}
