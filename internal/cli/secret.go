package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/config"
	"github.com/webhook-tool/webhook-tool/internal/devsecret"
)

// SecretOptions is everything `secret` needs.
type SecretOptions struct {
	Rotate bool
	Output string
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
longer verify, and a listen already running keeps the old one until restarted.`,
		Example: `  webhook-tool secret
  export APP_WEBHOOK_SECRET="$(webhook-tool secret)"
  webhook-tool secret rotate`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return secretRun(app, opts)
		},
	}
	addOutputFlag(cmd, &opts.Output, "text", "text", "json")
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
