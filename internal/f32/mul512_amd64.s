//go:build amd64 && !purego

#include "textflag.h"

// The AVX-512 kernels use the registers of gemm16 in mul_amd64.s, plus R14
// for A(r0+4, j) in the 8-row loops and 3·ldd bytes around the stores
// (ABI0 code may clobber R14; Go restores it on return). As in gemm16,
// every block shape (8, 4 or 1 rows) sums an element in one accumulator
// from zero, one FMA per j in increasing j, then adds the old dst once
// (acc): a row's result does not depend on the block it falls in.

// ZERO8 clears the accumulators of an 8-row block of one zmm per row.
#define ZERO8(r0, r1, r2, r3, r4, r5, r6, r7) \
	VPXORD r0, r0, r0 \
	VPXORD r1, r1, r1 \
	VPXORD r2, r2, r2 \
	VPXORD r3, r3, r3 \
	VPXORD r4, r4, r4 \
	VPXORD r5, r5, r5 \
	VPXORD r6, r6, r6 \
	VPXORD r7, r7, r7

// BCAST8 broadcasts A(r0..r0+7, j) into Z18..Z25.
#define BCAST8 \
	VBROADCASTSS (AX), Z18 \
	VBROADCASTSS (AX)(R8*1), Z19 \
	VBROADCASTSS (AX)(R8*2), Z20 \
	VBROADCASTSS (AX)(R9*1), Z21 \
	VBROADCASTSS (R14), Z22 \
	VBROADCASTSS (R14)(R8*1), Z23 \
	VBROADCASTSS (R14)(R8*2), Z24 \
	VBROADCASTSS (R14)(R9*1), Z25

// FMA8 adds b·Z18..Z25 to the accumulators of eight rows.
#define FMA8(b, r0, r1, r2, r3, r4, r5, r6, r7) \
	VFMADD231PS b, Z18, r0 \
	VFMADD231PS b, Z19, r1 \
	VFMADD231PS b, Z20, r2 \
	VFMADD231PS b, Z21, r3 \
	VFMADD231PS b, Z22, r4 \
	VFMADD231PS b, Z23, r5 \
	VFMADD231PS b, Z24, r6 \
	VFMADD231PS b, Z25, r7

// SETROWS8 points AX at dst row 4 and R14 at 3·ldd bytes, for the stores.
#define SETROWS8 \
	LEAQ (DX)(R10*4), AX \
	LEAQ (R10)(R10*2), R14

// ADD8 adds the eight dst rows at offset off to the accumulators.
#define ADD8(off, r0, r1, r2, r3, r4, r5, r6, r7) \
	VADDPS off(DX), r0, r0 \
	VADDPS off(DX)(R10*1), r1, r1 \
	VADDPS off(DX)(R10*2), r2, r2 \
	VADDPS off(DX)(R14*1), r3, r3 \
	VADDPS off(AX), r4, r4 \
	VADDPS off(AX)(R10*1), r5, r5 \
	VADDPS off(AX)(R10*2), r6, r6 \
	VADDPS off(AX)(R14*1), r7, r7

// STORE8 stores the accumulators to the eight dst rows at offset off.
#define STORE8(off, r0, r1, r2, r3, r4, r5, r6, r7) \
	VMOVUPS r0, off(DX) \
	VMOVUPS r1, off(DX)(R10*1) \
	VMOVUPS r2, off(DX)(R10*2) \
	VMOVUPS r3, off(DX)(R14*1) \
	VMOVUPS r4, off(AX) \
	VMOVUPS r5, off(AX)(R10*1) \
	VMOVUPS r6, off(AX)(R10*2) \
	VMOVUPS r7, off(AX)(R14*1)

// BCAST4, FMA4, ADD4 and STORE4 are BCAST8 (into Z18..Z21), FMA8, ADD8
// and STORE8 for a block of four rows, with R14 = 3·ldd bytes.
#define BCAST4 \
	VBROADCASTSS (AX), Z18 \
	VBROADCASTSS (AX)(R8*1), Z19 \
	VBROADCASTSS (AX)(R8*2), Z20 \
	VBROADCASTSS (AX)(R9*1), Z21

#define FMA4(b, r0, r1, r2, r3) \
	VFMADD231PS b, Z18, r0 \
	VFMADD231PS b, Z19, r1 \
	VFMADD231PS b, Z20, r2 \
	VFMADD231PS b, Z21, r3

