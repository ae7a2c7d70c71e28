package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// completionShells are the shells `completion` writes a script for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// completionHelp is what each shell's script is and how to load it, in
// place of cobra's own text.
var completionHelp = map[string]struct{ short, long string }{
	"bash": {"Print the bash completion script", `Print the bash completion script. It needs the bash-completion package.

Load it in this shell:
  source <(webhook-tool completion bash)

Load it in every new shell (on macOS, in $(brew --prefix)/etc/bash_completion.d):
  mkdir -p ~/.local/share/bash-completion/completions
  webhook-tool completion bash > ~/.local/share/bash-completion/completions/webhook-tool`},
	"zsh": {"Print the zsh completion script", `Print the zsh completion script.

Load it in this shell:
  source <(webhook-tool completion zsh)

Load it in every new shell: write it to a directory on $fpath as _webhook-tool,
  webhook-tool completion zsh > "${fpath[1]}/_webhook-tool"
and turn completion on in ~/.zshrc if it is not yet: autoload -U compinit; compinit`},
	"fish": {"Print the fish completion script", `Print the fish completion script.

Load it in this shell:
  webhook-tool completion fish | source

Load it in every new shell:
  webhook-tool completion fish > ~/.config/fish/completions/webhook-tool.fish`},
	"powershell": {"Print the PowerShell completion script", `Print the PowerShell completion script.

Load it in this session:
  webhook-tool completion powershell | Out-String | Invoke-Expression

Add that line to your profile ($PROFILE) to load it in every session.`},
}

// ownCompletion makes cobra's completion command webhook-tool's: it speaks
// in this tool's words, and takes exactly one known shell instead of
// printing help for anything else.
func ownCompletion(root *cobra.Command) {
	// Cobra adds `completion` lazily; add it now to change it.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Short = "Print the shell completion script for bash, zsh, fish or PowerShell"
		c.Long = `Print a script that makes your shell complete webhook-tool's commands and
flags, and the names they take: fixtures, schemas, scenarios, schemes and
output formats. ` + "`webhook-tool completion SHELL --help`" + ` says how to load it.`
		const shells = "use one of: bash, zsh, fish, powershell"
		c.ValidArgs = completionShells
		// The shells are subcommands; anything that reaches here is not one.
		c.Args = func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(fmt.Errorf("completion takes one shell name, got %d arguments", len(args)), shells)
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			return usageError(fmt.Errorf("unknown shell %q", args[0]), shells)
		}
		for _, sh := range c.Commands() {
			if h, ok := completionHelp[sh.Name()]; ok {
				sh.Short, sh.Long = h.short, h.long
			}
			if f := sh.Flags().Lookup("no-descriptions"); f != nil {
				f.Usage = "complete names only, without their descriptions"
			}
		}
	}
}
