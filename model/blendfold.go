package model

import (
	"context"
	"fmt"
)

// FoldInLambda returns 0: each member folds a user in with its own
// default penalty unless FoldIn is given one, which every member then
// takes.
func (b *Blend) FoldInLambda() float64 { return 0 }

// FoldInUser folds the user into every member (lambda 0: each with its
// own default penalty) and blends their scores with the blend's weights.
// A member that cannot fold in makes the blend refuse, wrapping
// ErrUnsupported; the baselines fold in here in closed form (bias: the
// user bias of its least-squares fit with the items' biases fixed; mean:
// nothing to fit).
//
// Its Explain adds the members' explanations, each weighted: the base is
// c + Σ_k w_k base_k and item j's part Σ_k w_k part_kj. A member with a
// linear output adds its split as it is; one with another output
// activation (a sigmoid dot, say) adds act(base_k) and its parts scaled
// by (s_k - act(base_k)) / (z_k - base_k), so that they add up to its
// score s_k when its own parts add up to z_k. The blend's explanation is
// Exact when every member's is and every output is linear.
func (b *Blend) FoldInUser(ctx context.Context, rated []Rated, lambda float64) (FoldedUser, error) {
	users := make([]FoldedUser, len(b.Members))
	exact, explains := true, true
	for k := range b.Members {
		u, err := b.foldMember(ctx, k, rated, lambda)
		if err != nil {
			return FoldedUser{}, err
		}
		users[k] = u
		explains = explains && u.Explain != nil
		exact = exact && u.Exact && b.memberAct(k) == Linear
	}
	out := FoldedUser{
		Score: func(i int32) float32 {
			s := b.Intercept()
			for k, u := range users {
				s += b.Weights[k] * u.Score(i)
			}
			return s
		},
		Exact: exact && explains,
	}
	if explains {
		out.Explain = func(i int32) (z, base float64, parts []float64) { return b.explain(users, len(rated), i) }
	}
	return out, nil
}

// explain adds the weighted explanations of the folded members users of
// item i (FoldInUser says how), for n rated items.
func (b *Blend) explain(users []FoldedUser, n int, i int32) (z, base float64, parts []float64) {
	z, base = float64(b.Intercept()), float64(b.Intercept())
	parts = make([]float64, n)
	for k, u := range users {
		w := float64(b.Weights[k])
		zk, bk, pk := u.Explain(i)
		scale := 1.0
		if act := b.memberAct(k); act != Linear {
			sb, _ := act.Apply(float32(bk))
			sk := float64(u.Score(i))
			if scale = 0; zk != bk {
				scale = (sk - float64(sb)) / (zk - bk)
			}
			zk, bk = sk, float64(sb)
		}
		z += w * zk
		base += w * bk
		for j, p := range pk {
			parts[j] += w * scale * p
		}
	}
	return z, base, parts
}

// memberAct returns the output activation of member k.
func (b *Blend) memberAct(k int) Activation {
	switch b.Members[k].(type) {
	case *Bias, *Mean, *MF:
		return Linear
	}
	a, err := ParseActivation(string(b.Configs[k].WithDefaults().Activation))
	if err != nil {
		return ""
	}
	return a
}

// foldMember folds the user into member k: by its own fold-in, or in
// closed form for a baseline.
func (b *Blend) foldMember(ctx context.Context, k int, rated []Rated, lambda float64) (FoldedUser, error) {
	switch m := b.Members[k].(type) {
	case FoldInNet:
		if lambda == 0 {
			lambda = m.FoldInLambda()
		}
		return m.FoldInUser(ctx, rated, lambda)
	case *Bias:
		return m.foldIn(rated), nil
	case *Mean:
		return FoldedUser{
			Score: func(int32) float32 { return m.Mu },
			Explain: func(int32) (float64, float64, []float64) {
				return float64(m.Mu), float64(m.Mu), make([]float64, len(rated))
			},
			Exact: true,
		}, nil
	}
	return FoldedUser{}, fmt.Errorf("%w: blend member %d, a %s net, cannot fold in a user", ErrUnsupported, k+1, b.Members[k].Kind())
}

// foldIn places a new user in a bias net: the user bias of FitBias's
// update with the item biases fixed, Σ_j (t_j - mu - bi_j) / (RegUser +
// n), whose split into one part a rating is exact.
func (m *Bias) foldIn(rated []Rated) FoldedUser {
	reg := BiasConfig{}.withDefaults().RegUser
	parts := make([]float64, len(rated))
	var bu float64
	for j, r := range rated {
		parts[j] = (r.Target - float64(m.Mu) - float64(m.ItemBias[r.Item])) / (reg + float64(len(rated)))
		bu += parts[j]
	}
	return FoldedUser{
		Bias:  float32(bu),
		Score: func(i int32) float32 { return m.Mu + float32(bu) + m.ItemBias[i] },
		Explain: func(i int32) (float64, float64, []float64) {
			base := float64(m.Mu) + float64(m.ItemBias[i])
			return base + bu, base, parts
		},
		Exact: true,
	}
}
