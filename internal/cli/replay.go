package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the replay command lands; the file is replaced whole.
func newReplayCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "replay",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("replay is not built yet"), "")
		},
	}
}
