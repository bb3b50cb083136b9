//go:build !amd64

package train

// adamVec handles no elements outside amd64: optim.apply's loop does all.
func adamVec(w, g, m, v []float32, b1, c1, b2, c2, lr, eps float32) int { return 0 }
