package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newCompletionCmd is `lx completion bash|zsh|fish`: cobra's generated
// scripts, with how to install each in the help.
func newCompletionCmd() *cobra.Command {
	var noDesc bool
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script (bash, zsh or fish)",
		Long: `Print the completion script for a shell on stdout. Install it once:

bash (needs the bash-completion package):
  lx completion bash > ~/.local/share/bash-completion/completions/lx
  # or, for every user:
  lx completion bash | sudo tee /usr/share/bash-completion/completions/lx >/dev/null
  # or just for this shell:
  source <(lx completion bash)

zsh (compinit must be on: autoload -U compinit; compinit in ~/.zshrc):
  mkdir -p ~/.zfunc && lx completion zsh > ~/.zfunc/_lx
  # and in ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath)
  # or just for this shell:
  source <(lx completion zsh)

fish:
  lx completion fish > ~/.config/fish/completions/lx.fish

Start a new shell afterwards.`,
		Example: `  lx completion bash > ~/.local/share/bash-completion/completions/lx
  lx completion zsh > ~/.zfunc/_lx
  lx completion fish > ~/.config/fish/completions/lx.fish`,
		ValidArgs:             []string{"bash", "zsh", "fish"},
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			root, w := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, !noDesc)
			case "zsh":
				if noDesc {
					return root.GenZshCompletionNoDesc(w)
				}
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, !noDesc)
			}
			return fmt.Errorf("unknown shell %q (bash, zsh or fish)", args[0])
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "complete without the descriptions of commands and flags")
	return cmd
}
