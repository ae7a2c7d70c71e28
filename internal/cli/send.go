package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the send command lands; the file is replaced whole.
func newSendCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:    "send",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return usageError(errors.New("send is not built yet"), "")
		},
	}
}
