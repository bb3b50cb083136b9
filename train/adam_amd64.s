//go:build amd64 && !purego

#include "textflag.h"

// func adamSSE(w, m, v, grad *float32, n int, b1, c1, b2, c2, lr, eps float32)
//
// f32.Adam's step on n elements (n a multiple of 4), four at a time, with
// its operations in its order (no fused multiply-add), so that the results
// are the same bit for bit.
TEXT ·adamSSE(SB), NOSPLIT, $0-64
	MOVQ   w+0(FP), DI
	MOVQ   m+8(FP), DX
	MOVQ   v+16(FP), BX
	MOVQ   grad+24(FP), SI
	MOVQ   n+32(FP), CX
	SHRQ   $2, CX
	JZ     done
	MOVSS  b1+40(FP), X8
	SHUFPS $0, X8, X8
	MOVSS  c1+44(FP), X9
	SHUFPS $0, X9, X9
	MOVSS  b2+48(FP), X10
	SHUFPS $0, X10, X10
	MOVSS  c2+52(FP), X11
	SHUFPS $0, X11, X11
	MOVSS  lr+56(FP), X12
	SHUFPS $0, X12, X12
	MOVSS  eps+60(FP), X13
	SHUFPS $0, X13, X13

loop:
	MOVUPS (SI), X0 // g
	MOVUPS (DX), X1
	MULPS  X8, X1   // b1*m
	MOVAPS X0, X2
	MULPS  X9, X2   // c1*g
	ADDPS  X2, X1   // m = b1*m + c1*g
	MOVUPS X1, (DX)
	MOVUPS (BX), X3
	MULPS  X10, X3  // b2*v
	MOVAPS X0, X4
	MULPS  X11, X4  // c2*g
	MULPS  X0, X4   // c2*g*g
	ADDPS  X4, X3   // v = b2*v + c2*g*g
	MOVUPS X3, (BX)
	SQRTPS X3, X5
	ADDPS  X13, X5  // sqrt(v) + eps
	MOVAPS X1, X6
	MULPS  X12, X6  // lr*m
	DIVPS  X5, X6   // lr*m / (sqrt(v) + eps)
	MOVUPS (DI), X7
	SUBPS  X6, X7
	MOVUPS X7, (DI)
	ADDQ   $16, SI
	ADDQ   $16, DX
	ADDQ   $16, BX
	ADDQ   $16, DI
	DECQ   CX
	JNZ    loop

done:
	RET

// ADAMCONSTS broadcasts the arguments b1, c1, b2, c2, lr and eps into
// Y8–Y13.
#define ADAMCONSTS(b1, c1, b2, c2, lr, eps) \
	VBROADCASTSS b1, Y8   \
	VBROADCASTSS c1, Y9   \
	VBROADCASTSS b2, Y10  \
	VBROADCASTSS c2, Y11  \
	VBROADCASTSS lr, Y12  \
	VBROADCASTSS eps, Y13

// ADAM8 takes the Adam step of 8 elements, g in Y0 and w in Y7, with
// adamSSE's operations in its order, stores m, v and w and moves the four
// pointers on.
#define ADAM8 \
	VMULPS  (DX), Y8, Y1  \ // b1*m
	VMULPS  Y0, Y9, Y2    \ // c1*g
	VADDPS  Y2, Y1, Y1    \ // m = b1*m + c1*g
	VMOVUPS Y1, (DX)      \
	VMULPS  (BX), Y10, Y3 \ // b2*v
	VMULPS  Y0, Y11, Y4   \ // c2*g
	VMULPS  Y0, Y4, Y4    \ // c2*g*g
	VADDPS  Y4, Y3, Y3    \ // v = b2*v + c2*g*g
	VMOVUPS Y3, (BX)      \
	VSQRTPS Y3, Y5        \
	VADDPS  Y13, Y5, Y5   \ // sqrt(v) + eps
	VMULPS  Y1, Y12, Y6   \ // lr*m
	VDIVPS  Y5, Y6, Y6    \ // lr*m / (sqrt(v) + eps)
	VSUBPS  Y6, Y7, Y7    \
	VMOVUPS Y7, (DI)      \
	ADDQ    $32, SI       \
	ADDQ    $32, DX       \
	ADDQ    $32, BX       \
	ADDQ    $32, DI

// func adamAVX2(w, m, v, grad *float32, n int, b1, c1, b2, c2, lr, eps float32)
//
// adamSSE eight at a time with AVX2 (n a multiple of 8): the same
// operations in the same order, unfused, so the same bits.
TEXT ·adamAVX2(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), DI
	MOVQ m+8(FP), DX
	MOVQ v+16(FP), BX
	MOVQ grad+24(FP), SI
	MOVQ n+32(FP), CX
	SHRQ $3, CX
	JZ   done8
	ADAMCONSTS(b1+40(FP), c1+44(FP), b2+48(FP), c2+52(FP), lr+56(FP), eps+60(FP))

loop8:
	VMOVUPS (SI), Y0 // g
	VMOVUPS (DI), Y7 // w
	ADAM8
	DECQ    CX
	JNZ     loop8

done8:
	VZEROUPPER
	RET

