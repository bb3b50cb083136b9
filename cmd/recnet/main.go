// Command recnet trains, inspects and uses recommender networks on rating
// tables. Run `recnet help` for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/recnet/recnet/internal/quote"
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

// quoted matches a double-quoted Go string in a message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// longToken matches a run of text without spaces or quotes of more than
// twice quote.Max bytes, less a final ':', ',' or ';': a path or a value
// echoed unquoted.
var longToken = regexp.MustCompile(fmt.Sprintf(`[^\s"]{%d,}[^\s":,;]`, 2*quote.Max))

// shortQuotes is an error whose message quotes at most quote.Max bytes of
// each quoted value (pflag's parse errors, and others, quote a flag's
// value whole), and shows at most quote.Max bytes of a run of text without
// spaces longer than twice that (a path given to --data or --out).
type shortQuotes struct{ error }

func (e shortQuotes) Unwrap() error { return e.error }

func (e shortQuotes) Error() string {
	msg := e.error.Error()
	var b strings.Builder
	last := 0
	for _, loc := range quoted.FindAllStringIndex(msg, -1) {
		b.WriteString(cutTokens(msg[last:loc[0]]))
		b.WriteString(shortQuoted(msg[loc[0]:loc[1]]))
		last = loc[1]
	}
	b.WriteString(cutTokens(msg[last:]))
	return b.String()
}

// cutTokens shortens each long run of text without spaces in msg, which
// holds no quoted string.
func cutTokens(msg string) string {
	return longToken.ReplaceAllStringFunc(msg, func(t string) string {
		q := quote.Short(t)
		return q[1:strings.LastIndexByte(q, '"')] + q[strings.LastIndexByte(q, '"')+1:]
	})
}

// shortQuoted returns the quoted string q, or its value quoted by
// quote.Short when that is longer than quote.Max bytes (a value quoted
// short already, however escaped, is left as it is).
func shortQuoted(q string) string {
	s, err := strconv.Unquote(q)
	if err != nil {
		s = q[1 : len(q)-1]
	}
	if len(s) <= quote.Max {
		return q
	}
	return quote.Short(s)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := rootCmd()
	ran := markRun(root)
	err := root.ExecuteContext(ctx)
	stop()
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "recnet:", shortQuotes{err})
	var in inputError
	if errors.As(err, &in) || !*ran {
		os.Exit(2)
	}
	os.Exit(1)
}

// rootCmd returns the recnet command with every subcommand.
func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "recnet",
		Short:         "Learn user and item embeddings from ratings, predict ratings, recommend courses",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(shortQuotes{err}) })
	// Shell completion is not offered: cobra's completion command would
	// take any argument and exit 0.
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(trainCmd(), blendCmd(), predictCmd(), summaryCmd(), exportCmd(), importCmd(), genCmd(), evalCmd(), cvCmd(), tuneCmd(), recommendCmd(), similarCmd(), serveCmd(), loadCmd(), benchCmd())
	root.SetHelpCommand(helpCmd(root))
	addRenamed(root)
	return root
}

// markRun makes every command under c set *ran when its RunE starts, and
// refuse a renamed flag (refuseRenamed) and a string flag set to ""
// (noEmptyStrings) before it runs; it returns ran. An error before any
// RunE started is one of usage, which cobra reports as a plain error: an
// unknown command or flag, a flag value that does not parse, a wrong
// number of arguments, a required flag not given. It exits with code 2, as
// bad input does.
func markRun(c *cobra.Command) *bool {
	ran := new(bool)
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if run := sub.RunE; run != nil {
				sub.RunE = func(cmd *cobra.Command, args []string) error {
					*ran = true
					if err := firstErr(refuseRenamed(cmd), noEmptyStrings(cmd.Flags())); err != nil {
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
