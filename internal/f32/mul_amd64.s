//go:build amd64 && !purego

#include "textflag.h"

// Register use of gemm16 and gemm8 (R14 too in gemm16's 6-row blocks:
// ABI0 code may clobber it, Go restores it on return):
//	DX  dst of the current row block	R10 ldd in bytes
//	SI  A(r0, 0) of the current row block	R8  ars in bytes, R9 3·ars
//	R11 acs in bytes			BX  b, R12 ldb in bytes
//	CX  rows left				R13 k left in the inner loop
//	AX  A(r0, j)				DI  b row j
// Every block shape sums an element in one accumulator from zero, one FMA
// per j in increasing j, then adds the old dst once (acc): see gemm16's
// doc comment in mul_amd64.go.

// func gemm16(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, acc bool)
TEXT ·gemm16(SB), NOSPLIT, $0-73
	MOVQ dst+0(FP), DX
	MOVQ ldd+8(FP), R10
	SHLQ $2, R10
	MOVQ a+16(FP), SI
	MOVQ ars+24(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	MOVQ acs+32(FP), R11
	SHLQ $2, R11
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), R12
	SHLQ $2, R12
	MOVQ m+56(FP), CX
	CMPQ CX, $6
	JLT  g16rows4

	// Blocks of 6 rows: 12 accumulators; R14 points at A(r0+3, j).
g16rows6:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	MOVQ   SI, AX
	LEAQ   (SI)(R9*1), R14
	MOVQ   BX, DI
	MOVQ   k+64(FP), R13

g16loop6:
	VMOVUPS      (DI), Y12
	VMOVUPS      32(DI), Y13
	VBROADCASTSS (AX), Y14
	VBROADCASTSS (AX)(R8*1), Y15
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (AX)(R8*2), Y14
	VBROADCASTSS (R14), Y15
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (R14)(R8*1), Y14
	VBROADCASTSS (R14)(R8*2), Y15
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ         R11, AX
	ADDQ         R11, R14
	ADDQ         R12, DI
	DECQ         R13
	JNZ          g16loop6

	LEAQ (R10)(R10*2), AX
	ADDQ DX, AX
	CMPB acc+72(FP), $0
	JEQ  g16store6
	VADDPS (DX), Y0, Y0
	VADDPS 32(DX), Y1, Y1
	VADDPS (DX)(R10*1), Y2, Y2
	VADDPS 32(DX)(R10*1), Y3, Y3
	VADDPS (DX)(R10*2), Y4, Y4
	VADDPS 32(DX)(R10*2), Y5, Y5
	VADDPS (AX), Y6, Y6
	VADDPS 32(AX), Y7, Y7
	VADDPS (AX)(R10*1), Y8, Y8
	VADDPS 32(AX)(R10*1), Y9, Y9
	VADDPS (AX)(R10*2), Y10, Y10
	VADDPS 32(AX)(R10*2), Y11, Y11

g16store6:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, (DX)(R10*1)
	VMOVUPS Y3, 32(DX)(R10*1)
	VMOVUPS Y4, (DX)(R10*2)
	VMOVUPS Y5, 32(DX)(R10*2)
	VMOVUPS Y6, (AX)
	VMOVUPS Y7, 32(AX)
	VMOVUPS Y8, (AX)(R10*1)
	VMOVUPS Y9, 32(AX)(R10*1)
	VMOVUPS Y10, (AX)(R10*2)
	VMOVUPS Y11, 32(AX)(R10*2)
	LEAQ    (AX)(R10*2), DX
	ADDQ    R10, DX
	LEAQ    (SI)(R9*2), SI
	SUBQ    $6, CX
	CMPQ    CX, $6
	JGE     g16rows6

	// At most one block of 4 rows, then single rows.
g16rows4:
	CMPQ CX, $4
	JLT  g16rows1
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ SI, AX
	MOVQ BX, DI
	MOVQ k+64(FP), R13

g16loop4:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (AX), Y10
	VBROADCASTSS (AX)(R8*1), Y11
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (AX)(R8*2), Y12
	VBROADCASTSS (AX)(R9*1), Y13
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         R11, AX
	ADDQ         R12, DI
	DECQ         R13
	JNZ          g16loop4

	LEAQ (R10)(R10*2), AX
	CMPB acc+72(FP), $0
	JEQ  g16store4
	VADDPS (DX), Y0, Y0
	VADDPS 32(DX), Y1, Y1
	VADDPS (DX)(R10*1), Y2, Y2
	VADDPS 32(DX)(R10*1), Y3, Y3
	VADDPS (DX)(R10*2), Y4, Y4
	VADDPS 32(DX)(R10*2), Y5, Y5
	VADDPS (DX)(AX*1), Y6, Y6
	VADDPS 32(DX)(AX*1), Y7, Y7