#define ADD4(off, r0, r1, r2, r3) \
	VADDPS off(DX), r0, r0 \
	VADDPS off(DX)(R10*1), r1, r1 \
	VADDPS off(DX)(R10*2), r2, r2 \
	VADDPS off(DX)(R14*1), r3, r3

#define STORE4(off, r0, r1, r2, r3) \
	VMOVUPS r0, off(DX) \
	VMOVUPS r1, off(DX)(R10*1) \
	VMOVUPS r2, off(DX)(R10*2) \
	VMOVUPS r3, off(DX)(R14*1)

// LOADARGS loads the arguments common to gemm32z and gemm16z.
#define LOADARGS \
	MOVQ dst+0(FP), DX \
	MOVQ ldd+8(FP), R10 \
	SHLQ $2, R10 \
	MOVQ a+16(FP), SI \
	MOVQ ars+24(FP), R8 \
	SHLQ $2, R8 \
	LEAQ (R8)(R8*2), R9 \
	MOVQ acs+32(FP), R11 \
	SHLQ $2, R11 \
	MOVQ b+40(FP), BX \
	MOVQ ldb+48(FP), R12 \
	SHLQ $2, R12 \
	MOVQ m+56(FP), CX

// func gemm32z(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, acc bool)
TEXT ·gemm32z(SB), NOSPLIT, $0-73
	LOADARGS
	CMPQ CX, $8
	JLT  z32rows4

