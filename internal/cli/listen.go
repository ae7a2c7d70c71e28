package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the listen command lands; the file is replaced whole.
func newListenCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "listen",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("listen is not built yet"), "")
		},
	}
}
