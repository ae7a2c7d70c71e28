package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at release time with -ldflags "-X .../internal/cli.version=...".
var (
	version = ""
	commit  = ""
	date    = ""
)

// BuildInfo is what `webhook-tool version` reports.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date,omitempty"`
	GoVersion string `json:"go"`
}

// CurrentBuildInfo is what `webhook-tool version` reports, for the
// release's documentation generator.
func CurrentBuildInfo() BuildInfo { return buildInfo() }

// buildInfo prefers the ldflags values and falls back to what the Go
// toolchain recorded (module version, VCS revision) for `go install` builds.
func buildInfo() BuildInfo {
	bi := BuildInfo{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		if bi.Version == "" && info.Main.Version != "" {
			bi.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if bi.Commit == "" {
					bi.Commit = s.Value
				}
			case "vcs.time":
				if bi.Date == "" {
					bi.Date = s.Value
				}
			}
		}
	}
	if bi.Version == "" {
		bi.Version = "(devel)"
	}
	if bi.Commit == "" {
		bi.Commit = "unknown"
	}
	return bi
}

func newVersionCmd(app *App) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			bi := buildInfo()
			if output == "json" {
				return json.NewEncoder(app.Out).Encode(bi)
			}
			fmt.Fprintf(app.Out, "webhook-tool %s\ncommit: %s\n", bi.Version, bi.Commit)
			if bi.Date != "" {
				fmt.Fprintf(app.Out, "built: %s\n", bi.Date)
			}
			fmt.Fprintf(app.Out, "go: %s\n", bi.GoVersion)
			return nil
		},
	}
	addOutputFlag(cmd, &output, "text", "text", "json")
	return cmd
}
