package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"

	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
	"github.com/spf13/cobra"
)

func loadCmd() *cobra.Command {
	var (
		path, addr string
		n, c, k    int
		seed       uint64
	)
	cmd := &cobra.Command{
		Use:   "load --model M --addr http://127.0.0.1:8080",
		Short: "Send a bounded number of recommend requests to a local recnet serve and report latency",
		Long: `Load sends --requests GET /v1/recommend requests for users drawn (seeded) from the
model file, from --clients concurrent clients, to a recnet serve on this machine (only
http:// loopback addresses are accepted), and reports throughput, p50/p90/p99/max latency
and the number of errors; the rate and the latencies count only the requests that succeeded, and the
command exits with code 1 when any failed. Each client keeps one keep-alive connection and sends requests
built beforehand, so that the load generator takes little of the CPU it shares with the
server. Where the two share a few cores, their threads take turns on them and that adds
milliseconds to the tail; to see the server's own latency, give each its cores, e.g.
taskset -c 1 recnet serve ... and taskset -c 0 recnet load ... on two cores.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			if err := firstErr(intIn(fs, "requests", n, 1, maxRequests), intIn(fs, "clients", c, 1, maxClients),
				intIn(fs, "k", k, 1, server.MaxK), nonEmpty(fs, "addr", addr), seedSet(fs, seed)); err != nil {
				return err
			}
			m, err := model.LoadContext(cmd.Context(), path)
			if err != nil {
				return badInput(err)
			}
			users := warmUsers(m)
			if len(users) == 0 {
				return badInput(fmt.Errorf("--model %s: no user the model learned (each is cold: it kept no training row of them)", quote.Short(path)))
			}
			rng := rand.New(rand.NewPCG(seed, 1))
			paths := make([]string, 1000)
			for j := range paths {
				u := m.Users.Raw(users[rng.IntN(len(users))])
				paths[j] = fmt.Sprintf("/v1/recommend?user=%s&k=%d", url.QueryEscape(u), k)
			}
			r, err := server.Load(cmd.Context(), addr, paths, n, c)
			if err != nil {
				return badInput(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), r)
			if r.Errors > 0 {
				return fmt.Errorf("load: %d of %d requests failed", r.Errors, r.Requests)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "model", "model.recnet", "the model file the server serves (for user ids)")
	cmd.Flags().StringVar(&addr, "addr", "http://127.0.0.1:8080", "the server's address, that the requests are sent to (loopback only)")
	cmd.Flags().IntVarP(&n, "requests", "n", 20000, fmt.Sprintf("how many requests, 1 to %d", maxRequests))
	cmd.Flags().IntVarP(&c, "clients", "c", 32, fmt.Sprintf("concurrent clients, 1 to %d", maxClients))
	cmd.Flags().IntVarP(&k, "k", "k", 10, fmt.Sprintf("length of the recommendation list each request asks for, 1 to %d (the server's limit)", server.MaxK))
	cmd.Flags().Uint64Var(&seed, "seed", 42, "seed of the user draw"+seedRule)
	return cmd
}

// warmUsers returns the inner ids of the users m can recommend to: every
// user, but those it keeps no seen item of when it keeps them (a user
// only in the test part is cold, and the server answers 422 for it).
func warmUsers(m *model.Model) []int32 {
	var out []int32
	for u := range int32(m.Users.Len()) {
		if !m.HasSeen() || m.SeenCount(u) > 0 {
			out = append(out, u)
		}
	}
	return out
}