z32rows8:
	ZERO8(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ZERO8(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	MOVQ SI, AX
	LEAQ (SI)(R8*4), R14
	MOVQ BX, DI
	MOVQ k+64(FP), R13

z32loop8:
	VMOVUPS (DI), Z16
	VMOVUPS 64(DI), Z17
	BCAST8
	FMA8(Z16, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	FMA8(Z17, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ R11, AX
	ADDQ R11, R14
	ADDQ R12, DI
	DECQ R13
	JNZ  z32loop8

	SETROWS8
	CMPB acc+72(FP), $0
	JEQ  z32store8
	ADD8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADD8(64, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)

z32store8:
	STORE8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	STORE8(64, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	LEAQ (AX)(R10*4), DX
	LEAQ (SI)(R8*8), SI
	SUBQ $8, CX
	CMPQ CX, $8
	JGE  z32rows8

	// At most one block of 4 rows, then single rows.
z32rows4:
	CMPQ CX, $4
	JLT  z32rows1
	ZERO8(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	MOVQ SI, AX
	MOVQ BX, DI
	MOVQ k+64(FP), R13

z32loop4:
	VMOVUPS (DI), Z16
	VMOVUPS 64(DI), Z17
	BCAST4
	FMA4(Z16, Z0, Z1, Z2, Z3)
	FMA4(Z17, Z4, Z5, Z6, Z7)
	ADDQ R11, AX
	ADDQ R12, DI
	DECQ R13
	JNZ  z32loop4

	LEAQ (R10)(R10*2), R14
	CMPB acc+72(FP), $0
	JEQ  z32store4
	ADD4(0, Z0, Z1, Z2, Z3)
	ADD4(64, Z4, Z5, Z6, Z7)

z32store4:
	STORE4(0, Z0, Z1, Z2, Z3)
	STORE4(64, Z4, Z5, Z6, Z7)
	LEAQ (DX)(R10*4), DX
	LEAQ (SI)(R8*4), SI
	SUBQ $4, CX

z32rows1:
	TESTQ CX, CX
	JEQ   z32done

z32row1:
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	MOVQ   SI, AX
	MOVQ   BX, DI
	MOVQ   k+64(FP), R13

z32loop1:
	VBROADCASTSS (AX), Z18
	VFMADD231PS  (DI), Z18, Z0
	VFMADD231PS  64(DI), Z18, Z1
	ADDQ         R11, AX
	ADDQ         R12, DI
	DECQ         R13
	JNZ          z32loop1

	CMPB acc+72(FP), $0
	JEQ    z32store1
	VADDPS (DX), Z0, Z0
	VADDPS 64(DX), Z1, Z1

z32store1:
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	ADDQ    R10, DX
	ADDQ    R8, SI
	DECQ    CX
	JNZ     z32row1

z32done:
	VZEROUPPER
	RET

// func gemm16z(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, mask uint16, acc bool)
TEXT ·gemm16z(SB), NOSPLIT, $0-75
	LOADARGS
	MOVWLZX mask+72(FP), AX
	KMOVW   AX, K1
	CMPQ    CX, $8
	JLT     z16rows4

z16rows8:
	ZERO8(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	MOVQ SI, AX
	LEAQ (SI)(R8*4), R14
	MOVQ BX, DI
	MOVQ k+64(FP), R13

z16loop8:
	VMOVUPS.Z (DI), K1, Z16
	BCAST8
	FMA8(Z16, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADDQ      R11, AX
	ADDQ      R11, R14
	ADDQ      R12, DI
	DECQ      R13
	JNZ       z16loop8

	SETROWS8
	CMPB acc+74(FP), $0
	JEQ  z16store8
	VMOVUPS.Z (DX), K1, Z16
	VADDPS    Z16, Z0, Z0
	VMOVUPS.Z (DX)(R10*1), K1, Z16
	VADDPS    Z16, Z1, Z1
	VMOVUPS.Z (DX)(R10*2), K1, Z16
	VADDPS    Z16, Z2, Z2
	VMOVUPS.Z (DX)(R14*1), K1, Z16
	VADDPS    Z16, Z3, Z3
	VMOVUPS.Z (AX), K1, Z16
	VADDPS    Z16, Z4, Z4
	VMOVUPS.Z (AX)(R10*1), K1, Z16
	VADDPS    Z16, Z5, Z5
	VMOVUPS.Z (AX)(R10*2), K1, Z16
	VADDPS    Z16, Z6, Z6
	VMOVUPS.Z (AX)(R14*1), K1, Z16
	VADDPS    Z16, Z7, Z7

z16store8:
	VMOVUPS Z0, K1, (DX)
	VMOVUPS Z1, K1, (DX)(R10*1)
	VMOVUPS Z2, K1, (DX)(R10*2)
	VMOVUPS Z3, K1, (DX)(R14*1)
	VMOVUPS Z4, K1, (AX)
	VMOVUPS Z5, K1, (AX)(R10*1)
	VMOVUPS Z6, K1, (AX)(R10*2)
	VMOVUPS Z7, K1, (AX)(R14*1)
	LEAQ    (AX)(R10*4), DX
	LEAQ    (SI)(R8*8), SI
	SUBQ    $8, CX
	CMPQ    CX, $8
	JGE     z16rows8

	// At most one block of 4 rows, then single rows.
z16rows4:
	CMPQ CX, $4
	JLT  z16rows1
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ   SI, AX
	MOVQ   BX, DI
	MOVQ   k+64(FP), R13

z16loop4:
	VMOVUPS.Z (DI), K1, Z16
	BCAST4
	FMA4(Z16, Z0, Z1, Z2, Z3)
	ADDQ      R11, AX
	ADDQ      R12, DI
	DECQ      R13
	JNZ       z16loop4

	LEAQ (R10)(R10*2), R14
	CMPB acc+74(FP), $0
	JEQ  z16store4
	VMOVUPS.Z (DX), K1, Z16
	VADDPS    Z16, Z0, Z0
	VMOVUPS.Z (DX)(R10*1), K1, Z16
	VADDPS    Z16, Z1, Z1
	VMOVUPS.Z (DX)(R10*2), K1, Z16
	VADDPS    Z16, Z2, Z2
	VMOVUPS.Z (DX)(R14*1), K1, Z16
	VADDPS    Z16, Z3, Z3

z16store4:
	VMOVUPS Z0, K1, (DX)
	VMOVUPS Z1, K1, (DX)(R10*1)
	VMOVUPS Z2, K1, (DX)(R10*2)
	VMOVUPS Z3, K1, (DX)(R14*1)
	LEAQ    (DX)(R10*4), DX
	LEAQ    (SI)(R8*4), SI
	SUBQ    $4, CX

z16rows1:
	TESTQ CX, CX
	JEQ   z16done

z16row1:
	VPXORD Z0, Z0, Z0
	MOVQ   SI, AX
	MOVQ   BX, DI
	MOVQ   k+64(FP), R13

z16loop1:
	VMOVUPS.Z    (DI), K1, Z16
	VBROADCASTSS (AX), Z18
	VFMADD231PS  Z16, Z18, Z0
	ADDQ         R11, AX
	ADDQ         R12, DI
	DECQ         R13
	JNZ          z16loop1

	CMPB acc+74(FP), $0
	JEQ    z16store1
	VMOVUPS.Z (DX), K1, Z16
	VADDPS    Z16, Z0, Z0

z16store1:
	VMOVUPS Z0, K1, (DX)
	ADDQ    R10, DX
	ADDQ    R8, SI
	DECQ    CX
	JNZ     z16row1

z16done:
	VZEROUPPER
	RET
