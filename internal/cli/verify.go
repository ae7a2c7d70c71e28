package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the verify command lands; the file is replaced whole.
func newVerifyCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "verify",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("verify is not built yet"), "")
		},
	}
}