g16store4:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, (DX)(R10*1)
	VMOVUPS Y3, 32(DX)(R10*1)
	VMOVUPS Y4, (DX)(R10*2)
	VMOVUPS Y5, 32(DX)(R10*2)
	VMOVUPS Y6, (DX)(AX*1)
	VMOVUPS Y7, 32(DX)(AX*1)
	LEAQ    (DX)(R10*4), DX
	LEAQ    (SI)(R8*4), SI
	SUBQ    $4, CX

g16rows1:
	TESTQ CX, CX
	JEQ   g16done

g16row1:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ   SI, AX
	MOVQ   BX, DI
	MOVQ   k+64(FP), R13

g16loop1:
	VBROADCASTSS (AX), Y10
	VFMADD231PS  (DI), Y10, Y0
	VFMADD231PS  32(DI), Y10, Y1
	ADDQ         R11, AX
	ADDQ         R12, DI
	DECQ         R13
	JNZ          g16loop1

	CMPB acc+72(FP), $0
	JEQ  g16store1
	VADDPS (DX), Y0, Y0
	VADDPS 32(DX), Y1, Y1

g16store1:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	ADDQ    R10, DX
	ADDQ    R8, SI
	DECQ    CX
	JNZ     g16row1

g16done:
	VZEROUPPER
	RET

// func gemm8(dst *float32, ldd int, a *float32, ars, acs int, b *float32, ldb int, m, k int, mask *int32, acc bool)
TEXT ·gemm8(SB), NOSPLIT, $0-81
	MOVQ    dst+0(FP), DX
	MOVQ    ldd+8(FP), R10
	SHLQ    $2, R10
	MOVQ    a+16(FP), SI
	MOVQ    ars+24(FP), R8
	SHLQ    $2, R8
	LEAQ    (R8)(R8*2), R9
	MOVQ    acs+32(FP), R11
	SHLQ    $2, R11
	MOVQ    b+40(FP), BX
	MOVQ    ldb+48(FP), R12
	SHLQ    $2, R12
	MOVQ    mask+72(FP), AX
	VMOVDQU (AX), Y15
	MOVQ    m+56(FP), CX
	CMPQ    CX, $4
	JLT     g8rows1

g8rows4:
	VXORPS Y0, Y0, Y0
	VXORPS Y2, Y2, Y2
	VXORPS Y4, Y4, Y4
	VXORPS Y6, Y6, Y6
	MOVQ   SI, AX
	MOVQ   BX, DI
	MOVQ   k+64(FP), R13

g8loop4:
	VMASKMOVPS   (DI), Y15, Y8
	VBROADCASTSS (AX), Y10
	VBROADCASTSS (AX)(R8*1), Y11
	VBROADCASTSS (AX)(R8*2), Y12
	VBROADCASTSS (AX)(R9*1), Y13
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y8, Y13, Y6
	ADDQ         R11, AX
	ADDQ         R12, DI
	DECQ         R13
	JNZ          g8loop4

	LEAQ (R10)(R10*2), AX
	CMPB acc+80(FP), $0
	JEQ  g8store4
	VMASKMOVPS (DX), Y15, Y8
	VADDPS     Y8, Y0, Y0
	VMASKMOVPS (DX)(R10*1), Y15, Y8
	VADDPS     Y8, Y2, Y2
	VMASKMOVPS (DX)(R10*2), Y15, Y8
	VADDPS     Y8, Y4, Y4
	VMASKMOVPS (DX)(AX*1), Y15, Y8
	VADDPS     Y8, Y6, Y6

g8store4:
	VMASKMOVPS Y0, Y15, (DX)
	VMASKMOVPS Y2, Y15, (DX)(R10*1)
	VMASKMOVPS Y4, Y15, (DX)(R10*2)
	VMASKMOVPS Y6, Y15, (DX)(AX*1)
	LEAQ       (DX)(R10*4), DX
	LEAQ       (SI)(R8*4), SI
	SUBQ       $4, CX
	CMPQ       CX, $4
	JGE        g8rows4

g8rows1:
	TESTQ CX, CX
	JEQ   g8done

g8row1:
	VXORPS Y0, Y0, Y0
	MOVQ   SI, AX
	MOVQ   BX, DI
	MOVQ   k+64(FP), R13

g8loop1:
	VMASKMOVPS   (DI), Y15, Y8
	VBROADCASTSS (AX), Y10
	VFMADD231PS  Y8, Y10, Y0
	ADDQ         R11, AX
	ADDQ         R12, DI
	DECQ         R13
	JNZ          g8loop1

	CMPB acc+80(FP), $0
	JEQ  g8store1
	VMASKMOVPS (DX), Y15, Y8
	VADDPS     Y8, Y0, Y0

g8store1:
	VMASKMOVPS Y0, Y15, (DX)
	ADDQ       R10, DX
	ADDQ       R8, SI
	DECQ       CX
	JNZ        g8row1

g8done:
	VZEROUPPER
	RET

