package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// tuneCmd is a placeholder until the command is written.
func tuneCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "tune",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("tune: not yet implemented") },
	}
}
