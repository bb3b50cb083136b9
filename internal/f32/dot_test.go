package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotBits: Dot and SubScaled give the generic loops' bits on every
// kernel set the machine has, for every length up to 70 and extreme values.
func TestDotBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for n := 0; n <= 70; n++ {
			for trial := range 20 {
				p, q, w := make([]float32, n), make([]float32, n+3), make([]float32, n)
				for j := range p {
					p[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(16)-8)))
					q[j] = float32(rng.NormFloat64())
					w[j] = float32(rng.NormFloat64())
				}
				if trial == 0 && n > 0 {
					p[0], q[n-1] = float32(math.Inf(1)), float32(math.NaN())
				}
				got, want := Dot(p, q), dotGeneric(p, q)
				if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
					t.Fatalf("%s: Dot n %d: %v, generic %v", set, n, got, want)
				}
				s := float32(rng.NormFloat64())
				ref := append([]float32(nil), w...)
				subScaledGeneric(ref, p, s)
				SubScaled(w, p, s)
				for j := range w {
					if math.Float32bits(w[j]) != math.Float32bits(ref[j]) && !(w[j] != w[j] && ref[j] != ref[j]) {
						t.Fatalf("%s: SubScaled n %d element %d: %v, generic %v", set, n, j, w[j], ref[j])
					}
				}
			}
		}
		restore()
	}
}

// TestDotRowsAtBits: DotRowsAt gives Dot's bits for every row, on every
// kernel set, for row lengths up to 70 and 500 and any number of rows
// (whole blocks of four and a rest), repeated rows and extreme values.
func TestDotRowsAtBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for _, d := range append(seq(71), 500) {
			tab := make([]float32, 12*d)
			for j := range tab {
				tab[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(16)-8)))
			}
			q := make([]float32, d+2)
			for j := range q {
				q[j] = float32(rng.NormFloat64())
			}
			if d > 1 {
				tab[5*d+1], q[d-1] = float32(math.Inf(-1)), float32(math.NaN())
			}
			for n := range 10 {
				rows := make([]int32, n)
				for k := range rows {
					rows[k] = int32(rng.IntN(12))
				}
				got := make([]float32, n+1)
				got[n] = -7
				DotRowsAt(got, q, tab, d, rows)
				for k, r := range rows {
					want := Dot(tab[int(r)*d:int(r)*d+d], q[:d])
					if math.Float32bits(got[k]) != math.Float32bits(want) && !(got[k] != got[k] && want != want) {
						t.Fatalf("%s: d %d, %d rows, row %d: %v, Dot %v", set, d, n, k, got[k], want)
					}
				}
				if got[n] != -7 {
					t.Fatalf("%s: d %d: wrote past the rows", set, d)
				}
			}
		}
		restore()
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestAddRowsAtBits: AddRowsAt gives the bits of SubScaled row by row, on
// every kernel set, for lengths up to 70 and 500 and any number of rows.
func TestAddRowsAtBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for _, d := range append(seq(71), 500) {
			tab := make([]float32, 12*d)
			for j := range tab {
				tab[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(16)-8)))
			}
			for n := range 10 {
				rows, a := make([]int32, n), make([]float32, n)
				for k := range rows {
					rows[k], a[k] = int32(rng.IntN(12)), float32(rng.NormFloat64())
				}
				got := make([]float32, d+1)
				for j := range got {
					got[j] = float32(rng.NormFloat64())
				}
				got[d] = -7
				want := append([]float32(nil), got[:d]...)
				for k, r := range rows {
					SubScaled(want, tab[int(r)*d:int(r)*d+d], -a[k])
				}
				AddRowsAt(got[:d], a, tab, d, rows)
				for j := range want {
					if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
						t.Fatalf("%s: d %d, %d rows, element %d: %v, want %v", set, d, n, j, got[j], want[j])
					}
				}
				if got[d] != -7 {
					t.Fatalf("%s: d %d: wrote past dst", set, d)
				}
			}
		}
		restore()
	}
}

// TestAddToRowsAtBits: AddToRowsAt gives the bits of SubScaled row by
// row, on every kernel set, for lengths up to 70 and 500 and any number
// of rows, rows repeated within a block of four included.
func TestAddToRowsAtBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for _, d := range append(seq(71), 500) {
			x := make([]float32, d)
			for j := range x {
				x[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(16)-8)))
			}
			for n := range 10 {
				rows, a := make([]int32, n), make([]float32, n)
				for k := range rows {
					rows[k], a[k] = int32(rng.IntN(5)), float32(rng.NormFloat64())
				}
				got := make([]float32, 5*d+1)
				for j := range got {
					got[j] = float32(rng.NormFloat64())
				}
				got[5*d] = -7
				want := append([]float32(nil), got[:5*d]...)
				for k, r := range rows {
					SubScaled(want[int(r)*d:int(r)*d+d], x, -a[k])
				}
				AddToRowsAt(got[:5*d], d, rows, a, x)
				for j := range want {
					if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
						t.Fatalf("%s: d %d, rows %v, element %d: %v, want %v", set, d, rows, j, got[j], want[j])
					}
				}
				if got[5*d] != -7 {
					t.Fatalf("%s: d %d: wrote past the table", set, d)
				}
			}
		}
		restore()
	}
}
