package f32

import (
	"encoding/binary"
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// specialBits are float32 bit patterns the element-wise kernels must get
// right: zeros, denormals, normal edges, infinities and NaNs of both signs
// (quiet and signaling, several payloads).
var specialBits = []uint32{
	0x00000000, 0x80000000, // ±0
	0x00000001, 0x80000001, // ±smallest denormal
	0x007fffff, 0x807fffff, // ±largest denormal
	0x00800000, 0x80800000, // ±smallest normal
	0x3f800000, 0xbf800000, // ±1
	0x3effffff, 0xbf000001, // near ±0.5
	0x7f7fffff, 0xff7fffff, // ±MaxFloat32
	0x7f800000, 0xff800000, // ±Inf
	0x7fc00000, 0xffc00000, // ±quiet NaN
	0x7fc00001, 0xffc12345, // quiet NaNs with payloads
	0x7f800001, 0xff800001, // ±signaling NaN
	0x7fa00000, 0x7fffffff, 0xffffffff,
	0x5f000000, 0x1f000000, // products overflow and underflow
}

// classBits returns one pattern of every sign and exponent with each of a
// few mantissas: every class of float32 and the edges between them.
func classBits(rng *rand.Rand) []uint32 {
	var s []uint32
	for se := uint32(0); se < 512; se++ {
		for _, man := range []uint32{0, 1, 2, 0x3fffff, 0x400000, 0x400001, 0x7fffff, rng.Uint32() & 0x7fffff} {
			s = append(s, se<<23|man)
		}
	}
	return s
}

func floats(bits []uint32) []float32 {
	s := make([]float32, len(bits))
	for i, b := range bits {
		s[i] = math.Float32frombits(b)
	}
	return s
}

// mixed returns n values, most of them normal random numbers of either
// sign, some zeros of either sign and some special values.
func mixed(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		switch r := rng.IntN(16); {
		case r == 0:
			s[i] = math.Float32frombits(specialBits[rng.IntN(len(specialBits))])
		case r == 1:
			s[i] = math.Float32frombits(rng.Uint32() & 0x80000000)
		default:
			s[i] = float32(rng.NormFloat64())
		}
	}
	return s
}

// The plain definitions the branch-free generic kernels must agree with.
func reluRef(v float32) float32 {
	if v <= 0 {
		return 0
	}
	return v
}

func reluGradRef(g, v float32) float32 {
	if v <= 0 {
		return 0
	}
	return g
}

// sameBits reports whether got and want are the same bits, or, when
// eitherNaN is set and want is NaN, whether got is NaN too.
func sameBits(got, want float32, eitherNaN bool) bool {
	if eitherNaN && want != want {
		return got != got
	}
	return math.Float32bits(got) == math.Float32bits(want)
}

// bothNaN reports whether a and b are NaN: Mul's result may then carry
// either one's payload.
func bothNaN(a, b float32) bool { return a != a && b != b }

