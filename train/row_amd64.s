//go:build amd64 && !purego

#include "textflag.h"

// AVX-512 kernels on one packed row. Each does the Go step's operations
// (f32.Adam, optim.adagrad) in its order, sixteen lanes at a time with a
// masked last block, and no fused multiply-add, so the results are the
// same bits.

// ROWSARGS loads the arguments adamRows and adagradRows share: R8 base,
// R9 stride, R10 rows, R11 n, R12 grads, R13 gstride.
#define ROWSARGS \
	MOVQ base+0(FP), R8     \
	MOVQ stride+8(FP), R9   \
	MOVQ rows+16(FP), R10   \
	MOVQ n+24(FP), R11      \
	MOVQ grads+32(FP), R12  \
	MOVQ gstride+40(FP), R13

// NEXTROW moves R10 and R12 to the next row of a batch and loops to l
// while R11 counts down.
#define NEXTROW(l) \
	ADDQ $4, R10  \
	ADDQ R13, R12 \
	DECQ R11      \
	JNZ  l

// ALLMASK sets K1 to all sixteen lanes.
#define ALLMASK \
	KXNORW K1, K1, K1

// TAILMASK sets K1 to the low CX bits (0 < CX < 16).
#define TAILMASK \
	MOVL  $1, AX  \
	SHLL  CX, AX  \
	DECL  AX      \
	KMOVW AX, K1

// ADAM16 is one block of sixteen Adam steps under mask K1:
// m = b1 m + c1 g; v = b2 v + c2 g g; w -= lr m / (sqrt(v) + eps).
#define ADAM16 \
	VMOVUPS.Z (SI), K1, Z0 \
	VMOVUPS.Z (DX), K1, Z1 \
	VMULPS    Z1, Z10, Z1  \
	VMULPS    Z0, Z11, Z2  \
	VADDPS    Z2, Z1, Z1   \
	VMOVUPS   Z1, K1, (DX) \
	VMOVUPS.Z (BX), K1, Z3 \
	VMULPS    Z3, Z12, Z3  \
	VMULPS    Z0, Z13, Z4  \
	VMULPS    Z0, Z4, Z4   \
	VADDPS    Z4, Z3, Z3   \
	VMOVUPS   Z3, K1, (BX) \
	VSQRTPS   Z3, Z5       \
	VADDPS    Z15, Z5, Z5  \
	VMULPS    Z14, Z1, Z6  \
	VDIVPS    Z5, Z6, Z6   \
	VMOVUPS.Z (DI), K1, Z7 \
	VSUBPS    Z6, Z7, Z7   \
	VMOVUPS   Z7, K1, (DI)

// GRAD16 is one block of sixteen gradient sums under mask K1:
// gu += g q + l2 p; gi += g p + l2 q.
#define GRAD16 \
	VMOVUPS.Z (R8), K1, Z0 \
	VMOVUPS.Z (R9), K1, Z1 \
	VMULPS    Z1, Z10, Z2  \
	VMULPS    Z0, Z11, Z3  \
	VADDPS    Z3, Z2, Z2   \
	VMOVUPS.Z (DI), K1, Z4 \
	VADDPS    Z2, Z4, Z4   \
	VMOVUPS   Z4, K1, (DI) \
	VMULPS    Z0, Z10, Z5  \
	VMULPS    Z1, Z11, Z6  \
	VADDPS    Z6, Z5, Z5   \
	VMOVUPS.Z (SI), K1, Z7 \
	VADDPS    Z5, Z7, Z7   \
	VMOVUPS   Z7, K1, (SI)

// func prefetchLines(base *float32, stride int, rows *int32, n, lines int)
TEXT ·prefetchLines(SB), NOSPLIT, $0-40
	MOVQ base+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ rows+16(FP), DI
	MOVQ n+24(FP), CX
	MOVQ lines+32(FP), DX
	TESTQ CX, CX
	JEQ  pfdone

pfrow:
	MOVLQSX (DI), AX
	IMULQ   R8, AX
	ADDQ    SI, AX
	MOVQ    DX, BX

pfline:
	PREFETCHT0 (AX)
	ADDQ       $64, AX
	DECQ       BX
	JNZ        pfline
	ADDQ       $4, DI
	DECQ       CX
	JNZ        pfrow