// func adamL2AVX2(w, m, v, grad *float32, n int, share, b1, c1, b2, c2, lr, eps float32)
//
// adamAVX2 on the gradient grad + share·w (the product rounded, then the
// sum, as an axpy would), which it leaves cleared: n a multiple of 8.
TEXT ·adamL2AVX2(SB), NOSPLIT, $0-68
	MOVQ         w+0(FP), DI
	MOVQ         m+8(FP), DX
	MOVQ         v+16(FP), BX
	MOVQ         grad+24(FP), SI
	MOVQ         n+32(FP), CX
	SHRQ         $3, CX
	JZ           doneL2
	VBROADCASTSS share+40(FP), Y14
	ADAMCONSTS(b1+44(FP), c1+48(FP), b2+52(FP), c2+56(FP), lr+60(FP), eps+64(FP))
	VXORPS       Y15, Y15, Y15

loopL2:
	VMOVUPS (DI), Y7     // w
	VMULPS  Y7, Y14, Y0  // share*w
	VADDPS  (SI), Y0, Y0 // g = grad + share*w
	VMOVUPS Y15, (SI)    // grad cleared
	ADAM8
	DECQ    CX
	JNZ     loopL2

doneL2:
	VZEROUPPER
	RET

// GTERM adds coef·row to Y0 for the 8 floats at byte offset R14 of the
// row at r, coef the float at byte offset off of R13: the product rounded,
// then the sum.
#define GTERM(load, r, off) \
	load((r)(R14*1))         \
	VBROADCASTSS off(R13), Y2 \
	VMULPS       Y1, Y2, Y1  \
	VADDPS       Y1, Y0, Y0

// GRADROWS sets Y0 to coef[0]·r0 + … + coef[cnt−1]·r(cnt−1) for the 8
// floats at byte offset R14 of rows r0–r3 (R8–R11), cnt in R12 (1 to 4),
// the coefficients at R13: each product rounded, then added to the sum
// from +0, as f32.AddRowsAt sums into a cleared row. load loads the 8
// floats at its address into Y1 (plainly or masked).
#define GRADROWS(load, done) \
	VXORPS Y0, Y0, Y0     \
	GTERM(load, R8, 0)    \
	CMPQ   R12, $2        \
	JLT    done           \
	GTERM(load, R9, 4)    \
	CMPQ   R12, $3        \
	JLT    done           \
	GTERM(load, R10, 8)   \
	CMPQ   R12, $4        \
	JLT    done           \
	GTERM(load, R11, 12)  \
done:

// LOADROW and LOADROWT load the 8 floats at addr into Y1, LOADROWT masked
// by Y15.
#define LOADROW(addr) VMOVUPS addr, Y1
#define LOADROWT(addr) VMASKMOVPS addr, Y15, Y1

// func adamRowL2AVX2(w, m, v *float32, n int, r0, r1, r2, r3 *float32, coef *[4]float32, cnt int, share, b1, c1, b2, c2, lr, eps float32, mask *int32)
//
// adamL2AVX2 on the gradient Σ coef[c]·rc (summed by GRADROWS) + share·w,
// for n ≥ 1 elements, the last n%8 masked by mask: the row's gradient is
// never stored. DI w, DX m, BX v, CX elements left, R14 their byte offset
// in the rows rc, Y14 share, Y15 the tail's mask.
TEXT ·adamRowL2AVX2(SB), NOSPLIT, $0-120
	MOVQ         w+0(FP), DI
	MOVQ         m+8(FP), DX
	MOVQ         v+16(FP), BX
	MOVQ         n+24(FP), CX
	MOVQ         r0+32(FP), R8
	MOVQ         r1+40(FP), R9
	MOVQ         r2+48(FP), R10
	MOVQ         r3+56(FP), R11
	MOVQ         coef+64(FP), R13
	MOVQ         cnt+72(FP), R12
	VBROADCASTSS share+80(FP), Y14
	ADAMCONSTS(b1+84(FP), c1+88(FP), b2+92(FP), c2+96(FP), lr+100(FP), eps+104(FP))
	XORQ         R14, R14

row8:
	CMPQ    CX, $8
	JLT     rowtail
	GRADROWS(LOADROW, sum8done)
	VMOVUPS (DI), Y7
	VMULPS  Y7, Y14, Y1
	VADDPS  Y1, Y0, Y0 // g = Σ + share*w
	ADAM8
	ADDQ    $32, R14
	SUBQ    $8, CX
	JMP     row8

rowtail:
	TESTQ      CX, CX
	JEQ        rowdone
	MOVQ       mask+112(FP), AX
	VMOVUPS    (AX), Y15
	GRADROWS(LOADROWT, sumtdone)
	VMASKMOVPS (DI), Y15, Y7
	VMULPS     Y7, Y14, Y1
	VADDPS     Y1, Y0, Y0
	VMASKMOVPS (DX), Y15, Y1
	VMULPS     Y1, Y8, Y1  // b1*m
	VMULPS     Y0, Y9, Y2  // c1*g
	VADDPS     Y2, Y1, Y1  // m = b1*m + c1*g
	VMASKMOVPS Y1, Y15, (DX)
	VMASKMOVPS (BX), Y15, Y3
	VMULPS     Y3, Y10, Y3 // b2*v
	VMULPS     Y0, Y11, Y4 // c2*g
	VMULPS     Y0, Y4, Y4  // c2*g*g
	VADDPS     Y4, Y3, Y3  // v = b2*v + c2*g*g
	VMASKMOVPS Y3, Y15, (BX)
	VSQRTPS    Y3, Y5
	VADDPS     Y13, Y5, Y5 // sqrt(v) + eps
	VMULPS     Y1, Y12, Y6 // lr*m
	VDIVPS     Y5, Y6, Y6  // lr*m / (sqrt(v) + eps)
	VSUBPS     Y6, Y7, Y7
	VMASKMOVPS Y7, Y15, (DI)

rowdone:
	VZEROUPPER
	RET
