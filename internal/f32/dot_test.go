package f32

import (
	"math"
	"math/rand/v2"
	"slices"
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

// wide returns n normal numbers times powers of ten from 1e-8 to 1e7.
func wide(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for j := range s {
		s[j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(16)-8)))
	}
	return s
}

// eachSetAndLength runs f on every kernel set for the row lengths 0 to 70
// (every tail of the 4- and 8-wide loops) and 500 (autorec's rows).
func eachSetAndLength(f func(set string, d int)) {
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for d := range 72 {
			if d == 71 {
				d = 500
			}
			f(set, d)
		}
		restore()
	}
}

// TestDotRowsAtBits: DotRowsAt gives Dot's bits for every row, for any
// number of rows (whole blocks of four and a rest), repeated rows and
// extreme values.
func TestDotRowsAtBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	eachSetAndLength(func(set string, d int) {
		tab, q := wide(rng, 12*d), wide(rng, d+2)
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
	})
}

// TestAddRowsBits: AddRowsAt (rows into one vector) and AddToRowsAt (one
// vector into rows, a row given twice within a block of four included)
// give the bits of SubScaled row by row, for any number of rows.
func TestAddRowsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	eachSetAndLength(func(set string, d int) {
		tab, x := wide(rng, 5*d+1), wide(rng, d+1)
		tab[5*d], x[d] = -7, -7
		for n := range 10 {
			rows, a := make([]int32, n), wide(rng, n)
			for k := range rows {
				rows[k] = int32(rng.IntN(5))
			}
			wantX, wantTab := append([]float32(nil), x...), append([]float32(nil), tab...)
			for k, r := range rows {
				SubScaled(wantX[:d], tab[int(r)*d:int(r)*d+d], -a[k])
				SubScaled(wantTab[int(r)*d:int(r)*d+d], x[:d], -a[k])
			}
			gotX := append([]float32(nil), x...)
			AddRowsAt(gotX[:d], a, tab, d, rows)
			AddToRowsAt(tab[:5*d], d, rows, a, x)
			for _, c := range []struct {
				name      string
				got, want []float32
			}{{"AddRowsAt", gotX, wantX}, {"AddToRowsAt", tab, wantTab}} {
				for j := range c.want {
					if math.Float32bits(c.got[j]) != math.Float32bits(c.want[j]) {
						t.Fatalf("%s %s: d %d, rows %v, element %d: %v, want %v", set, c.name, d, rows, j, c.got[j], c.want[j])
					}
				}
			}
		}
	})
}

// TestSigmoidRowsAtBits: SigmoidRowsAt gives the bits of a copy of the
// bias, AddRowsAt and Sigmoid, for any number of rows (a row given twice
// included), with every kernel set, and the same bits with every set.
func TestSigmoidRowsAtBits(t *testing.T) {
	other := map[[2]int][]float32{}
	eachSetAndLength(func(set string, d int) {
		rng := rand.New(rand.NewPCG(uint64(d), 11)) // the same operands for every set
		tab, bias := randSlice(rng, 5*d+1), randSlice(rng, d+1)
		if d > 2 {
			tab[d+1], bias[2] = 1e30, -1e30 // saturated units
		}
		for n := range 10 {
			rows, a := make([]int32, n), randSlice(rng, n)
			for k := range rows {
				rows[k] = int32(rng.IntN(5))
			}
			want := make([]float32, d+1)
			want[d] = -7
			copy(want, bias[:d])
			AddRowsAt(want[:d], a, tab, d, rows)
			Sigmoid(want[:d], want[:d])
			got := make([]float32, d+1)
			got[d] = -7
			SigmoidRowsAt(got[:d], bias, a, tab[:5*d], d, rows)
			if !slices.Equal(bits(got), bits(want)) {
				t.Fatalf("%s: d %d, rows %v: %v, want %v", set, d, rows, got, want)
			}
			if g, ok := other[[2]int{d, n}]; ok && !slices.Equal(bits(got), bits(g)) {
				t.Fatalf("%s: d %d, rows %v: %v, another set %v", set, d, rows, got, g)
			}
			other[[2]int{d, n}] = got
		}
	})
}
