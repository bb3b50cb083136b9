package train

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
)

// TestNMFUpdateByHand checks one epoch on one rating against values worked
// out by hand from Surprise's update: with p = 0.5, q = 0.8, r = 0.6,
// reg = 0.1 and one rating each, r̂ = 0.4 and
//
//	p' = p · q r / (q r̂ + 1·reg·p) = 0.5 · 0.48 / 0.37
//	q' = q · p r / (p r̂ + 1·reg·q) = 0.8 · 0.30 / 0.28
//
// both from the factors at the start of the epoch.
func TestNMFUpdateByHand(t *testing.T) {
	net := &model.NMF{Users: 1, Items: 1, Dim: 1, UserEmb: []float32{0.5}, ItemEmb: []float32{0.8}}
	train := dataset.Ratings{User: []int32{0}, Item: []int32{0}, Value: []float32{0.6}}
	k := newNMFKernel(net, model.Config{Settings: model.Settings{L2: 0.1}}, train)
	sse, err := k.epoch(train.User, train.Item, train.Value, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.store()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"sse", sse, 0.04},
		{"p", float64(net.UserEmb[0]), 0.5 * 0.48 / 0.37},
		{"q", float64(net.ItemEmb[0]), 0.8 * 0.30 / 0.28},
	} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("%s = %.7f, want %.7f", c.name, c.got, c.want)
		}
	}
}

// TestNMFEpochMatchesReference compares epochs of the kernel on a few
// ratings with a float64 transcription of Surprise's NMF epoch.
func TestNMFEpochMatchesReference(t *testing.T) {
	const reg = 0.06
	net := model.NewNMF(3, 3, model.Config{Kind: "nmf", Training: model.Training{Seed: 9}, Settings: model.Settings{Dim: 2}})
	train := dataset.Ratings{
		User:  []int32{0, 0, 1, 1, 2, 2, 0},
		Item:  []int32{0, 1, 1, 2, 0, 2, 2},
		Value: []float32{1, 0.5, 0, 0.75, 0.25, 1, 0.5},
	}
	d := net.Dim
	p, q := make([]float64, len(net.UserEmb)), make([]float64, len(net.ItemEmb))
	for j, v := range net.UserEmb {
		p[j] = float64(v)
	}
	for j, v := range net.ItemEmb {
		q[j] = float64(v)
	}
	k := newNMFKernel(net, model.Config{Settings: model.Settings{L2: reg}}, train)
	for range 4 {
		if _, err := k.epoch(train.User, train.Item, train.Value, 2, nil); err != nil {
			t.Fatal(err)
		}
		un, ud := make([]float64, len(p)), make([]float64, len(p))
		in, id := make([]float64, len(q)), make([]float64, len(q))
		nu, ni := make([]float64, 3), make([]float64, 3)
		for r, u := range train.User {
			i, v := train.Item[r], float64(train.Value[r])
			est := 0.0
			for f := range d {
				est += p[int(u)*d+f] * q[int(i)*d+f]
			}
			for f := range d {
				un[int(u)*d+f] += q[int(i)*d+f] * v
				ud[int(u)*d+f] += q[int(i)*d+f] * est
				in[int(i)*d+f] += p[int(u)*d+f] * v
				id[int(i)*d+f] += p[int(u)*d+f] * est
			}
			nu[u]++
			ni[i]++
		}
		for j := range p {
			p[j] *= un[j] / (ud[j] + nu[j/d]*reg*p[j])
		}
		for j := range q {
			q[j] *= in[j] / (id[j] + ni[j/d]*reg*q[j])
		}
	}
	k.store()
	for j := range p {
		if math.Abs(float64(net.UserEmb[j])-p[j]) > 1e-5 {
			t.Errorf("user factor %d = %.7f, want %.7f", j, net.UserEmb[j], p[j])
		}
	}
	for j := range q {
		if math.Abs(float64(net.ItemEmb[j])-q[j]) > 1e-5 {
			t.Errorf("item factor %d = %.7f, want %.7f", j, net.ItemEmb[j], q[j])
		}
	}
}

