//go:build amd64 && !purego

#include "textflag.h"

// sigmoidAVX2 (sigmoid_amd64.go): DI dst, SI x, CX elements left, R8 the
// table of constants (32 bytes each), AX the tail's mask. Every element
// goes through the same instructions as sigmoidGeneric's steps, each
// rounded to float32: VMAXPS and VMINPS take y as their second source,
// so that a NaN passes the cut as Go's compares let it.

// SIG8 sets Y7 to the sigmoid of the 8 elements in Y1.
#define SIG8 \
	VMULPS     0(R8), Y1, Y1   \ // y = x · -log₂e
	VMOVUPS    32(R8), Y2      \
	VMAXPS     Y1, Y2, Y2      \ // max(-126, y)
	VMOVUPS    64(R8), Y3      \
	VMINPS     Y2, Y3, Y3      \ // min(126, ·)
	VADDPS     96(R8), Y3, Y4  \
	VCVTTPS2DQ Y4, Y4          \ // n = int(y + 126.5)
	VPSUBD     128(R8), Y4, Y5 \
	VCVTDQ2PS  Y5, Y5          \
	VSUBPS     Y5, Y3, Y5      \ // f = y - (n - 126)
	VMULPS     160(R8), Y5, Y6 \
	VADDPS     192(R8), Y6, Y6 \
	VMULPS     Y5, Y6, Y6      \
	VADDPS     224(R8), Y6, Y6 \
	VMULPS     Y5, Y6, Y6      \
	VADDPS     256(R8), Y6, Y6 \
	VMULPS     Y5, Y6, Y6      \
	VADDPS     288(R8), Y6, Y6 \
	VMULPS     Y5, Y6, Y6      \
	VADDPS     320(R8), Y6, Y6 \
	VMULPS     Y5, Y6, Y6      \ // p
	VADDPS     352(R8), Y6, Y6 \ // 1 + p
	VPADDD     384(R8), Y4, Y4 \
	VPSLLD     $23, Y4, Y4     \ // 2^(n-126)
	VMULPS     Y4, Y6, Y6      \ // e
	VADDPS     352(R8), Y6, Y6 \
	VMOVUPS    352(R8), Y7     \
	VDIVPS     Y6, Y7, Y7        // 1 / (1 + e)

// func sigmoidAVX2(dst, x *float32, n int, mask *int32, tab *[13][8]uint32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ tab+32(FP), R8

sig8:
	CMPQ    CX, $8
	JLT     sigtail
	VMOVUPS (SI), Y1
	SIG8
	VMOVUPS Y7, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     sig8