pfdone:
	RET

// BIASADAM does Adam's step on the bias at (AX) with its moments at 4(AX)
// and 8(AX), from gradient X0, in scalar VEX ops in f32.Adam's order,
// and marks the row's slot (12(AX)) free.
#define BIASADAM \
	VMOVSS 4(AX), X1      \
	VMULSS X10, X1, X1    \
	VMULSS X11, X0, X2    \
	VADDSS X2, X1, X1     \
	VMOVSS X1, 4(AX)      \
	VMOVSS 8(AX), X3      \
	VMULSS X12, X3, X3    \
	VMULSS X13, X0, X4    \
	VMULSS X0, X4, X4     \
	VADDSS X4, X3, X3     \
	VMOVSS X3, 8(AX)      \
	VSQRTSS X3, X3, X5    \
	VADDSS X15, X5, X5    \
	VMULSS X14, X1, X1    \
	VDIVSS X5, X1, X1     \
	VMOVSS (AX), X6       \
	VSUBSS X1, X6, X6     \
	VMOVSS X6, (AX)       \
	MOVL   $-1, 12(AX)

// func adamRows(base *float32, stride int, rows *int32, n int, grads *float32, gstride, d, span, bo int, b1, c1, b2, c2, lr, eps float32)
//
// The Adam steps of a batch (optim.update on a dotTable): for s < n, row
// rows[s] at base + rows[s]·stride (bytes) takes gradient grads +
// s·gstride: d weights with their moments span and 2·span bytes on, then
// the bias at bo bytes with its moments after it.
TEXT ·adamRows(SB), NOSPLIT, $0-96
	ROWSARGS
	VBROADCASTSS b1+72(FP), Z10
	VBROADCASTSS c1+76(FP), Z11
	VBROADCASTSS b2+80(FP), Z12
	VBROADCASTSS c2+84(FP), Z13
	VBROADCASTSS lr+88(FP), Z14
	VBROADCASTSS eps+92(FP), Z15
	TESTQ        R11, R11
	JEQ          arowsdone

arow:
	MOVLQSX (R10), DI
	IMULQ   R9, DI
	ADDQ    R8, DI
	MOVQ    d+48(FP), CX
	VMOVSS  (R12)(CX*4), X0
	MOVQ    bo+64(FP), AX
	ADDQ    DI, AX
	BIASADAM
	MOVQ    span+56(FP), AX
	LEAQ    (DI)(AX*1), DX
	LEAQ    (DX)(AX*1), BX
	MOVQ    R12, SI
	ALLMASK

arowfull:
	CMPQ CX, $16
	JLT  arowtail
	ADAM16
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, BX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  arowfull

arowtail:
	TESTQ CX, CX
	JEQ   arownext
	TAILMASK
	ADAM16

arownext:
	NEXTROW(arow)

arowsdone:
	VZEROUPPER
	RET

// SUBSCALED16 does w -= s·g for sixteen lanes under mask K1, s in Z5.
#define SUBSCALED16 \
	VMOVUPS.Z (SI), K1, Z0 \
	VMULPS    Z0, Z5, Z0   \
	VMOVUPS.Z (DI), K1, Z1 \
	VSUBPS    Z0, Z1, Z1   \
	VMOVUPS   Z1, K1, (DI)

// func adagradRows(base *float32, stride int, rows *int32, n int, grads *float32, gstride, d, bo int, df, lr, eps float32)
//
// The row-wise AdaGrad steps of a batch (optim.update on a dotTable; see
// adamRows for the arguments): G += (Σ g²)/df with the sum in f32.Dot's
// order; w -= (lr / (sqrt(G) + eps)) g; the same for the bias with its own
// accumulator and g² alone.
TEXT ·adagradRows(SB), NOSPLIT, $0-76
	ROWSARGS
	VMOVSS       df+64(FP), X10
	VMOVSS       lr+68(FP), X14
	VMOVSS       eps+72(FP), X15
	TESTQ        R11, R11
	JEQ          growsdone

