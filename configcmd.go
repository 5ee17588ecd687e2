package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"lx.dev/lx/internal/config"
)

// configFlag is the global flag naming the configuration file.
const configFlag = "config"

// loadConfig reads the configuration a command runs with: --config FILE,
// else $XDG_CONFIG_HOME/lx/config.yaml (~/.config/lx/config.yaml), else the
// defaults. An invalid file is an error naming the file, line and key.
func loadConfig(cmd *cobra.Command) (config.Config, error) {
	path := ""
	if f := cmd.Flag(configFlag); f != nil {
		path = f.Value.String()
	}
	return config.Find(path)
}

// newConfigCmd is `lx config`; the root holds the global --config flag.
func newConfigCmd() *cobra.Command {
	var showPath bool
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration as YAML",
		Long: `Print the configuration lx runs with, as YAML, after a comment line
naming the file it came from ("defaults" when there is none).

The file is --config FILE, else $XDG_CONFIG_HOME/lx/config.yaml, else
~/.config/lx/config.yaml. Settings it leaves out keep their defaults:

  theme: auto                 # auto, dark or light
  export:
    format: markdown          # markdown, json or html
    dir: .                    # where the export dialog writes
  ci:
    rules:                    # lx ci's default rules, keys as in .lx-ci.yaml
      lowestEfficiency: 0.9
      highestWastedBytes: disabled
      highestUserWastedPercent: 0.1
      highestLayerCount: disabled
  keys:                       # action: [keys], e.g. quit: [q, ctrl+c]
    help: ["?"]

An invalid file stops lx with exit code 2 and one line naming the file,
the line and the key: an unknown setting or action, a key name the
terminal never sends (ctrl+shift+banana), or a key given two actions
(quit: [w] while w shows the waste). The output of lx config is itself a
valid file.`,
		Example: `  lx config
  lx config > ~/.config/lx/config.yaml
  lx --config ./lx.yaml config
  lx config --path`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if showPath {
				p := cmd.Flag(configFlag).Value.String()
				if p == "" {
					p = config.DefaultPath()
				}
				_, err := fmt.Fprintln(cmd.OutOrStdout(), p)
				return err
			}
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			// What the explorer would reject is an error here too.
			if err := c.CheckKeys(explorerKeyMap()); err != nil {
				return err
			}
			return c.Write(cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&showPath, "path", false, "print only the path of the configuration file lx reads (it may not exist)")
	return cmd
}
