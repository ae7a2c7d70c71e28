package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the sign command lands; the file is replaced whole.
func newSignCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "sign",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("sign is not built yet"), "")
		},
	}
}
