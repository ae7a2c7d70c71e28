package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// SignOptions is everything `sign` needs.
type SignOptions struct {
	File      string
	Secrets   []string
	Scheme    string
	ID        string
	Timestamp int64
	Output    string
}

func newSignCmd(app *App, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{}
	cmd := &cobra.Command{
		Use:   "sign FILE|-",
		Short: "Print the signature headers for a body",
		Long: `Print the headers a sender attaches to FILE (or standard input) under a signing
scheme, one "Name: value" line each, ready for curl -H. The body is signed byte for
byte as it is in the file, trailing newline included.

The standard scheme signs a message id and a timestamp: --id defaults to a fresh
GUID and --timestamp to now. With several --secret values the standard and stripe
schemes carry one signature per secret, as during a secret rotation. Under standard
a whsk_ key (secret --ed25519) makes a v1a (Ed25519) signature, a whsec_ secret a
v1 (HMAC) one; given both, the header carries both. A whpk_ public key cannot sign.

sign is the only command that prints a bearer secret: printing it is its job.`,
		Example: `  webhook-tool sign body.json --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  webhook-tool sign body.json --scheme github --secret "$GITHUB_WEBHOOK_SECRET"
  webhook-tool sign body.json --secret "$SECRET" > headers.txt
  curl -H @headers.txt -H 'Content-Type: application/json' --data-binary @body.json http://127.0.0.1:8080/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if cmd.Flags().Changed("timestamp") && opts.Timestamp <= 0 {
				// 0 is the flag's "now"; given explicitly it would mean 1970.
				return usageErrorf("invalid --timestamp %d: give the signing time in Unix seconds, e.g. --timestamp %d", opts.Timestamp, app.Now().Unix())
			}
			if runF != nil {
				return runF(opts)
			}
			return signRun(app, opts)
		},
	}
	stringArrayVar(cmd.Flags(), &opts.Secrets, "secret", "signing `SECRET` (repeatable; for standard whsec_..., or whsk_... for v1a)")
	addSchemeFlag(cmd, &opts.Scheme, "standard", false)
	cmd.Flags().StringVar(&opts.ID, "id", "", "message `ID` for the standard scheme (default: a fresh GUID)")
	cmd.Flags().Int64Var(&opts.Timestamp, "timestamp", 0, "signing time as `UNIX` seconds (default: now)")
	addMaxSizeFlag(cmd, app)
	addOutputFlag(cmd, &opts.Output, "text", "text", "json")
	return cmd
}

func signRun(app *App, opts *SignOptions) error {
	if err := checkOutput(opts.Output, "text", "json"); err != nil {
		return err
	}
	scheme, secrets, err := signingFlags(app, opts.Scheme, opts.Secrets)
	if err != nil {
		return err
	}
	opts.Secrets = secrets
	ts := app.Now()
	switch {
	case opts.Timestamp < 0:
		return usageErrorf("invalid --timestamp %d: give the signing time in Unix seconds, e.g. --timestamp %d", opts.Timestamp, ts.Unix())
	case opts.Timestamp > 0:
		ts = time.Unix(opts.Timestamp, 0)
	}
	id := opts.ID
	if id == "" {
		id = app.newID()
	}
	body, err := readBody(app, opts.File)
	if err != nil {
		return err
	}
	signer, err := signature.NewSigner(scheme, opts.Secrets...)
	if err != nil {
		return usageError(err, "")
	}
	headers, err := signer.Sign(id, ts, body)
	if err != nil {
		return usageError(err, "")
	}
	if opts.Output == "json" {
		obj := map[string]string{}
		for _, h := range headers {
			obj[h.Name] = h.Value
		}
		enc := json.NewEncoder(app.Out)
		enc.SetEscapeHTML(false)
		return enc.Encode(obj)
	}
	for _, h := range headers {
		fmt.Fprintf(app.Out, "%s: %s\n", h.Name, h.Value)
	}
	return nil
}
