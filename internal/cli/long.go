package cli

import (
	"embed"
	"strings"
)

// longFS holds the long help of the commands whose text outgrew their Go
// file: prose a reader reads in `webhook-tool CMD --help` (and the man
// page), kept beside the code rather than inside it.
//
//go:embed long/*.txt
var longFS embed.FS

// longHelp is the long help of command name, from long/NAME.txt.
func longHelp(name string) string {
	b, err := longFS.ReadFile("long/" + name + ".txt")
	if err != nil {
		panic("cli: no long help for " + name) // a build defect: the file is embedded
	}
	return strings.TrimRight(string(b), "\n")
}
