//go:build amd64 && !purego

#include "textflag.h"

// SUM8 adds the eight lanes of Y (whose low half is X) into the low float
// of X0 as lanes8 does: ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)).
#define SUM8(Y, X) \
	VEXTRACTF128 $1, Y, X0 \
	VADDPS       X, X0, X0 \
	VMOVHLPS     X0, X0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVSHDUP    X0, X1     \
	VADDSS       X1, X0, X0

// func blockStepAVX2(p, q *float32, n int, e, l2, ap, aq float32) (sp, sq float32)
TEXT ·blockStepAVX2(SB), NOSPLIT, $0-48
	MOVQ         p+0(FP), DI
	MOVQ         q+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS e+24(FP), Y8
	VBROADCASTSS l2+28(FP), Y9
	VBROADCASTSS ap+32(FP), Y10
	VBROADCASTSS aq+36(FP), Y11
	VXORPS       Y12, Y12, Y12
	VXORPS       Y13, Y13, Y13

loop:
	VMOVUPS (DI), Y0
	VMOVUPS (SI), Y1
	VMULPS  Y0, Y9, Y2   // l2 p
	VMULPS  Y1, Y8, Y3   // e q
	VSUBPS  Y3, Y2, Y2   // gp
	VMULPS  Y1, Y9, Y4   // l2 q
	VMULPS  Y0, Y8, Y5   // e p
	VSUBPS  Y5, Y4, Y4   // gq
	VMULPS  Y2, Y2, Y6
	VADDPS  Y6, Y12, Y12
	VMULPS  Y4, Y4, Y7
	VADDPS  Y7, Y13, Y13
	VMULPS  Y2, Y10, Y2
	VSUBPS  Y2, Y0, Y0   // p - ap gp
	VMULPS  Y4, Y11, Y4
	VSUBPS  Y4, Y1, Y1   // q - aq gq
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (SI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JNZ     loop

	SUM8(Y12, X12)
	VMOVSS X0, sp+40(FP)
	SUM8(Y13, X13)
	VMOVSS X0, sq+44(FP)
	VZEROUPPER
	RET