// nonNegativeSplit makes ratings r = <p_u, q_i> + N(0, 0.05²) with rank-3
// factors drawn uniformly from [0, 1): data that non-negative factors can
// fit. Each user rates 30 of 60 items.
func nonNegativeSplit(t testing.TB) *dataset.Split {
	t.Helper()
	const users, items, rank, per = 300, 60, 3, 30
	rng := rand.New(rand.NewPCG(11, 12))
	draw := func(n int) []float64 {
		x := make([]float64, n)
		for k := range x {
			x[k] = rng.Float64()
		}
		return x
	}
	p, q := draw(users*rank), draw(items*rank)
	var r dataset.Ratings
	for u := range users {
		for _, i := range rng.Perm(items)[:per] {
			v := 0.05 * rng.NormFloat64()
			for f := range rank {
				v += p[u*rank+f] * q[i*rank+f]
			}
			r.Append(int32(u), int32(i), float32(v))
		}
	}
	ids := func(prefix string, n int) []string {
		out := make([]string, n)
		for k := range out {
			out[k] = prefix + strconv.Itoa(k)
		}
		return out
	}
	d := &dataset.Dataset{Name: "nonneg", Users: dataset.NewIDMap(ids("u", users)), Items: dataset.NewIDMap(ids("i", items)), Ratings: r}
	s, err := dataset.SplitRandom(d, dataset.Fractions{}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNMFNonNegativeLowRank trains nmf with its defaults on non-negative
// low-rank data: every factor must stay non-negative, the model must beat
// the bias baseline and the global mean by far, and the model file must
// keep its predictions.
func TestNMFNonNegativeLowRank(t *testing.T) {
	s := nonNegativeSplit(t)
	m, err := Fit(context.Background(), s, model.Config{Kind: "nmf"})
	if err != nil {
		t.Fatal(err)
	}
	net := m.Net.(*model.NMF)
	for _, p := range net.Params() {
		if k := slices.IndexFunc(p.Data, func(v float32) bool { return !(v >= 0) }); k >= 0 {
			t.Fatalf("%s[%d] = %v is negative", p.Name, k, p.Data[k])
		}
	}
	got := m.Test(s.Test).RMSE
	mean, bias := model.Baselines(m, s)
	mt, bt := mean.Test(s.Test).RMSE, bias.Test(s.Test).RMSE
	t.Logf("nmf test RMSE %.4f, global mean %.4f, bias baseline %.4f, best epoch %d of %d", got, mt, bt, m.BestEpoch, len(m.History))
	if got > 0.75*mt || got >= bt {
		t.Errorf("test RMSE %.4f is not 25%% below the global mean's %.4f and below the bias baseline's %.4f", got, mt, bt)
	}
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	r, err := model.Read(&b, "mem")
	if err != nil {
		t.Fatal(err)
	}
	for k := range s.Test.Len() {
		u, i := s.Test.User[k], s.Test.Item[k]
		if a, b := m.PredictInner(u, i), r.PredictInner(u, i); a != b {
			t.Fatalf("row %d: %v before writing, %v after reading", k, a, b)
		}
	}
}

// TestNMFColdUser checks that a user without training rows takes the mean
// of the other users' factors.
func TestNMFColdUser(t *testing.T) {
	base := nonNegativeSplit(t)
	s := withoutTrainRowsOf(base, 0)
	m, err := Fit(context.Background(), s, model.Config{Kind: "nmf", Training: model.Training{Epochs: 5}})
	if err != nil {
		t.Fatal(err)
	}
	net := m.Net.(*model.NMF)
	d := net.Dim
	for f := range d {
		var sum float64
		for u := 1; u < net.Users; u++ {
			sum += float64(net.UserEmb[u*d+f])
		}
		if want := sum / float64(net.Users-1); math.Abs(float64(net.UserEmb[f])-want) > 1e-5 {
			t.Errorf("cold user factor %d = %v, want the mean %v", f, net.UserEmb[f], want)
		}
	}
}
