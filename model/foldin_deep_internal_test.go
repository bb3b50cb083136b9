package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDeepFoldGradient checks deepFold's gradient with respect to the user
// parameters against central finite differences of its forward pass, for
// an mlp and a neumf with several hidden activations.
func TestDeepFoldGradient(t *testing.T) {
	for _, kind := range []string{"mlp", "neumf"} {
		for _, layers := range []string{"6:tanh,4:elu", "5:gelu", "none"} {
			cfg := Config{Kind: kind, Settings: Settings{Dim: 3, Layers: layers, InitStd: 0.5, Activation: Sigmoid}}.WithDefaults()
			var net DeepNet = NewMLP(2, 4, cfg)
			if kind == "neumf" {
				net = NewNeuMF(2, 4, cfg)
			}
			f := newDeepFold(net.Deep())
			rng := rand.New(rand.NewPCG(3, 3))
			p := make([]float32, f.params())
			for j := range p {
				p[j] = float32(rng.NormFloat64() * 0.7)
			}
			for i := range int32(4) {
				g := make([]float32, len(p))
				f.forward(p, i)
				f.backward(p, g, i, 1)
				for j := range p {
					const h = 1e-2
					orig := p[j]
					p[j] = orig + h
					zp := float64(f.forward(p, i))
					p[j] = orig - h
					zm := float64(f.forward(p, i))
					p[j] = orig
					num := (zp - zm) / (2 * h)
					if math.Abs(float64(g[j])-num) > 2e-3+1e-2*math.Abs(num) {
						t.Errorf("%s %s item %d: d z/d p[%d] = %.5f, finite difference %.5f", kind, layers, i, j, g[j], num)
					}
				}
			}
		}
	}
}
