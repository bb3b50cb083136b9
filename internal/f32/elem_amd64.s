//go:build amd64 && !purego

#include "textflag.h"

// The element-wise kernels of elem_amd64.go. Registers: DI dst, SI the
// first operand (x of ReLU, dy of ReLUGrad, a of Mul), BX the second (x of
// ReLUGrad, b of Mul), CX elements left; Y0/Z0 hold +0. Each runs blocks of
// 4 vectors, then single vectors, then one masked vector for the last
// n%8 (AVX2) or n%16 (AVX-512) elements. Every element is computed alone
// by the same instructions, whatever block it falls in.
//
// Predicate 0x16 of VCMPPS is NLE_UQ: "not x <= 0", true for x > 0 and for
// NaN. Lanes a masked load leaves out are +0, so their compare is false.

// RELU8 does dst = x & (x NLE 0) for 8 elements at byte offset off.
#define RELU8(off, y, m) \
	VMOVUPS off(SI), y        \
	VCMPPS  $0x16, Y0, y, m   \
	VANDPS  y, m, m           \
	VMOVUPS m, off(DI)

// func reluAVX2(dst, x *float32, n int, mask *int32)
TEXT ·reluAVX2(SB), NOSPLIT, $0-32
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	CMPQ   CX, $32
	JLT    relu8

relu32:
	RELU8(0, Y1, Y5)
	RELU8(32, Y2, Y6)
	RELU8(64, Y3, Y7)
	RELU8(96, Y4, Y8)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE  relu32

relu8:
	CMPQ CX, $8
	JLT  relutail
	RELU8(0, Y1, Y5)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  relu8

