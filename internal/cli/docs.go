package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the docs command lands; the file is replaced whole.
func newDocsCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "docs",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("docs is not built yet"), "")
		},
	}
}
