// Command webhook-tool validates, sends, receives and answers access-management
// webhooks. All wiring lives in internal/cli.
package main

import (
	"os"

	"github.com/webhook-tool/webhook-tool/internal/cli"
)

func main() { os.Exit(cli.Main()) }
