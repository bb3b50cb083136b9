package dataset

// Concat returns the rows of every part, in order, as new columns. The
// result has a Time column when every part with rows has one.
func Concat(parts ...Ratings) Ratings {
	n, timed := 0, false
	for _, p := range parts {
		n += p.Len()
	}
	for _, p := range parts {
		if p.Len() > 0 {
			timed = p.Time != nil
			if !timed {
				break
			}
		}
	}
	out := Ratings{User: make([]int32, 0, n), Item: make([]int32, 0, n), Value: make([]float32, 0, n)}
	if timed {
		out.Time = make([]int64, 0, n)
	}
	for _, p := range parts {
		out.User = append(out.User, p.User...)
		out.Item = append(out.Item, p.Item...)
		out.Value = append(out.Value, p.Value...)
		if timed {
			out.Time = append(out.Time, p.Time...)
		}
	}
	return out
}