relutail:
	TESTQ      CX, CX
	JEQ        reludone
	MOVQ       mask+24(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (SI), Y9, Y1
	VCMPPS     $0x16, Y0, Y1, Y5
	VANDPS     Y1, Y5, Y5
	VMASKMOVPS Y5, Y9, (DI)

reludone:
	VZEROUPPER
	RET

// GRAD8 does dx = dy & (x NLE 0) for 8 elements at byte offset off.
#define GRAD8(off, m) \
	VMOVUPS off(BX), m        \
	VCMPPS  $0x16, Y0, m, m   \
	VANDPS  off(SI), m, m     \
	VMOVUPS m, off(DI)

// func reluGradAVX2(dx, dy, x *float32, n int, mask *int32)
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-40
	MOVQ   dx+0(FP), DI
	MOVQ   dy+8(FP), SI
	MOVQ   x+16(FP), BX
	MOVQ   n+24(FP), CX
	VXORPS Y0, Y0, Y0
	CMPQ   CX, $32
	JLT    grad8

grad32:
	GRAD8(0, Y1)
	GRAD8(32, Y2)
	GRAD8(64, Y3)
	GRAD8(96, Y4)
	ADDQ $128, SI
	ADDQ $128, BX
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE  grad32

grad8:
	CMPQ CX, $8
	JLT  gradtail
	GRAD8(0, Y1)
	ADDQ $32, SI
	ADDQ $32, BX
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  grad8

gradtail:
	TESTQ      CX, CX
	JEQ        graddone
	MOVQ       mask+32(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (BX), Y9, Y1
	VCMPPS     $0x16, Y0, Y1, Y1
	VMASKMOVPS (SI), Y9, Y2
	VANDPS     Y2, Y1, Y1
	VMASKMOVPS Y1, Y9, (DI)

graddone:
	VZEROUPPER
	RET

// MUL8 does dst = a·b for 8 elements at byte offset off, a the first
// source as in the Go loop's MULSS.
#define MUL8(off, y) \
	VMOVUPS off(SI), y        \
	VMULPS  off(BX), y, y     \
	VMOVUPS y, off(DI)

// func mulAVX2(dst, a, b *float32, n int, mask *int32)
TEXT ·mulAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ n+24(FP), CX
	CMPQ CX, $32
	JLT  mul8

mul32:
	MUL8(0, Y1)
	MUL8(32, Y2)
	MUL8(64, Y3)
	MUL8(96, Y4)
	ADDQ $128, SI
	ADDQ $128, BX
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE  mul32

mul8:
	CMPQ CX, $8
	JLT  multail
	MUL8(0, Y1)
	ADDQ $32, SI
	ADDQ $32, BX
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  mul8

multail:
	TESTQ      CX, CX
	JEQ        muldone
	MOVQ       mask+32(FP), AX
	VMOVUPS    (AX), Y9
	VMASKMOVPS (SI), Y9, Y1
	VMASKMOVPS (BX), Y9, Y2
	VMULPS     Y2, Y1, Y1
	VMASKMOVPS Y1, Y9, (DI)

muldone:
	VZEROUPPER
	RET

// TAILMASK sets K7 to the low CX bits (CX < 16).
#define TAILMASK \
	MOVL  $1, AX  \
	SHLL  CX, AX  \
	DECL  AX      \
	KMOVW AX, K7

// RELU16 does dst = x where x NLE 0, else +0, for 16 elements.
#define RELU16(off, z, k) \
	VMOVUPS   off(SI), z       \
	VCMPPS    $0x16, Z0, z, k  \
	VMOVUPS.Z z, k, z          \
	VMOVUPS   z, off(DI)

// func relu512(dst, x *float32, n int)
TEXT ·relu512(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	CMPQ   CX, $64
	JLT    reluz16

reluz64:
	RELU16(0, Z1, K1)
	RELU16(64, Z2, K2)
	RELU16(128, Z3, K3)
	RELU16(192, Z4, K4)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	CMPQ CX, $64
	JGE  reluz64

reluz16:
	CMPQ CX, $16
	JLT  reluztail
	RELU16(0, Z1, K1)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  reluz16

reluztail:
	TESTQ CX, CX
	JEQ   reluzdone
	TAILMASK
	VMOVUPS.Z (SI), K7, Z1
	VCMPPS    $0x16, Z0, Z1, K1
	VMOVUPS.Z Z1, K1, Z1
	VMOVUPS   Z1, K7, (DI)

reluzdone:
	VZEROUPPER
	RET

// GRAD16 does dx = dy where x NLE 0, else +0, for 16 elements; dy is read
// only where it is kept.
#define GRAD16(off, z, k) \
	VMOVUPS   off(BX), z       \
	VCMPPS    $0x16, Z0, z, k  \
	VMOVUPS.Z off(SI), k, z    \
	VMOVUPS   z, off(DI)

// func reluGrad512(dx, dy, x *float32, n int)
TEXT ·reluGrad512(SB), NOSPLIT, $0-32
	MOVQ   dx+0(FP), DI
	MOVQ   dy+8(FP), SI
	MOVQ   x+16(FP), BX
	MOVQ   n+24(FP), CX
	VXORPS Y0, Y0, Y0
	CMPQ   CX, $64
	JLT    gradz16

gradz64:
	GRAD16(0, Z1, K1)
	GRAD16(64, Z2, K2)
	GRAD16(128, Z3, K3)
	GRAD16(192, Z4, K4)
	ADDQ $256, SI
	ADDQ $256, BX
	ADDQ $256, DI
	SUBQ $64, CX
	CMPQ CX, $64
	JGE  gradz64

gradz16:
	CMPQ CX, $16
	JLT  gradztail
	GRAD16(0, Z1, K1)
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  gradz16

gradztail:
	TESTQ CX, CX
	JEQ   gradzdone
	TAILMASK
	// x's lanes past the end load as +0, so K1 is within K7 and dy is
	// not read past its end either.
	VMOVUPS.Z (BX), K7, Z1
	VCMPPS    $0x16, Z0, Z1, K1
	VMOVUPS.Z (SI), K1, Z1
	VMOVUPS   Z1, K7, (DI)

gradzdone:
	VZEROUPPER
	RET

// MUL16 does dst = a·b for 16 elements, a the first source.
#define MUL16(off, z) \
	VMOVUPS off(SI), z     \
	VMULPS  off(BX), z, z  \
	VMOVUPS z, off(DI)

// func mul512(dst, a, b *float32, n int)
TEXT ·mul512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ n+24(FP), CX
	CMPQ CX, $64
	JLT  mulz16

mulz64:
	MUL16(0, Z1)
	MUL16(64, Z2)
	MUL16(128, Z3)
	MUL16(192, Z4)
	ADDQ $256, SI
	ADDQ $256, BX
	ADDQ $256, DI
	SUBQ $64, CX
	CMPQ CX, $64
	JGE  mulz64

mulz16:
	CMPQ CX, $16
	JLT  mulztail
	MUL16(0, Z1)
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  mulz16

mulztail:
	TESTQ CX, CX
	JEQ   mulzdone
	TAILMASK
	VMOVUPS.Z (SI), K7, Z1
	VMOVUPS.Z (BX), K7, Z2
	VMULPS    Z2, Z1, Z1
	VMOVUPS   Z1, K7, (DI)

mulzdone:
	VZEROUPPER
	RET
