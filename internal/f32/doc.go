// Package f32 holds the dense float32 kernels of recnet's neural layers:
// small row-major matrix products, the Adam step and the element-wise
// ReLU, ReLU gradient and product of the layers' activations. Every kernel
// writes to its first arguments (dst-first, as in gonum) and allocates
// nothing.
//
// Adam is recnet's one Adam step in Go, with the same bits on every
// platform; AdamFMA is the same step with its multiply-adds fused on the
// elements the assembly takes.
//
// On amd64 the products and AdamFMA run in assembly: AVX2 with FMA is the
// baseline, and where the CPU has AVX-512F the products use 512-bit
// kernels (chosen once, at init, from golang.org/x/sys/cpu). Other
// architectures, CPUs without AVX2 and FMA, and builds with the purego tag
// use the portable Go loops. The products panic on a negative size or a
// slice shorter than its matrix. The assembly does not skip zeros as the
// Go loops do, so an Inf or NaN in one operand meets a zero of the other
// as IEEE arithmetic says (NaN) in the assembly and not in the Go loops;
// for finite operands the two agree to float32 rounding.
//
// A row of a product never depends on the other rows: with any kernel
// set, row r of MulNN or MulNT is bit for bit the same whether a[r] is
// multiplied alone or at any position of a batch of any size, so a
// prediction does not depend on what is scored with it. The assembly sums
// each element in one FMA chain from zero in increasing j and then adds
// the old dst (acc); for n = 1, MulNN and MulNT take a dot product over
// eight lanes instead, the same for every row.
//
// The element-wise kernels (ReLU, ReLUGrad, Mul) run in assembly too, with
// AVX-512 where present (1.3 to 1.9 times AVX2 while the data fits in L1,
// the same beyond), and give the same bits with every kernel set, for
// every input: ReLU clears x <= 0 (-0 included, to +0) and passes NaN,
// ReLUGrad keeps dy exactly where ReLU keeps x, and Mul rounds each
// product once as float32 multiplication does. They panic when the
// lengths of their slices differ. So do Sigmoid, SigmoidGrad (the
// gradient through it) and SigmoidRowsAt (AutoRec's encoder: a bias plus
// weighted rows of a table, then the sigmoid, in one pass whose sums stay
// in registers): AVX2 on amd64, the same bits as their Go loops.
package f32