// elemCase runs every element-wise kernel of the current set on the given
// operands, each written into the middle of a buffer whose ends must not
// change, and compares every element with the generic kernel bit for bit.
func elemCase(t *testing.T, set string, x, dy, b []float32) {
	t.Helper()
	n := len(x)
	const guard = 3
	newDst := func() ([]float32, []float32) {
		buf := make([]float32, n+2*guard)
		for i := range buf {
			buf[i] = -7
		}
		return buf, buf[guard : guard+n]
	}
	checkGuard := func(name string, buf []float32) {
		for i := 0; i < guard; i++ {
			if buf[i] != -7 || buf[guard+n+i] != -7 {
				t.Fatalf("%s %s n=%d: wrote outside dst", set, name, n)
			}
		}
	}
	want := make([]float32, n)

	buf, dst := newDst()
	ReLU(dst, x)
	reluGeneric(want, x)
	checkGuard("ReLU", buf)
	for j := range dst {
		if !sameBits(dst[j], want[j], false) {
			t.Fatalf("%s ReLU n=%d: dst[%d] = %#08x for x %#08x, generic %#08x",
				set, n, j, math.Float32bits(dst[j]), math.Float32bits(x[j]), math.Float32bits(want[j]))
		}
	}

	buf, dst = newDst()
	ReLUGrad(dst, dy, x)
	reluGradGeneric(want, dy, x)
	checkGuard("ReLUGrad", buf)
	for j := range dst {
		if !sameBits(dst[j], want[j], false) {
			t.Fatalf("%s ReLUGrad n=%d: dx[%d] = %#08x for dy %#08x, x %#08x, generic %#08x",
				set, n, j, math.Float32bits(dst[j]), math.Float32bits(dy[j]), math.Float32bits(x[j]), math.Float32bits(want[j]))
		}
	}

	buf, dst = newDst()
	Sigmoid(dst, x)
	sigmoidGeneric(want, x)
	checkGuard("Sigmoid", buf)
	for j := range dst {
		if !sameBits(dst[j], want[j], true) {
			t.Fatalf("%s Sigmoid n=%d: dst[%d] = %#08x for x %#08x, generic %#08x",
				set, n, j, math.Float32bits(dst[j]), math.Float32bits(x[j]), math.Float32bits(want[j]))
		}
	}

	buf, dst = newDst()
	SigmoidGrad(dst, dy, x)
	sigmoidGradGeneric(want, dy, x)
	checkGuard("SigmoidGrad", buf)
	for j := range dst {
		if !sameBits(dst[j], want[j], true) {
			t.Fatalf("%s SigmoidGrad n=%d: dx[%d] = %#08x for dy %#08x, y %#08x, generic %#08x",
				set, n, j, math.Float32bits(dst[j]), math.Float32bits(dy[j]), math.Float32bits(x[j]), math.Float32bits(want[j]))
		}
	}

	buf, dst = newDst()
	Mul(dst, x, b)
	mulGeneric(want, x, b)
	checkGuard("Mul", buf)
	for j := range dst {
		if !sameBits(dst[j], want[j], bothNaN(x[j], b[j])) {
			t.Fatalf("%s Mul n=%d: dst[%d] = %#08x for %#08x·%#08x, generic %#08x",
				set, n, j, math.Float32bits(dst[j]), math.Float32bits(x[j]), math.Float32bits(b[j]), math.Float32bits(want[j]))
		}
	}
}

// TestElemGenericReference checks the branch-free generic kernels against
// their plain definitions on every class of float32.
func TestElemGenericReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := floats(append(classBits(rng), specialBits...))
	dy := mixed(rng, len(x))
	got := make([]float32, len(x))
	reluGeneric(got, x)
	for j, v := range x {
		if want := reluRef(v); !sameBits(got[j], want, false) {
			t.Fatalf("reluGeneric(%#08x) = %#08x, want %#08x", math.Float32bits(v), math.Float32bits(got[j]), math.Float32bits(want))
		}
	}
	reluGradGeneric(got, dy, x)
	for j, v := range x {
		if want := reluGradRef(dy[j], v); !sameBits(got[j], want, false) {
			t.Fatalf("reluGradGeneric(dy %#08x, x %#08x) = %#08x, want %#08x",
				math.Float32bits(dy[j]), math.Float32bits(v), math.Float32bits(got[j]), math.Float32bits(want))
		}
	}
	// The documented cases, spelled out.
	for _, c := range []struct {
		x         uint32
		keep      bool
		what      string
		reluIsPos bool
	}{
		{0x3f800000, true, "1", false}, {0x00000001, true, "+denormal", false},
		{0x7f800000, true, "+Inf", false}, {0x7fc00000, true, "+NaN", false},
		{0xffc00000, true, "-NaN", false}, {0x7f800001, true, "signaling NaN", false},
		{0x00000000, false, "+0", true}, {0x80000000, false, "-0", true},
		{0x80000001, false, "-denormal", true}, {0xff800000, false, "-Inf", true},
	} {
		v := math.Float32frombits(c.x)
		r := []float32{0}
		reluGeneric(r, []float32{v})
		g := []float32{0}
		reluGradGeneric(g, []float32{-2.5}, []float32{v})
		wantR, wantG := c.x, math.Float32bits(-2.5)
		if !c.keep {
			wantR, wantG = 0, 0
		}
		if math.Float32bits(r[0]) != wantR || math.Float32bits(g[0]) != wantG {
			t.Errorf("x = %s: ReLU %#08x, ReLUGrad(-2.5) %#08x; want %#08x, %#08x",
				c.what, math.Float32bits(r[0]), math.Float32bits(g[0]), wantR, wantG)
		}
	}
}

