package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/recnet/recnet/model"
)

// TestUpdateRowsBits: a batch's row updates give the same bits in assembly
// (the AVX-512 rows, or else the SSE Adam) as in Go alone (f32.Adam and
// optim.adagrad), for the optimizers that have assembly (SGD's updates are
// Go either way) and dims around the vector widths, with the slots marked
// free either way.
func TestUpdateRowsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, name := range []string{"adam", "adagrad"} {
		for _, dim := range []int{1, 3, 4, 7, 15, 16, 17, 31, 32, 33, 48, 64, 65} {
			tabs := [2]dotTable{newDotTable(40, dim, name == "adam"), newDotTable(40, dim, name == "adam")}
			for j := range tabs[0].data {
				x := float32(rng.NormFloat64())
				if name != "sgd" && j%tabs[0].stride >= tabs[0].bo && j%tabs[0].stride < tabs[0].bo+3 {
					x = x * x // accumulators and second moments are not negative
				}
				if j%tabs[0].stride == tabs[0].bo+3 {
					continue // the slot
				}
				tabs[0].data[j], tabs[1].data[j] = x, x
			}
			rows := []int32{3, 17, 0, 39, 22}
			gn := (dim + 1 + 15) &^ 15
			grads := make([]float32, len(rows)*gn)
			for j := range grads {
				grads[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(8)-6)))
			}
			for v, vec := range []bool{true, false} {
				o := newOptim(name, 0.01, 0.9, 0.999, 1e-7)
				o.next()
				o.next()
				for _, r := range rows {
					*slotOf(tabs[v].row(r), tabs[v].bo) = 7
				}
				restore := useAsm(vec)
				o.updateRows(&tabs[v], rows, grads, gn)
				restore()
			}
			for j := range tabs[0].data {
				if math.Float32bits(tabs[0].data[j]) != math.Float32bits(tabs[1].data[j]) {
					t.Fatalf("%s dim %d: float %d of the table (row %d, offset %d): %v with assembly, %v in Go",
						name, dim, j, j/tabs[0].stride, j%tabs[0].stride, tabs[0].data[j], tabs[1].data[j])
				}
			}
			for _, r := range rows {
				if *slotOf(tabs[0].row(r), tabs[0].bo) != -1 {
					t.Fatalf("%s dim %d: row %d's slot not freed", name, dim, r)
				}
			}
		}
	}
}

// TestBatchVecBits: a whole batch (outputs, gradient sums, row updates)
// gives the same bits and loss in assembly as in Go, for every optimizer,
// both losses and dims around the vector widths, with repeated users and
// items in the batch.
func TestBatchVecBits(t *testing.T) {
	for _, name := range []string{"adam", "adagrad", "sgd"} {
		for _, dim := range []int{1, 3, 4, 5, 16, 17, 32, 33, 40} {
			for _, bce := range []bool{false, true} {
				cfg := model.Config{Kind: "dot", Training: model.Training{Optimizer: name, LR: 0.01, Batch: 64, Seed: 9}, Settings: model.Settings{Dim: dim, L2: 1e-3, BiasL2: 1e-4}}.WithDefaults()
				if bce {
					cfg.Activation = model.Sigmoid
				}
				rng := rand.New(rand.NewPCG(uint64(dim), 8))
				us, is, ts := make([]int32, 200), make([]int32, 200), make([]float32, 200)
				for r := range us {
					us[r], is[r], ts[r] = int32(rng.IntN(30)), int32(rng.IntN(12)), float32(rng.IntN(2))
				}
				var ks [2]*dotKernel
				var loss [2]float64
				for v, vec := range []bool{true, false} {
					net := model.NewDot(30, 12, cfg)
					ks[v] = newDotKernel(net, cfg)
					ks[v].bce = bce
					restore := useAsm(vec)
					loss[v], _ = ks[v].epoch(us, is, ts, cfg.Batch, nil)
					restore()
				}
				if math.Float64bits(loss[0]) != math.Float64bits(loss[1]) {
					t.Fatalf("%s dim %d bce %v: loss %v with assembly, %v in Go", name, dim, bce, loss[0], loss[1])
				}
				for _, tab := range [][2]*dotTable{{&ks[0].users, &ks[1].users}, {&ks[0].items, &ks[1].items}} {
					for j := range tab[0].data {
						if math.Float32bits(tab[0].data[j]) != math.Float32bits(tab[1].data[j]) {
							t.Fatalf("%s dim %d bce %v: float %d: %v with assembly, %v in Go", name, dim, bce, j, tab[0].data[j], tab[1].data[j])
						}
					}
				}
			}
		}
	}
}