grow:
	MOVLQSX (R10), DI
	IMULQ   R9, DI
	ADDQ    R8, DI
	MOVQ    bo+56(FP), AX
	ADDQ    DI, AX
	MOVQ    d+48(FP), CX

	// The bias: Gb += gb·gb; b -= (lr / (sqrt(Gb) + eps)) gb.
	VMOVSS  (R12)(CX*4), X0
	VMULSS  X0, X0, X1
	VMOVSS  8(AX), X2
	VADDSS  X1, X2, X2
	VMOVSS  X2, 8(AX)
	VSQRTSS X2, X2, X3
	VADDSS  X15, X3, X3
	VDIVSS  X3, X14, X4
	VMULSS  X0, X4, X4
	VMOVSS  (AX), X5
	VSUBSS  X4, X5, X5
	VMOVSS  X5, (AX)
	MOVL    $-1, 12(AX)

	// Σ g² in four lanes, the rest into lane 0, then (l0+l1)+(l2+l3).
	MOVQ   R12, SI
	VXORPS X0, X0, X0
	MOVQ   CX, DX
	SHRQ   $2, DX
	JZ     gsqtail

gsqloop:
	VMOVUPS (SI), X1
	VMULPS  X1, X1, X1
	VADDPS  X1, X0, X0
	ADDQ    $16, SI
	DECQ    DX
	JNZ     gsqloop

gsqtail:
	MOVQ CX, DX
	ANDQ $3, DX
	JZ   gsqsum

gsqtl:
	VMOVSS (SI), X1
	VMULSS X1, X1, X1
	VADDSS X1, X0, X0
	ADDQ   $4, SI
	DECQ   DX
	JNZ    gsqtl

gsqsum:
	VSHUFPS  $0xB1, X0, X0, X1
	VADDPS   X0, X1, X1
	VMOVHLPS X1, X1, X2
	VADDSS   X2, X1, X1
	VDIVSS   X10, X1, X1
	VMOVSS   4(AX), X2
	VADDSS   X1, X2, X2
	VMOVSS   X2, 4(AX)
	VSQRTSS  X2, X2, X3
	VADDSS   X15, X3, X3
	VDIVSS   X3, X14, X4
	VBROADCASTSS X4, Z5
	MOVQ     R12, SI
	ALLMASK

growfull:
	CMPQ CX, $16
	JLT  growtail
	SUBSCALED16
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  growfull

growtail:
	TESTQ CX, CX
	JEQ   grownext
	TAILMASK
	SUBSCALED16

grownext:
	NEXTROW(grow)

growsdone:
	VZEROUPPER
	RET

// ROWPTR sets dst to base + idx[R11]·stride, all from the frame.
#define ROWPTR(idx, base, stride, dst) \
	MOVQ    idx, AX           \
	MOVLQSX (AX)(R11*4), dst  \
	MOVQ    stride, AX        \
	IMULQ   AX, dst           \
	ADDQ    base, dst

// func gradRows(ubase *float32, ustride int, ibase *float32, istride int, us, is, su, si *int32, gs, ugrad, igrad *float32, gstride, n, d, bo int, l2, bl2 float32)
//
// The gradient sums of a batch: for each r in order, with g = gs[r], pu
// and qi the rows us[r] and is[r], gu and gi the gradient slots su[r] and
// si[r]: gu[j] += g qi[j] + l2 pu[j] and gi[j] += g pu[j] + l2 qi[j] for
// j < d, then gu[d] += g + bl2 pu[b], gi[d] += g + bl2 qi[b].
TEXT ·gradRows(SB), NOSPLIT, $0-128
	VBROADCASTSS l2+120(FP), Z11
	VMOVSS       bl2+124(FP), X12
	XORQ         R11, R11
	CMPQ         R11, n+96(FP)
	JGE          growsend