// TestElemSpecial runs every kernel set on all pairs of special values and
// on every float32 class, at the lengths that put them in every block and
// tail position.
func TestElemSpecial(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	sp := floats(specialBits)
	var a, b []float32
	for _, u := range sp {
		for _, v := range sp {
			a, b = append(a, u), append(b, v)
		}
	}
	cls := floats(classBits(rng))
	for _, set := range kernelSets() {
		t.Run(set, func(t *testing.T) {
			defer useKernels(set)()
			elemCase(t, set, a, b, b)
			elemCase(t, set, b, a, a)
			elemCase(t, set, cls, mixed(rng, len(cls)), mixed(rng, len(cls)))
			for n := 1; n <= 80; n++ {
				for off := 0; off+n <= len(a); off += 97 {
					elemCase(t, set, a[off:off+n], b[off:off+n], b[off:off+n])
				}
			}
		})
	}
}

// elemLengths covers 0, every tail of the 8- and 16-wide kernels and of
// their unrolled blocks, and the mlp's sizes.
func elemLengths() []int {
	var s []int
	for n := 0; n <= 140; n++ {
		s = append(s, n)
	}
	return append(s, 255, 256, 257, 1000, 4095, 4097, 256*64, 256*64+13)
}

func TestElemRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, set := range kernelSets() {
		t.Run(set, func(t *testing.T) {
			defer useKernels(set)()
			for _, n := range elemLengths() {
				// Start at an odd offset so the data is not 32-byte aligned.
				x, dy, b := mixed(rng, n+1)[1:], mixed(rng, n+1)[1:], mixed(rng, n+1)[1:]
				elemCase(t, set, x, dy, b)
			}
		})
	}
}

// TestElemAlias checks the allowed aliasing: the output is one of the
// inputs, as in an in-place ReLU, dx = dy in the backward pass and h = h·mask
// for dropout.
func TestElemAlias(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, set := range kernelSets() {
		t.Run(set, func(t *testing.T) {
			defer useKernels(set)()
			for _, n := range []int{1, 7, 8, 9, 31, 33, 64, 65, 100, 256 * 16} {
				x, dy, b := mixed(rng, n), mixed(rng, n), mixed(rng, n)
				cp := func(s []float32) []float32 { return append([]float32(nil), s...) }
				want := make([]float32, n)
				for _, c := range []struct {
					name string
					run  func(x, dy, b []float32) []float32 // on copies; returns the output
					ref  func(dst []float32)
				}{
					{"ReLU(x, x)", func(x, _, _ []float32) []float32 { ReLU(x, x); return x },
						func(d []float32) { reluGeneric(d, x) }},
					{"ReLUGrad(dy, dy, x)", func(x, dy, _ []float32) []float32 { ReLUGrad(dy, dy, x); return dy },
						func(d []float32) { reluGradGeneric(d, dy, x) }},
					{"ReLUGrad(x, dy, x)", func(x, dy, _ []float32) []float32 { ReLUGrad(x, dy, x); return x },
						func(d []float32) { reluGradGeneric(d, dy, x) }},
					{"Sigmoid(x, x)", func(x, _, _ []float32) []float32 { Sigmoid(x, x); return x },
						func(d []float32) { sigmoidGeneric(d, x) }},
					{"SigmoidGrad(dy, dy, x)", func(x, dy, _ []float32) []float32 { SigmoidGrad(dy, dy, x); return dy },
						func(d []float32) { sigmoidGradGeneric(d, dy, x) }},
					{"SigmoidGrad(x, dy, x)", func(x, dy, _ []float32) []float32 { SigmoidGrad(x, dy, x); return x },
						func(d []float32) { sigmoidGradGeneric(d, dy, x) }},
					{"Mul(a, a, b)", func(x, _, b []float32) []float32 { Mul(x, x, b); return x },
						func(d []float32) { mulGeneric(d, x, b) }},
					{"Mul(b, a, b)", func(x, _, b []float32) []float32 { Mul(b, x, b); return b },
						func(d []float32) { mulGeneric(d, x, b) }},
					{"Mul(a, a, a)", func(x, _, _ []float32) []float32 { Mul(x, x, x); return x },
						func(d []float32) { mulGeneric(d, x, x) }},
				} {
					got := c.run(cp(x), cp(dy), cp(b))
					c.ref(want)
					for j := range got {
						if !sameBits(got[j], want[j], true) {
							t.Fatalf("%s %s n=%d: element %d = %g, want %g", set, c.name, n, j, got[j], want[j])
						}
					}
				}
			}
		})
	}
}

