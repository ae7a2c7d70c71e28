package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the fixtures command lands; the file is replaced whole.
func newFixturesCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "fixtures",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("fixtures is not built yet"), "")
		},
	}
}
