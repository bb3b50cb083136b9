package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// helpCmd is `recnet help [command]`: cobra's own prints "Unknown help
// topic" and exits 0 for a command that does not exist; this one refuses
// it as bad usage (exit 2).
func helpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(_ *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || (len(args) > 0 && cmd == root) {
				return badInput(fmt.Errorf("help %q: no such command; run recnet help for the list", strings.Join(args, " ")))
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	}
}
