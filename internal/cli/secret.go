package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/config"
	"github.com/webhook-tool/webhook-tool/internal/devsecret"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// SecretOptions is everything `secret` needs.
type SecretOptions struct {
	Rotate  bool
	Ed25519 bool // --ed25519: make a v1a key pair instead
	Output  string
}

func newSecretCmd(app *App, runF func(*SecretOptions) error) *cobra.Command {
	opts := &SecretOptions{}
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "Print the development secret, used to sign and verify when no --secret is given",
		Long: `Print the development secret: a Standard Webhooks secret (whsec_...) generated
on first use and kept in $XDG_CONFIG_HOME/webhook-tool/dev-secret (mode 0600).

Every command that signs or verifies (send, sign, verify, listen, replay) uses it
when no --secret, WEBHOOK_TOOL_SECRET or config-file secret is given, so listen
and send work together with no flags. Paste it into your own app's development
config to verify what send sends. listen without --secret checks signatures
with it and reports the verdict, but answers every delivery; with --secret it
refuses bad signatures (401).

secret rotate replaces it with a new one: deliveries signed with the old one no
longer verify, and a listen already running keeps the old one until restarted.

secret --ed25519 makes a new Ed25519 key pair for Standard Webhooks' asymmetric
(v1a) signatures and prints it, nothing stored: the signing key (whsk_, base64
of the 32-byte seed) on the first line, for the sender's --secret (send, sign,
replay, scenario, probe); the public key (whpk_, base64 of the 32-byte public
key) on the second, for the receiver's --secret (listen, verify). Only the
sender needs the signing key; keep it as secret as a whsec_ secret. This is the
one place webhook-tool prints a whsk_ key.`,
		Example: `  webhook-tool secret
  export APP_WEBHOOK_SECRET="$(webhook-tool secret)"
  webhook-tool secret rotate
  webhook-tool secret --ed25519 > keys.txt      # whsk_... then whpk_...
  webhook-tool send my-delivery.json --secret "$(sed -n 1p keys.txt)"
  webhook-tool listen --secret "$(sed -n 2p keys.txt)"`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return secretRun(app, opts)
		},
	}
	addOutputFlag(cmd, &opts.Output, "text", "text", "json")
	cmd.Flags().BoolVar(&opts.Ed25519, "ed25519", false, "make and print a new Ed25519 key pair for v1a signatures (whsk_ signing key, whpk_ public key)")
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Replace the development secret with a new one and print it",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			opts.Rotate = true
			if runF != nil {
				return runF(opts)
			}
			return secretRun(app, opts)
		},
	}
	addOutputFlag(rotate, &opts.Output, "text", "text", "json")
	cmd.AddCommand(rotate)
	return cmd
}

// secretReport is `secret --output json`.
type secretReport struct {
	Secret  string `json:"secret"`
	Path    string `json:"path"`
	Created bool   `json:"created"`
}

func secretRun(app *App, opts *SecretOptions) error {
	if err := checkOutput(opts.Output, "text", "json"); err != nil {
		return err
	}
	if opts.Ed25519 {
		return keyPairRun(app, opts.Output)
	}
	store, err := devSecretStore(app)
	if err != nil {
		return err
	}
	load := store.Load
	if opts.Rotate {
		load = store.Rotate
	}
	sec, err := load()
	if err != nil {
		return devSecretError(err)
	}
	if opts.Output == "json" {
		return writeJSON(app, secretReport{Secret: sec.Value, Path: sec.Path, Created: sec.Created})
	}
	switch {
	case opts.Rotate:
		app.diag().Printf("wrote a new development secret to %s; what the old one signed no longer verifies (restart a running listen)", sec.Path)
	case sec.Created:
		app.diag().Printf("created the development secret in %s", sec.Path)
	}
	fmt.Fprintln(app.Out, sec.Value)
	return nil
}

// keyPairRun is `secret --ed25519`: a new v1a key pair, the signing key on
// the first line and the public key on the second (JSON: signing_key,
// public_key). It is stored nowhere.
func keyPairRun(app *App, output string) error {
	pair, err := signature.NewKeyPair(nil)
	if err != nil {
		return err
	}
	if output == "json" {
		return writeJSON(app, pair)
	}
	render.NewDiag(app.Err).Printf("a new Ed25519 key pair for v1a signatures, stored nowhere: line 1 is the signing key (whsk_: the sender's --secret; keep it secret), line 2 the public key (whpk_: the receiver's --secret)")
	fmt.Fprintln(app.Out, pair.Signing)
	fmt.Fprintln(app.Out, pair.Public)
	return nil
}

func devSecretStore(app *App) (devsecret.Store, error) {
	dir, err := devsecret.Dir(app.Getenv)
	if err != nil {
		return devsecret.Store{}, usageError(err, "set XDG_CONFIG_HOME or HOME, or pass --secret S")
	}
	return devsecret.Store{Dir: dir}, nil
}

func devSecretError(err error) error {
	return usageError(err, "pass --secret S (or set WEBHOOK_TOOL_SECRET), or run `webhook-tool secret rotate` to write a new development secret")
}

// secretsFor returns the secrets a command signs or verifies with: those
// given (--secret, WEBHOOK_TOOL_SECRET or the config file's secret), else,
// when the command needs one, the development secret, which dev then
// describes. An empty secret is a usage error wherever it came from: it is
// almost always --secret "$VAR" with VAR unset, which would otherwise sign
// or check nothing.
func secretsFor(app *App, given []string, need bool) (secrets []string, dev *devsecret.Secret, err error) {
	for _, s := range given {
		if strings.TrimSpace(s) == "" {
			return nil, nil, emptySecretError(app)
		}
	}
	if len(given) > 0 || !need {
		return given, nil, nil
	}
	store, err := devSecretStore(app)
	if err != nil {
		return nil, nil, err
	}
	sec, err := store.Load()
	if err != nil {
		return nil, nil, devSecretError(err)
	}
	if sec.Created {
		app.diag().Printf("created the development secret in %s; it signs and verifies whenever no --secret is given (`webhook-tool secret` prints it)", sec.Path)
	}
	return []string{sec.Value}, &sec, nil
}

func emptySecretError(app *App) error {
	hint := "the variable behind it is probably unset (--secret \"$SECRET\" with SECRET unset); set it, or leave --secret out to use the development secret"
	if app.Getenv(config.EnvName("secret")) != "" {
		hint += "; " + config.EnvName("secret") + " is set, and is used when --secret is left out"
	}
	return usageError(errors.New("--secret is empty"), hint)
}
