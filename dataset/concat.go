package dataset

// Concat returns the rows of every part, in order, as new columns.
func Concat(parts ...Ratings) Ratings {
	n := 0
	for _, p := range parts {
		n += p.Len()
	}
	out := Ratings{User: make([]int32, 0, n), Item: make([]int32, 0, n), Value: make([]float32, 0, n)}
	for _, p := range parts {
		out.User = append(out.User, p.User...)
		out.Item = append(out.Item, p.Item...)
		out.Value = append(out.Value, p.Value...)
	}
	return out
}