// func dotRows(dst, a, b *float32, m, k int, mask *int32, acc bool)
TEXT ·dotRows(SB), NOSPLIT, $0-49
	MOVQ    dst+0(FP), DX
	MOVQ    a+8(FP), SI
	MOVQ    b+16(FP), BX
	MOVQ    m+24(FP), CX
	MOVQ    k+32(FP), R8
	MOVQ    R8, R9
	SHRQ    $3, R8
	ANDQ    $7, R9
	MOVQ    mask+40(FP), AX
	VMOVDQU (AX), Y15
	MOVBLZX acc+48(FP), R10

dotrow:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ   BX, DI
	MOVQ   R8, R11
	TESTQ  R11, R11
	JEQ    dottail

dotchunk:
	VMOVUPS     (SI), Y2
	VFMADD231PS (DI), Y2, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        R11
	JNZ         dotchunk

dottail:
	TESTQ       R9, R9
	JEQ         dotsum
	VMASKMOVPS  (SI), Y15, Y2
	VMASKMOVPS  (DI), Y15, Y3
	VFMADD231PS Y3, Y2, Y0
	LEAQ        (SI)(R9*4), SI

dotsum:
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VMOVHLPS     X0, X0, X1
	VADDPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VADDSS       X1, X0, X0
	TESTQ        R10, R10
	JEQ          dotstore
	VADDSS       (DX), X0, X0

dotstore:
	VMOVSS X0, (DX)
	ADDQ   $4, DX
	DECQ   CX
	JNZ    dotrow
	VZEROUPPER
	RET

// func adamAVX(w, m, v, grad *float32, n int, b1, c1, b2, c2, lr, eps float32)
TEXT ·adamAVX(SB), NOSPLIT, $0-64
	MOVQ         w+0(FP), DI
	MOVQ         m+8(FP), DX
	MOVQ         v+16(FP), BX
	MOVQ         grad+24(FP), SI
	MOVQ         n+32(FP), CX
	SHRQ         $3, CX
	VBROADCASTSS b1+40(FP), Y10
	VBROADCASTSS c1+44(FP), Y11
	VBROADCASTSS b2+48(FP), Y12
	VBROADCASTSS c2+52(FP), Y13
	VBROADCASTSS lr+56(FP), Y14
	VBROADCASTSS eps+60(FP), Y15

adamloop:
	VMOVUPS     (SI), Y0
	VMULPS      (DX), Y10, Y1
	VFMADD231PS Y0, Y11, Y1
	VMULPS      Y0, Y0, Y3
	VMULPS      (BX), Y12, Y2
	VFMADD231PS Y3, Y13, Y2
	VMOVUPS     Y1, (DX)
	VMOVUPS     Y2, (BX)
	VSQRTPS     Y2, Y4
	VADDPS      Y15, Y4, Y4
	VMULPS      Y14, Y1, Y5
	VDIVPS      Y4, Y5, Y5
	VMOVUPS     (DI), Y6
	VSUBPS      Y5, Y6, Y6
	VMOVUPS     Y6, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DX
	ADDQ        $32, BX
	ADDQ        $32, DI
	DECQ        CX
	JNZ         adamloop
	VZEROUPPER
	RET

// func transpose8(dst, src *float32, ld, ldd, rows, cols int)
TEXT ·transpose8(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ ldd+24(FP), R9
	SHLQ $2, R9
	LEAQ (R8)(R8*2), R10
	LEAQ (R9)(R9*2), R11
	MOVQ rows+32(FP), CX
	SHRQ $3, CX
	JEQ  trdone

trrows:
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ cols+40(FP), DX
	SHRQ $3, DX
	JEQ  trnext

trblock:
	LEAQ    (AX)(R8*4), R12
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(R8*1), Y1
	VMOVUPS (AX)(R8*2), Y2
	VMOVUPS (AX)(R10*1), Y3
	VMOVUPS (R12), Y4
	VMOVUPS (R12)(R8*1), Y5
	VMOVUPS (R12)(R8*2), Y6
	VMOVUPS (R12)(R10*1), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	LEAQ    (BX)(R9*4), R13
	VMOVUPS Y8, (BX)
	VMOVUPS Y9, (BX)(R9*1)
	VMOVUPS Y10, (BX)(R9*2)
	VMOVUPS Y11, (BX)(R11*1)
	VMOVUPS Y12, (R13)
	VMOVUPS Y13, (R13)(R9*1)
	VMOVUPS Y14, (R13)(R9*2)
	VMOVUPS Y15, (R13)(R11*1)

	ADDQ $32, AX
	LEAQ (BX)(R9*8), BX
	DECQ DX
	JNZ  trblock

trnext:
	LEAQ (SI)(R8*8), SI
	ADDQ $32, DI
	DECQ CX
	JNZ  trrows

trdone:
	VZEROUPPER
	RET
