package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the callback command lands; the file is replaced whole.
func newCallbackCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "callback",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("callback is not built yet"), "")
		},
	}
}