gr:
	ROWPTR(us+32(FP), ubase+0(FP), ustride+8(FP), R8)
	ROWPTR(is+40(FP), ibase+16(FP), istride+24(FP), R9)
	ROWPTR(su+48(FP), ugrad+72(FP), gstride+88(FP), DI)
	ROWPTR(si+56(FP), igrad+80(FP), gstride+88(FP), SI)
	MOVQ         gs+64(FP), AX
	VBROADCASTSS (AX)(R11*4), Z10
	MOVQ         bo+112(FP), AX
	MOVQ         d+104(FP), CX
	VMOVSS       (R8)(AX*1), X1
	VMULSS       X12, X1, X1
	VADDSS       X1, X10, X1
	VADDSS       (DI)(CX*4), X1, X1
	VMOVSS       X1, (DI)(CX*4)
	VMOVSS       (R9)(AX*1), X1
	VMULSS       X12, X1, X1
	VADDSS       X1, X10, X1
	VADDSS       (SI)(CX*4), X1, X1
	VMOVSS       X1, (SI)(CX*4)
	ALLMASK

grfull:
	CMPQ CX, $16
	JLT  grtail
	GRAD16
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	SUBQ $16, CX
	JMP  grfull

grtail:
	TESTQ CX, CX
	JEQ   grnext
	TAILMASK
	GRAD16

grnext:
	INCQ R11
	CMPQ R11, n+96(FP)
	JLT  gr

growsend:
	VZEROUPPER
	RET

// CLAIM puts in slots[R11] the batch slot of the row at DI whose slot
// field is at 12+bo bytes: the field's value, or when it is negative the
// next free slot (count), which it records in the field, appends the row's
// index idx[R11] to touched and zeroes in grad (gstride bytes a slot).
#define CLAIM(bo, gstride, idx, touched, grad, slots, count, skip) \
	MOVQ    bo, AX                 \
	LEAQ    12(DI)(AX*1), R8       \
	MOVLQSX (R8), R9               \
	TESTQ   R9, R9                 \
	JGE     skip                   \
	MOVQ    count, R9              \
	MOVL    R9, (R8)               \
	MOVQ    idx, AX                \
	MOVL    (AX)(R11*4), R10       \
	MOVQ    touched, AX            \
	MOVL    R10, (AX)(count*4)     \
	MOVQ    gstride, AX            \
	MOVQ    AX, R10                \
	IMULQ   R9, AX                 \
	ADDQ    grad, AX               \
	SHRQ    $6, R10                \
	VMOVUPS Z9, (AX)               \
	ADDQ    $64, AX                \
	DECQ    R10                    \
	JNZ     -3(PC)                 \
	INCQ    count                  \
skip:                              \
	MOVQ    slots, AX              \
	MOVL    R9, (AX)(R11*4)

// PREFETCHIDX issues PREFETCHT0 for the line bline bytes into row idx[R11]
// of a table and for its first plines (≥ 1) lines.
#define PREFETCHIDX(idx, base, stride, plines, bline) \
	ROWPTR(idx, base, stride, R8) \
	MOVQ       bline, R9          \
	PREFETCHT0 (R8)(R9*1)         \
	MOVQ       plines, R9         \
	PREFETCHT0 (R8)               \
	ADDQ       $64, R8            \
	DECQ       R9                 \
	JNZ        -3(PC)

// OUTPUT sets X1 to (Dot(DI, SI) + DI[bo]) + SI[bo] over d floats (bo in
// bytes), Dot summed in f32.Dot's order, using AX, DX, X0-X2, X5, X6 and
// the labels given.
#define OUTPUT(d, bo, loop, tail, tl, sum) \
	MOVQ     bo, AX            \
	VMOVSS   (DI)(AX*1), X5    \
	VMOVSS   (SI)(AX*1), X6    \
	MOVQ     d, AX             \
	VXORPS   X0, X0, X0        \
	MOVQ     AX, DX            \
	SHRQ     $2, DX            \
	JZ       tail              \
loop:                          \
	VMOVUPS  (DI), X1          \
	VMULPS   (SI), X1, X1      \
	VADDPS   X1, X0, X0        \
	ADDQ     $16, DI           \
	ADDQ     $16, SI           \
	DECQ     DX                \
	JNZ      loop              \
tail:                          \
	ANDQ     $3, AX            \
	JZ       sum               \
tl:                            \
	VMOVSS   (DI), X1          \
	VMULSS   (SI), X1, X1      \
	VADDSS   X1, X0, X0        \
	ADDQ     $4, DI            \
	ADDQ     $4, SI            \
	DECQ     AX                \
	JNZ      tl                \
