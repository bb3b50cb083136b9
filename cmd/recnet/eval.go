package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// evalCmd is a placeholder until the command is written.
func evalCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "eval",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("eval: not yet implemented") },
	}
}
