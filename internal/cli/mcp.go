package cli

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/mcpserver"
)

// MCPOptions is everything `mcp` needs, filled from flags.
type MCPOptions struct {
	Secrets    []string
	SchemaDirs []string
}

func newMCPCmd(app *App, runF func(*MCPOptions) error) *cobra.Command {
	opts := &MCPOptions{}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve webhook-tool's tools to a coding agent: a Model Context Protocol server on stdio",
		Long: `Run a Model Context Protocol (MCP) server on standard input and output, for a
coding agent that writes a webhook handler to exercise it: list the bundled
fixtures and profiles, render a fixture with overrides, send a signed fixture
to a URL the agent gives, validate a payload, probe a receiver, and read the
deliveries a ` + "`listen --record`" + ` file holds (` + "`webhook-tool help mcp-tools`" + ` lists the
tools and their inputs).

An MCP client starts it as a command; in its configuration:

  {"mcpServers": {"webhook-tool": {"command": "webhook-tool", "args": ["mcp"]}}}

Tools sign with the secrets a call gives, else with --secret (or
WEBHOOK_TOOL_SECRET, or the config file's secret), else with the development
secret, as every command does; no tool returns a secret. Anything is sent
only to the URL a call names. Standard output carries the protocol alone;
diagnostics go to standard error. It ends when its input ends, or on Ctrl-C.`,
		Example: `  webhook-tool mcp
  webhook-tool mcp --secret "$WEBHOOK_SECRET"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return mcpRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	stringArrayVar(f, &opts.Secrets, "secret", "sign and check with `SECRET` when a call gives none (repeatable; default: the development secret)")
	stringArrayVar(f, &opts.SchemaDirs, "schema-dir", "add the *.json schemas in `DIR` by file name (repeatable)")
	_ = cmd.MarkFlagDirname("schema-dir")
	return cmd
}

func mcpRun(ctx context.Context, app *App, opts *MCPOptions) error {
	if _, _, err := secretsFor(app, opts.Secrets, false); err != nil {
		return err // an empty --secret
	}
	reg, _, err := openRegistry(nil, opts.SchemaDirs, "")
	if err != nil {
		return err
	}
	srv, err := mcpserver.New(mcpserver.Options{
		Name: "webhook-tool", Version: buildInfo().Version, Registry: reg,
		Secrets: func() ([]string, error) {
			s, _, err := secretsFor(app, opts.Secrets, true)
			return s, err
		},
		UserAgent: userAgent(), Now: app.Now, NewID: app.newID, Log: app.Err,
	})
	if err != nil {
		return failError(err, "")
	}
	err = srv.Run(ctx, &mcp.IOTransport{Reader: stdinCloser(app.In), Writer: nopWriteCloser{app.Out}})
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return failError(err, "")
}

// stdinCloser lets the server close the process's standard input, which
// ends a read blocked on it when the server stops; another reader is only
// read.
func stdinCloser(r io.Reader) io.ReadCloser {
	if f, ok := r.(*os.File); ok {
		return f
	}
	return io.NopCloser(r)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
