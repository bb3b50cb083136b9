//go:build amd64 && !purego

#include "textflag.h"

// TAILMASK sets K7 to the low CX bits (CX < 16).
#define TAILMASK \
	MOVL  $1, AX  \
	SHLL  CX, AX  \
	DECL  AX      \
	KMOVW AX, K7

// func dotSSE(p, q *float32, n int) float32
//
// Four lanes in X0: MULPS then ADDPS per four elements (the Go loop's
// s_k += p*q, no fused multiply-add), the rest into lane 0 one by one,
// then (s0+s1) + (s2+s3).
TEXT ·dotSSE(SB), NOSPLIT, $0-28
	MOVQ  p+0(FP), SI
	MOVQ  q+8(FP), DI
	MOVQ  n+16(FP), CX
	XORPS X0, X0
	MOVQ  CX, DX
	SHRQ  $2, DX
	JZ    dottail

dotloop:
	MOVUPS (SI), X1
	MOVUPS (DI), X2
	MULPS  X2, X1
	ADDPS  X1, X0
	ADDQ   $16, SI
	ADDQ   $16, DI
	DECQ   DX
	JNZ    dotloop

dottail:
	ANDQ $3, CX
	JZ   dotsum

dottailloop:
	MOVSS (SI), X1
	MULSS (DI), X1
	ADDSS X1, X0
	ADDQ  $4, SI
	ADDQ  $4, DI
	DECQ  CX
	JNZ   dottailloop

dotsum:
	MOVAPS  X0, X1
	SHUFPS  $0xB1, X1, X1 // s1 s0 s3 s2
	ADDPS   X0, X1        // s0+s1 . s2+s3 .
	MOVHLPS X1, X2        // s2+s3
	ADDSS   X2, X1
	MOVSS   X1, ret+24(FP)
	RET

// func subScaled512(w, gr *float32, n int, s float32)
TEXT ·subScaled512(SB), NOSPLIT, $0-28
	MOVQ         w+0(FP), DI
	MOVQ         gr+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Z10

subfull:
	CMPQ    CX, $16
	JLT     subtail
	VMULPS  (SI), Z10, Z0
	VMOVUPS (DI), Z1
	VSUBPS  Z0, Z1, Z1
	VMOVUPS Z1, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     subfull

subtail:
	TESTQ     CX, CX
	JEQ       subdone
	TAILMASK
	VMOVUPS.Z (SI), K7, Z0
	VMULPS    Z0, Z10, Z0
	VMOVUPS.Z (DI), K7, Z1
	VSUBPS    Z0, Z1, Z1
	VMOVUPS   Z1, K7, (DI)

subdone:
	VZEROUPPER
	RET

// SUB8 does w -= s·g (s in Y10) for 8 elements at byte offset off.
#define SUB8(off, y, z) \
	VMULPS  off(SI), Y10, y \
	VMOVUPS off(DI), z      \
	VSUBPS  y, z, z         \
	VMOVUPS z, off(DI)

// func subScaledAVX2(w, gr *float32, n int, s float32, mask *int32)
TEXT ·subScaledAVX2(SB), NOSPLIT, $0-40
	MOVQ         w+0(FP), DI
	MOVQ         gr+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Y10
	CMPQ         CX, $32
	JLT          sub8

sub32:
	SUB8(0, Y0, Y1)
	SUB8(32, Y2, Y3)
	SUB8(64, Y4, Y5)
	SUB8(96, Y6, Y7)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE  sub32

sub8:
	CMPQ CX, $8
	JLT  sub2tail
	SUB8(0, Y0, Y1)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  sub8

