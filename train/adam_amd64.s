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