func TestElemLengthPanics(t *testing.T) {
	s3, s4 := make([]float32, 3), make([]float32, 4)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"ReLU", func() { ReLU(s3, s4) }},
		{"ReLU", func() { ReLU(s4, nil) }},
		{"ReLUGrad", func() { ReLUGrad(s4, s3, s4) }},
		{"ReLUGrad", func() { ReLUGrad(s4, s4, s3) }},
		{"Sigmoid", func() { Sigmoid(s3, s4) }},
		{"SigmoidGrad", func() { SigmoidGrad(s4, s4, s3) }},
		{"Mul", func() { Mul(s3, s4, s4) }},
		{"Mul", func() { Mul(s4, s4, s3[:0]) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "f32: "+c.name+": lengths differ") {
					t.Errorf("got panic %v, want one about lengths", r)
				}
			}()
			c.f()
		})
	}
	// Empty slices are fine.
	ReLU(nil, nil)
	ReLUGrad(nil, nil, []float32{})
	Mul([]float32{}, nil, nil)
}

func TestElemAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	x, dy, dst := mixed(rng, 1001), mixed(rng, 1001), make([]float32, 1001)
	for _, set := range kernelSets() {
		restore := useKernels(set)
		for name, f := range map[string]func(){
			"ReLU":        func() { ReLU(dst, x) },
			"ReLUGrad":    func() { ReLUGrad(dst, dy, x) },
			"Mul":         func() { Mul(dst, x, dy) },
			"Sigmoid":     func() { Sigmoid(dst, x) },
			"SigmoidGrad": func() { SigmoidGrad(dst, dy, x) },
		} {
			if got := testing.AllocsPerRun(10, f); got != 0 {
				t.Errorf("%s: %s allocates %v times per call", set, name, got)
			}
		}
		restore()
	}
}

// FuzzElem takes the operands' bits from the fuzzer: x, dy (or b) and a
// third operand interleaved, four bytes each.
func FuzzElem(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0xff, 0, 0, 0, 0x80})
	f.Add(make([]byte, 12*37))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 12
		var ops [3][]float32
		for i := range ops {
			ops[i] = make([]float32, n)
		}
		for j := 0; j < n; j++ {
			for i := range ops {
				ops[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(data[12*j+4*i:]))
			}
		}
		for _, set := range kernelSets() {
			restore := useKernels(set)
			elemCase(t, set, ops[0], ops[1], ops[2])
			restore()
		}
	})
}

var exhaustive = flag.Bool("f32.exhaustive", false, "run TestElemExhaustive over all 2³² float32 bit patterns (about half a minute)")

// TestElemExhaustive gives every float32 bit pattern to every kernel set as
// x of ReLU and ReLUGrad and as a of Mul (against random dy and b), and
// compares with the generic kernels bit for bit. It runs with
// -f32.exhaustive only.
func TestElemExhaustive(t *testing.T) {
	if !*exhaustive {
		t.Skip("set -f32.exhaustive to run")
	}
	const chunk = 1 << 20
	rng := rand.New(rand.NewPCG(21, 22))
	x, dy, b := make([]float32, chunk), mixed(rng, chunk), mixed(rng, chunk)
	want, got := make([]float32, chunk), make([]float32, chunk)
	type kernel struct {
		name    string
		fast    func()
		generic func()
	}
	kernels := []kernel{
		{"ReLU", func() { ReLU(got, x) }, func() { reluGeneric(want, x) }},
		{"ReLUGrad", func() { ReLUGrad(got, dy, x) }, func() { reluGradGeneric(want, dy, x) }},
		{"Mul", func() { Mul(got, x, b) }, func() { mulGeneric(want, x, b) }},
		{"Sigmoid", func() { Sigmoid(got, x) }, func() { sigmoidGeneric(want, x) }},
		{"SigmoidGrad", func() { SigmoidGrad(got, dy, x) }, func() { sigmoidGradGeneric(want, dy, x) }},
	}
	xb := bits(x)
	for start := uint64(0); start < 1<<32; start += chunk {
		for j := range xb {
			xb[j] = uint32(start) + uint32(j)
		}
		for _, k := range kernels {
			k.generic()
			for _, set := range kernelSets() {
				if set == "generic" {
					continue
				}
				restore := useKernels(set)
				k.fast()
				restore()
				if slices.Equal(bits(got), bits(want)) {
					continue
				}
				for j := range got {
					if !sameBits(got[j], want[j], k.name == "Sigmoid" || k.name == "SigmoidGrad" || k.name == "Mul" && bothNaN(x[j], b[j])) {
						t.Fatalf("%s %s: x %#08x gives %#08x, generic %#08x", set, k.name, xb[j], math.Float32bits(got[j]), math.Float32bits(want[j]))
					}
				}
			}
		}
	}
}
