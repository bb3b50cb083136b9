package dataset

// denseMax bounds the numeric ids an idCache indexes directly (16 MB of
// table at most, touched only where ids are).
const denseMax = 1 << 22

// idCache speeds up interning raw ids that are small decimal numbers, as
// MovieLens' and most exported tables' ids are: such an id indexes a table
// of inner ids instead of hashing a string. The IDMap stays the truth; the
// cache only remembers what it answered.
type idCache struct {
	m     *IDMap
	dense []int32 // dense[v] = inner id + 1 of the id written v, 0 if unknown
}

// intern returns the inner id of the raw id b, adding it to the map if it
// is new. It does not allocate for an id seen before.
func (c *idCache) intern(b []byte) int32 {
	v, ok := smallDecimal(b)
	if !ok {
		return c.m.addBytes(b)
	}
	if v < len(c.dense) {
		if id := c.dense[v]; id != 0 {
			return id - 1
		}
	} else {
		// Grow geometrically; make returns fresh zero pages, so a
		// large, sparse table only costs the pages its ids touch.
		n := min(max(v+1, 2*len(c.dense), 1024), denseMax)
		dense := make([]int32, n)
		copy(dense, c.dense)
		c.dense = dense
	}
	id := c.m.addBytes(b)
	c.dense[v] = id + 1
	return id
}

// smallDecimal parses b as a decimal number below denseMax written without
// sign or leading zeros (so that b is the only way to write it).
func smallDecimal(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 7 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c-'0' > 9 {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, v < denseMax
}
