// Command recnet trains, inspects and uses recommender networks on rating
// tables. Run `recnet help` for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// inputError marks an error caused by the user's input (a file, a flag, an
// id): the command exits with code 2 for it and for a usage error (see
// markRun), and 1 for any other error, a failure while running.
type inputError struct{ error }

func (e inputError) Unwrap() error { return e.error }

// badInput marks err, if any, as an input error, unless it is that of an
// interruption (the command's context ended: SIGINT, SIGTERM), which exits 1.
func badInput(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return inputError{err}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := &cobra.Command{
		Use:           "recnet",
		Short:         "Learn user and item embeddings from ratings, predict ratings, recommend courses",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	root.AddCommand(trainCmd(), predictCmd(), summaryCmd(), exportCmd(), genCmd(), evalCmd(), cvCmd(), tuneCmd(), recommendCmd(), similarCmd(), serveCmd(), loadCmd(), benchCmd())
	root.SetHelpCommand(helpCmd(root))
	ran := markRun(root)
	err := root.ExecuteContext(ctx)
	stop()
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "recnet:", err)
	var in inputError
	if errors.As(err, &in) || !*ran {
		os.Exit(2)
	}
	os.Exit(1)
}

// markRun makes every command under c set *ran when its RunE starts, and
// refuse a string flag set to "" (noEmptyStrings) before it runs; it
// returns ran. An error before any RunE started is one of usage, which
// cobra reports as a plain error: an unknown command or flag, a flag value
// that does not parse, a wrong number of arguments, a required flag not
// given. It exits with code 2, as bad input does.
func markRun(c *cobra.Command) *bool {
	ran := new(bool)
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if run := sub.RunE; run != nil {
				sub.RunE = func(cmd *cobra.Command, args []string) error {
					*ran = true
					if err := noEmptyStrings(cmd.Flags()); err != nil {
						return err
					}
					return run(cmd, args)
				}
			}
			walk(sub)
		}
	}
	walk(c)
	return ran
}
