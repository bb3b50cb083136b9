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
