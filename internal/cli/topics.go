package cli

import (
	"embed"
	"io"
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

// topicCmds returns one cobra help-topic command (no Run) per file. Only
// each file's summary line is read here, as every run builds the command
// tree: a topic's text is read when its help is shown (loadTopic), which
// keeps some 150 KB of copies out of every start-up.
func topicCmds() []*cobra.Command {
	entries, _ := topicFS.ReadDir("topics")
	cmds := make([]*cobra.Command, 0, len(entries))
	for _, e := range entries {
		if c := topicCmd(strings.TrimSuffix(e.Name(), ".txt")); c != nil {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// topicCmd is the help-topic command of the topic name, nil when there is
// no such topic.
func topicCmd(name string) *cobra.Command {
	short, ok := topicSummary("topics/" + name + ".txt")
	if !ok {
		return nil
	}
	c := &cobra.Command{Use: name, Short: short}
	c.SetHelpFunc(func(c *cobra.Command, args []string) {
		loadTopic(c)
		if p := c.Parent(); p != nil {
			p.HelpFunc()(c, args)
		}
	})
	return c
}

// topicSummary reads the first line of a topic file.
func topicSummary(name string) (string, bool) {
	f, err := topicFS.Open(name)
	if err != nil {
		return "", false
	}
	defer f.Close()
	var buf [256]byte
	n, _ := io.ReadFull(f, buf[:])
	short, _, _ := strings.Cut(string(buf[:n]), "\n")
	return strings.TrimSpace(short), true
}

// loadTopic fills topic c's Long: its summary, a blank line and its text.
func loadTopic(c *cobra.Command) {
	if c.Long != "" {
		return
	}
	b, err := topicFS.ReadFile("topics/" + c.Name() + ".txt")
	if err != nil {
		return
	}
	short, long, _ := strings.Cut(string(b), "\n")
	c.Long = strings.TrimSpace(short) + "\n\n" + strings.Trim(long, "\n")
}

// addTopics adds the help topics to root. A topic named like a command
// (profiles) is that command's long help instead: `webhook-tool help
// profiles` prints it with the command's usage.
func addTopics(root *cobra.Command, topics []*cobra.Command) {
	for _, t := range topics {
		if c, _, err := root.Find([]string{t.Name()}); err == nil && c != root {
			loadTopic(t)
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
			loadTopic(c)
			out = append(out, c)
		}
	}
	return out
}
