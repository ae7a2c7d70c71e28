package cli

import (
	"embed"
	"strings"

	"github.com/spf13/cobra"
)

// topicFS holds the help topics: reference that README links to rather
// than holds, read with `webhook-tool help TOPIC` (as gh's `gh help
// environment`) and shipped as man pages by gendocs. Each file's first line
// is the topic's one-line summary; the rest is its text, as printed.
//
//go:embed topics/*.txt
var topicFS embed.FS

// topicCmds returns one cobra help-topic command (no Run) per file.
func topicCmds() []*cobra.Command {
	entries, _ := topicFS.ReadDir("topics")
	cmds := make([]*cobra.Command, 0, len(entries))
	for _, e := range entries {
		b, err := topicFS.ReadFile("topics/" + e.Name())
		if err != nil {
			continue
		}
		short, long, _ := strings.Cut(string(b), "\n")
		cmds = append(cmds, &cobra.Command{
			Use:   strings.TrimSuffix(e.Name(), ".txt"),
			Short: strings.TrimSpace(short),
			Long:  strings.TrimSpace(short) + "\n\n" + strings.Trim(long, "\n"),
		})
	}
	return cmds
}

// addTopics adds the help topics to root. A topic named like a command
// (profiles) is that command's long help instead: `webhook-tool help
// profiles` prints it with the command's usage.
func addTopics(root *cobra.Command, topics []*cobra.Command) {
	for _, t := range topics {
		if c, _, err := root.Find([]string{t.Name()}); err == nil && c != root {
			c.Long = t.Long
			continue
		}
		root.AddCommand(t)
	}
}

// Topics is the help topics of root, for gendocs.
func Topics(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, c := range root.Commands() {
		if c.IsAdditionalHelpTopicCommand() {
			out = append(out, c)
		}
	}
	return out
}
