package dataset

import (
	"math/rand/v2"
	"strconv"
)

// PlantedConfig configures GeneratePlanted. A zero field takes its
// default.
type PlantedConfig struct {
	// Groups holds the number of users of each planted group (default 4
	// groups of 100).
	Groups []int
	// Items is the number of items each group owns (default 8): group g's
	// items are the inner ids g*Items to (g+1)*Items-1.
	Items int
	// Take is the number of its group's items each user takes, drawn
	// uniformly without repeats (default 5; at most Items).
	Take int
	// Rated draws each rating uniformly from 3, 4 and 5; without it every
	// value is 1 and the data set is Unrated, as a table of interactions.
	Rated bool
	// Seed drives every draw; 0 means 42.
	Seed uint64
}

func (c PlantedConfig) withDefaults() PlantedConfig {
	if len(c.Groups) == 0 {
		c.Groups = []int{100, 100, 100, 100}
	}
	if c.Items <= 0 {
		c.Items = 8
	}
	if c.Take <= 0 {
		c.Take = 5
	}
	c.Take = min(c.Take, c.Items)
	if c.Seed == 0 {
		c.Seed = 42
	}
	return c
}

// GeneratePlanted makes a known-answer data set of planted groups for the
// implicit task: each user takes items of its own group only, so a model
// that has found the structure ranks a user's untaken items of its group
// above every other group's. Groups of different sizes make their items
// differently popular, so that most-popular ranks the largest group's
// items first for every user and misses the others.
//
// Users come group by group, each user's rows together; raw user ids are
// "g<group>u<n>" and item ids "i0", "i1", ... in group order, and inner
// ids follow them. It returns the group of each inner user. The data set
// is named "planted"; the same cfg gives the same rows.
func GeneratePlanted(cfg PlantedConfig) (*Dataset, []int) {
	cfg = cfg.withDefaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x91a7ed))
	d := &Dataset{Name: "planted", Users: NewIDMap(nil), Items: NewIDMap(nil), Unrated: !cfg.Rated}
	for i := range len(cfg.Groups) * cfg.Items {
		d.Items.Add("i" + strconv.Itoa(i))
	}
	var group []int
	for g, n := range cfg.Groups {
		for k := range n {
			u := d.Users.Add("g" + strconv.Itoa(g) + "u" + strconv.Itoa(k))
			group = append(group, g)
			for _, j := range rng.Perm(cfg.Items)[:cfg.Take] {
				v := float32(1)
				if cfg.Rated {
					v = float32(3 + rng.IntN(3))
				}
				d.Append(u, int32(g*cfg.Items+j), v)
			}
		}
	}
	return d, group
}