sigtail:
	TESTQ      CX, CX
	JEQ        sigdone
	MOVQ       mask+24(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (SI), Y9, Y1
	SIG8
	VMASKMOVPS Y7, Y9, (DI)

sigdone:
	VZEROUPPER
	RET

// SGRAD8 sets Y3 to dy·(y·(1−y)) for dy in Y1 and y in Y2, Y0 holding
// eight ones.
#define SGRAD8 \
	VSUBPS Y2, Y0, Y4 \ // 1 - y
	VMULPS Y4, Y2, Y4 \ // y·(1 - y)
	VMULPS Y4, Y1, Y3   // dy·(y·(1 - y))

// func sigmoidGradAVX2(dx, dy, y *float32, n int, mask *int32)
TEXT ·sigmoidGradAVX2(SB), NOSPLIT, $0-40
	MOVQ         dx+0(FP), DI
	MOVQ         dy+8(FP), SI
	MOVQ         y+16(FP), BX
	MOVQ         n+24(FP), CX
	MOVL         $0x3f800000, AX
	MOVL         AX, X0
	VPBROADCASTD X0, Y0

sgrad8:
	CMPQ    CX, $8
	JLT     sgradtail
	VMOVUPS (SI), Y1
	VMOVUPS (BX), Y2
	SGRAD8
	VMOVUPS Y3, (DI)
	ADDQ    $32, SI
	ADDQ    $32, BX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     sgrad8

sgradtail:
	TESTQ      CX, CX
	JEQ        sgraddone
	MOVQ       mask+32(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (SI), Y9, Y1
	VMASKMOVPS (BX), Y9, Y2
	SGRAD8
	VMASKMOVPS Y3, Y9, (DI)

sgraddone:
	VZEROUPPER
	RET

// ROWTERM(off, acc, tmp) adds Y9 times the 8 floats at byte offset off of
// the row at AX to acc: the product rounded, then the sum, as
// addRows4AVX2 does.
#define ROWTERM(off, acc, tmp) \
	VMULPS off(AX), Y9, tmp \
	VADDPS tmp, acc, acc

// ROWADDR sets AX to the address of column byte offset R14 of row
// rows[R13] and broadcasts a[R13] into Y9.
#define ROWADDR \
	MOVLQSX      (R10)(R13*4), AX \
	IMULQ        R9, AX           \
	ADDQ         BX, AX           \
	ADDQ         R14, AX          \
	VBROADCASTSS (R11)(R13*4), Y9

// func sigmoidRowsAVX2(dst, bias, tab *float32, stride int, rows *int32, a *float32, n, cols int, mask *int32, sig *[13][8]uint32)
//
// DI dst, SI bias, BX tab, R9 stride, R10 rows, R11 a, R12 n, CX columns
// left, R14 their byte offset, R13 the row, R8 the sigmoid's constants.
// Each column's sum starts from the bias and takes the rows in order.
TEXT ·sigmoidRowsAVX2(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), DI
	MOVQ bias+8(FP), SI
	MOVQ tab+16(FP), BX
	MOVQ stride+24(FP), R9
	MOVQ rows+32(FP), R10
	MOVQ a+40(FP), R11
	MOVQ n+48(FP), R12
	MOVQ cols+56(FP), CX
	MOVQ sig+72(FP), R8
	XORQ R14, R14

col32:
	CMPQ    CX, $32
	JLT     col8
	VMOVUPS 0(SI), Y10
	VMOVUPS 32(SI), Y11
	VMOVUPS 64(SI), Y12
	VMOVUPS 96(SI), Y13
	XORQ    R13, R13

row32:
	CMPQ R13, R12
	JGE  sig32
	ROWADDR
	ROWTERM(0, Y10, Y5)
	ROWTERM(32, Y11, Y6)
	ROWTERM(64, Y12, Y7)
	ROWTERM(96, Y13, Y14)
	INCQ R13
	JMP  row32

sig32:
	VMOVAPS Y10, Y1
	SIG8
	VMOVUPS Y7, 0(DI)
	VMOVAPS Y11, Y1
	SIG8
	VMOVUPS Y7, 32(DI)
	VMOVAPS Y12, Y1
	SIG8
	VMOVUPS Y7, 64(DI)
	VMOVAPS Y13, Y1
	SIG8
	VMOVUPS Y7, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	ADDQ    $128, R14
	SUBQ    $32, CX
	JMP     col32

col8:
	CMPQ    CX, $8
	JLT     coltail
	VMOVUPS (SI), Y10
	XORQ    R13, R13

row8:
	CMPQ R13, R12
	JGE  sig8r
	ROWADDR
	ROWTERM(0, Y10, Y5)
	INCQ R13
	JMP  row8

sig8r:
	VMOVAPS Y10, Y1
	SIG8
	VMOVUPS Y7, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R14
	SUBQ    $8, CX
	JMP     col8

coltail:
	TESTQ      CX, CX
	JEQ        rowsdone
	MOVQ       mask+64(FP), DX
	VMOVUPS    (DX), Y8
	VMASKMOVPS (SI), Y8, Y10
	XORQ       R13, R13

rowt:
	CMPQ       R13, R12
	JGE        sigt
	ROWADDR
	VMASKMOVPS (AX), Y8, Y5
	VMULPS     Y5, Y9, Y5
	VADDPS     Y5, Y10, Y10
	INCQ       R13
	JMP        rowt

sigt:
	VMOVAPS    Y10, Y1
	SIG8
	VMASKMOVPS Y7, Y8, (DI)

rowsdone:
	VZEROUPPER
	RET
