//go:build !linux

package dataset

// adviseHuge does nothing where transparent huge pages are not known.
func adviseHuge[T any](b []T) {}