sum:                           \
	VSHUFPS  $0xB1, X0, X0, X1 \
	VADDPS   X0, X1, X1        \
	VMOVHLPS X1, X1, X2        \
	VADDSS   X2, X1, X1        \
	VADDSS   X5, X1, X1        \
	VADDSS   X6, X1, X1

// func forwardRows(ubase *float32, ustride int, ibase *float32, istride int, us, is *int32, n, d, bo int, out *float32, su, si, ut, it *int32, ugrad, igrad *float32, gstride int, nus, nis *int32, nn, plines int) (nu, ni int)
//
// The forward pass of a batch: for each r in order, claims the batch
// slots of the user row us[r] and the item row is[r] (su[r], si[r]; see
// CLAIM: ut and it receive the rows touched, nu and ni their numbers) and
// sets out[r] = (Dot(pu, qi) + pu[b]) + qi[b], Dot summed in f32.Dot's
// order. Strides and bo are in bytes. While at row r < nn it also asks for
// the first plines (≥ 1) lines of the next batch's rows nus[r] and nis[r],
// so that their misses overlap with this batch's work.
TEXT ·forwardRows(SB), NOSPLIT, $0-184
	XORQ   R11, R11
	XORQ   R12, R12
	XORQ   R13, R13
	VXORPS Z9, Z9, Z9
	CMPQ   R11, n+48(FP)
	JGE    fdone

frow:
	CMPQ R11, nn+152(FP)
	JGE  fnopf
	PREFETCHIDX(nus+136(FP), ubase+0(FP), ustride+8(FP), plines+160(FP), $0)
	PREFETCHIDX(nis+144(FP), ibase+16(FP), istride+24(FP), plines+160(FP), $0)

fnopf:
	ROWPTR(us+32(FP), ubase+0(FP), ustride+8(FP), DI)
	CLAIM(bo+64(FP), gstride+128(FP), us+32(FP), ut+96(FP), ugrad+112(FP), su+80(FP), R12, fuhave)
	MOVQ   DI, BX
	ROWPTR(is+40(FP), ibase+16(FP), istride+24(FP), DI)
	CLAIM(bo+64(FP), gstride+128(FP), is+40(FP), it+104(FP), igrad+120(FP), si+88(FP), R13, fihave)
	MOVQ   DI, SI
	MOVQ   BX, DI
	OUTPUT(d+56(FP), bo+64(FP), floop, ftail, ftl, fsum)
	MOVQ     out+72(FP), AX
	VMOVSS   X1, (AX)(R11*4)
	INCQ     R11
	CMPQ     R11, n+48(FP)
	JLT      frow

fdone:
	MOVQ R12, nu+168(FP)
	MOVQ R13, ni+176(FP)
	VZEROUPPER
	RET

// func predictRows(ubase *float32, ustride int, ibase *float32, istride int, us, is *int32, n, d, bo int, out *float32, nus, nis *int32, nn, plines, bline int)
//
// The read-only pass of forwardRows: out[r] for each r, no slot claimed.
// At row r < nn it asks for the first plines lines and the line bline
// bytes in of the rows nus[r] and nis[r].
TEXT ·predictRows(SB), NOSPLIT, $0-120
	XORQ R11, R11
	CMPQ R11, n+48(FP)
	JGE  pdone

prow:
	CMPQ R11, nn+96(FP)
	JGE  pnopf
	PREFETCHIDX(nus+80(FP), ubase+0(FP), ustride+8(FP), plines+104(FP), bline+112(FP))
	PREFETCHIDX(nis+88(FP), ibase+16(FP), istride+24(FP), plines+104(FP), bline+112(FP))

pnopf:
	ROWPTR(us+32(FP), ubase+0(FP), ustride+8(FP), DI)
	ROWPTR(is+40(FP), ibase+16(FP), istride+24(FP), SI)
	OUTPUT(d+56(FP), bo+64(FP), ploop, ptail, ptl, psum)
	MOVQ   out+72(FP), AX
	VMOVSS X1, (AX)(R11*4)
	INCQ   R11
	CMPQ   R11, n+48(FP)
	JLT    prow

pdone:
	RET