sub2tail:
	TESTQ      CX, CX
	JEQ        sub2done
	MOVQ       mask+32(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (SI), Y9, Y0
	VMULPS     Y0, Y10, Y0
	VMASKMOVPS (DI), Y9, Y1
	VSUBPS     Y0, Y1, Y1
	VMASKMOVPS Y1, Y9, (DI)

sub2done:
	VZEROUPPER
	RET

// func dot4SSE(p0, p1, p2, p3, q *float32, quads int, acc *[16]float32)
//
// dotSSE's loop on four rows at once against one q: row r's four lanes in
// X(r), MULPS then ADDPS per four elements, the four chains independent;
// acc gets the lanes, row by row, for Go to finish.
TEXT ·dot4SSE(SB), NOSPLIT, $0-56
	MOVQ  p0+0(FP), R8
	MOVQ  p1+8(FP), R9
	MOVQ  p2+16(FP), R10
	MOVQ  p3+24(FP), R11
	MOVQ  q+32(FP), DI
	MOVQ  quads+40(FP), DX
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3
	XORQ  AX, AX
	TESTQ DX, DX
	JZ    dot4done

dot4loop:
	MOVUPS (DI)(AX*1), X8
	MOVUPS (R8)(AX*1), X4
	MULPS  X8, X4
	ADDPS  X4, X0
	MOVUPS (R9)(AX*1), X5
	MULPS  X8, X5
	ADDPS  X5, X1
	MOVUPS (R10)(AX*1), X6
	MULPS  X8, X6
	ADDPS  X6, X2
	MOVUPS (R11)(AX*1), X7
	MULPS  X8, X7
	ADDPS  X7, X3
	ADDQ   $16, AX
	DECQ   DX
	JNZ    dot4loop

dot4done:
	MOVQ   acc+48(FP), SI
	MOVUPS X0, (SI)
	MOVUPS X1, 16(SI)
	MOVUPS X2, 32(SI)
	MOVUPS X3, 48(SI)
	RET

// ADD4(off) adds a0·r0 … a3·r3 (a in Y10–Y13) to the 8 floats of dst at
// byte offset off, each product rounded, in row order.
#define ADD4(off) \
	VMOVUPS off(DI), Y0     \
	VMULPS  off(R8), Y10, Y1 \
	VADDPS  Y1, Y0, Y0      \
	VMULPS  off(R9), Y11, Y2 \
	VADDPS  Y2, Y0, Y0      \
	VMULPS  off(R10), Y12, Y3 \
	VADDPS  Y3, Y0, Y0      \
	VMULPS  off(R11), Y13, Y4 \
	VADDPS  Y4, Y0, Y0      \
	VMOVUPS Y0, off(DI)

// func addRows4AVX2(dst, r0, r1, r2, r3 *float32, n int, a *[4]float32, mask *int32)
TEXT ·addRows4AVX2(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         r0+8(FP), R8
	MOVQ         r1+16(FP), R9
	MOVQ         r2+24(FP), R10
	MOVQ         r3+32(FP), R11
	MOVQ         n+40(FP), CX
	MOVQ         a+48(FP), AX
	VBROADCASTSS 0(AX), Y10
	VBROADCASTSS 4(AX), Y11
	VBROADCASTSS 8(AX), Y12
	VBROADCASTSS 12(AX), Y13

add8:
	CMPQ CX, $8
	JLT  addtail
	ADD4(0)
	ADDQ $32, DI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, R11
	SUBQ $8, CX
	JMP  add8

addtail:
	TESTQ      CX, CX
	JEQ        adddone
	MOVQ       mask+56(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (DI), Y9, Y0
	VMASKMOVPS (R8), Y9, Y5
	VMULPS     Y5, Y10, Y1
	VADDPS     Y1, Y0, Y0
	VMASKMOVPS (R9), Y9, Y5
	VMULPS     Y5, Y11, Y2
	VADDPS     Y2, Y0, Y0
	VMASKMOVPS (R10), Y9, Y5
	VMULPS     Y5, Y12, Y3
	VADDPS     Y3, Y0, Y0
	VMASKMOVPS (R11), Y9, Y5
	VMULPS     Y5, Y13, Y4
	VADDPS     Y4, Y0, Y0
	VMASKMOVPS Y0, Y9, (DI)

adddone:
	VZEROUPPER
	RET

// TO1(off, p, y) adds y·x (x's 8 floats in Y0) to the 8 floats at byte
// offset off of row p: load, product, sum, store, one row after another,
// so that a row given twice takes both in turn.
#define TO1(off, p, y) \
	VMULPS  Y0, y, Y1    \
	VADDPS  off(p), Y1, Y1 \
	VMOVUPS Y1, off(p)

// func addToRows4AVX2(r0, r1, r2, r3, x *float32, n int, a *[4]float32, mask *int32)
TEXT ·addToRows4AVX2(SB), NOSPLIT, $0-64
	MOVQ         r0+0(FP), R8
	MOVQ         r1+8(FP), R9
	MOVQ         r2+16(FP), R10
	MOVQ         r3+24(FP), R11
	MOVQ         x+32(FP), SI
	MOVQ         n+40(FP), CX
	MOVQ         a+48(FP), AX
	VBROADCASTSS 0(AX), Y10
	VBROADCASTSS 4(AX), Y11
	VBROADCASTSS 8(AX), Y12
	VBROADCASTSS 12(AX), Y13

to8:
	CMPQ    CX, $8
	JLT     totail
	VMOVUPS (SI), Y0
	TO1(0, R8, Y10)
	TO1(0, R9, Y11)
	TO1(0, R10, Y12)
	TO1(0, R11, Y13)
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, R11
	SUBQ    $8, CX
	JMP     to8

totail:
	TESTQ      CX, CX
	JEQ        todone
	MOVQ       mask+56(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (SI), Y9, Y0
	VMASKMOVPS (R8), Y9, Y2
	VMULPS     Y0, Y10, Y1
	VADDPS     Y2, Y1, Y1
	VMASKMOVPS Y1, Y9, (R8)
	VMASKMOVPS (R9), Y9, Y2
	VMULPS     Y0, Y11, Y1
	VADDPS     Y2, Y1, Y1
	VMASKMOVPS Y1, Y9, (R9)
	VMASKMOVPS (R10), Y9, Y2
	VMULPS     Y0, Y12, Y1
	VADDPS     Y2, Y1, Y1
	VMASKMOVPS Y1, Y9, (R10)
	VMASKMOVPS (R11), Y9, Y2
	VMULPS     Y0, Y13, Y1
	VADDPS     Y2, Y1, Y1
	VMASKMOVPS Y1, Y9, (R11)

todone:
	VZEROUPPER
	RET
