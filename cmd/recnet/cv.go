package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// cvCmd is a placeholder until the command is written.
func cvCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "cv",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("cv: not yet implemented") },
	}
}
