package model

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// BlendKind is the name of the blend kind (see Blend).
const BlendKind = "blend"

// blendTable names the table of a blend's weights and intercept.
const blendTable = "blend_weights"

// Blend is a non-negative linear blend of member nets of the rating task:
//
//	score(u, i) = c + Σ_k w_k · s_k(u, i),   w_k ≥ 0,
//
// where s_k is member k's score on the training scale, which every member
// shares with the blend (the same ids, rating range and no_scale). The
// members are fitted on the training part and the weights and intercept
// c by non-negative least squares on the validation part (train's
// fitter). Config.Members holds the members' settings.
//
// In a model file a blend is one net: its members' tables, each named
// "m<k>/<name>" for member k, and the table blend_weights (one row: the
// weights, then the intercept).
type Blend struct {
	Members []Net
	Configs []Config // the members' settings, as Config.Members holds them
	// Weights holds one weight a member, then the intercept c.
	Weights []float32

	users, items int // the ids the members' tables hold (Sizes)
}

// DefaultBlendMembers are the member kinds of a blend given none.
var DefaultBlendMembers = []string{DefaultKind, mfKind, biasKind}

func init() {
	members := make([]Config, len(DefaultBlendMembers))
	for k, name := range DefaultBlendMembers {
		members[k] = Config{Kind: name}
	}
	Register(Kind{
		Name:      BlendKind,
		Doc:       "a non-negative linear blend of rating kinds (recnet blend --kinds), weights fitted on the validation part",
		Defaults:  Config{Members: &members},
		Reads:     []string{"no_scale", "task"},
		Fixed:     map[string]string{"task": TaskRating},
		Why:       "a blend's members train with their own settings (recnet blend sets them), and its weights are fitted by non-negative least squares (rating task)",
		FitsValid: true,
		Build:     buildBlend,
		Count: func(c Config, users, items int) int64 {
			n := int64(len(c.MemberList()) + 1)
			for _, mc := range c.MemberList() {
				n += mc.Params(users, items)
			}
			return n
		},
		Describe: describeBlend,
		Check:    checkBlend,
	})
}

// NewBlend returns the blend of members (nets of the settings configs)
// with weights (one a member, then the intercept), for users users and
// items items.
func NewBlend(members []Net, configs []Config, weights []float32, users, items int) *Blend {
	return &Blend{Members: members, Configs: configs, Weights: weights, users: users, items: items}
}

// describeBlend describes each member, as its kind does.
func describeBlend(c Config) string {
	var parts []string
	for _, mc := range c.MemberList() {
		mc = mc.WithDefaults()
		parts = append(parts, mc.Kind+" ("+mc.Describe()+")")
	}
	return "non-negative blend, weights by least squares on the validation part, of " + strings.Join(parts, "; ")
}

// checkBlend refuses a blend without members, a member of an unknown
// kind, a nested blend, a member of the implicit task (ials, ease), a
// member unscaled (no_scale) in a scaled blend (a member takes the
// blend's no_scale), and members' settings their kinds refuse.
func checkBlend(c Config) error {
	members := c.MemberList()
	if len(members) == 0 {
		return errors.New("model: a blend needs members")
	}
	for k, mc := range members {
		mc = mc.WithDefaults()
		kind, ok := Lookup(mc.Kind)
		switch {
		case !ok:
			return fmt.Errorf("model: blend member %d: unknown kind %s (known: %v)", k+1, strconv.Quote(mc.Kind), Kinds())
		case mc.Kind == BlendKind:
			return fmt.Errorf("model: blend member %d is a blend: blends do not nest", k+1)
		case mc.Implicit() || kind.Fixed["task"] == TaskImplicit:
			return fmt.Errorf("model: blend member %d: %s learns the implicit task; a blend's members predict ratings", k+1, mc.Kind)
		case mc.NoScale && !c.NoScale:
			return fmt.Errorf("model: blend member %d (%s) trains unscaled (no_scale) and the blend scaled; members share the blend's scale", k+1, mc.Kind)
		}
		if err := mc.Validate(); err != nil {
			return fmt.Errorf("model: blend member %d (%s): %w", k+1, mc.Kind, err)
		}
	}
	return nil
}

// memberTable returns the name of member k's table name in a blend's
// file.
func memberTable(k int, name string) string { return "m" + strconv.Itoa(k) + "/" + name }

// splitMemberTable returns the member and the name of a table that
// memberTable named.
func splitMemberTable(table string) (k int, name string, ok bool) {
	head, name, ok := strings.Cut(table, "/")
	if !ok || !strings.HasPrefix(head, "m") {
		return 0, "", false
	}
	k, err := strconv.Atoi(head[1:])
	if err != nil || k < 0 || strconv.Itoa(k) != head[1:] {
		return 0, "", false
	}
	return k, name, true
}

// buildBlend rebuilds a blend from its members' tables and its weights:
// each member as its kind builds it, all holding the same ids.
func buildBlend(cfg Config, params []Param) (Net, error) {
	configs := cfg.MemberList()
	if err := checkBlend(cfg.WithDefaults()); err != nil {
		return nil, err
	}
	w, err := findParam(params, blendTable, 1, len(configs)+1)
	if err != nil {
		return nil, err
	}
	for k, v := range w[:len(configs)] {
		if !(v >= 0) {
			return nil, fmt.Errorf("model: blend weight %d is %v, not at least 0", k+1, v)
		}
	}
	tables := make([][]Param, len(configs))
	for _, p := range params {
		if p.Name == blendTable {
			continue
		}
		k, name, ok := splitMemberTable(p.Name)
		if !ok || k >= len(configs) {
			return nil, fmt.Errorf("model: table %s belongs to none of the blend's %d members", strconv.Quote(p.Name), len(configs))
		}
		p.Name = name
		tables[k] = append(tables[k], p)
	}
	b := &Blend{Configs: configs, Weights: w, users: -1, items: -1}
	for k, mc := range configs {
		net, err := Build(mc.WithDefaults().Kind, mc, tables[k])
		if err != nil {
			return nil, fmt.Errorf("blend member %d: %w", k+1, err)
		}
		if fn, ok := net.(featureNet); ok && fn.FeatureRows() > 0 {
			return nil, fmt.Errorf("model: blend member %d holds item features, which a blend does not keep", k+1)
		}
		if err := b.addSizes(k, net, tables[k]); err != nil {
			return nil, err
		}
		b.Members = append(b.Members, net)
	}
	if b.users < 0 || b.items < 0 {
		return nil, errors.New("model: no blend member holds a table of users and one of items, to check the ids against")
	}
	return b, nil
}

// addSizes checks the ids member k's tables hold (as a Sizer says, or by
// the rows of its id-indexed tables) against those of the members before.
func (b *Blend) addSizes(k int, net Net, tables []Param) error {
	users, items := -1, -1
	if s, ok := net.(Sizer); ok {
		users, items = s.Sizes()
	}
	for _, p := range tables {
		n := &items
		switch p.Name {
		case "user_embedding", "user_bias":
			n = &users
		case "item_embedding", "item_bias":
		default:
			continue
		}
		if *n >= 0 && *n != p.Rows {
			return fmt.Errorf("model: blend member %d: table %s has %d rows for %d ids", k+1, p.Name, p.Rows, *n)
		}
		*n = p.Rows
	}
	for _, d := range []struct {
		what string
		have *int
		got  int
	}{{"users", &b.users, users}, {"items", &b.items, items}} {
		if d.got < 0 {
			continue
		}
		if *d.have >= 0 && *d.have != d.got {
			return fmt.Errorf("model: blend member %d holds %d %s, the members before it %d", k+1, d.got, d.what, *d.have)
		}
		*d.have = d.got
	}
	return nil
}

// Kind returns "blend".
func (b *Blend) Kind() string { return BlendKind }

// Sizes returns the numbers of users and items the members hold.
func (b *Blend) Sizes() (users, items int) { return b.users, b.items }

// Intercept returns the blend's intercept c.
func (b *Blend) Intercept() float32 { return b.Weights[len(b.Members)] }

// Score returns c + Σ_k w_k s_k(u, i), on the training scale.
func (b *Blend) Score(u, i int32) float32 {
	s := b.Intercept()
	for k, m := range b.Members {
		s += b.Weights[k] * m.Score(u, i)
	}
	return s
}

// Params returns every member's tables, named "m<k>/<name>", then the
// weights and the intercept (blend_weights).
func (b *Blend) Params() []Param {
	var out []Param
	for k, m := range b.Members {
		for _, p := range m.Params() {
			p.Name = memberTable(k, p.Name)
			out = append(out, p)
		}
	}
	return append(out, Param{Name: blendTable, Rows: 1, Cols: len(b.Weights), Data: b.Weights})
}

// SummaryRows lists every member's layers, named as their tables are,
// then the blend's weights.
func (b *Blend) SummaryRows() []SummaryRow {
	var out []SummaryRow
	for k, m := range b.Members {
		for _, r := range m.SummaryRows() {
			r.Name = memberTable(k, r.Name)
			out = append(out, r)
		}
	}
	return append(out, SummaryRow{Name: blendTable, Type: "Dense", Output: "(None, 1)", Params: len(b.Weights)})
}

// TrainableParams returns the parameters the members' optimizers train
// (the weights are fitted in closed form).
func (b *Blend) TrainableParams() int {
	n := 0
	for _, m := range b.Members {
		switch t := m.(type) {
		case Trainable:
			n += t.TrainableParams()
		default:
			if k, ok := Lookup(m.Kind()); ok && k.Trained() {
				for _, p := range m.Params() {
					n += p.Rows * p.Cols
				}
			}
		}
	}
	return n
}

// Member returns member k of m's blend as a model of its own: its net and
// settings with m's ids, rating range and seen items, for scoring it
// alone (a report beside the blend, say). It returns nil when m's net is
// not a blend or has no member k.
func (m *Model) Member(k int) *Model {
	b, ok := m.Net.(*Blend)
	if !ok || k < 0 || k >= len(b.Members) {
		return nil
	}
	return &Model{Config: b.Configs[k], Net: b.Members[k], Users: m.Users, Items: m.Items,
		Min: m.Min, Max: m.Max, Step: m.Step, Seen: m.Seen}
}

// blendMember is a member's embedding tables (user_embedding,
// item_embedding) and the scale of its rows in the blend's.
type blendMember struct {
	tabs  [2]Param
	scale float32
}

// embeddingMembers returns the members of b whose tables Embeddings puts
// side by side, and the columns of those in all, without copying a table.
func (b *Blend) embeddingMembers() (ms []blendMember, cols int) {
	for k, m := range b.Members {
		var e blendMember
		for _, p := range m.Params() {
			switch p.Name {
			case "user_embedding":
				e.tabs[0] = p
			case "item_embedding":
				e.tabs[1] = p
			}
		}
		if e.tabs[0].Cols == 0 || e.tabs[0].Cols != e.tabs[1].Cols || !(b.Weights[k] > 0) {
			continue
		}
		e.scale = float32(math.Sqrt(float64(b.Weights[k])))
		ms = append(ms, e)
		cols += e.tabs[0].Cols
	}
	return ms, cols
}

// Embeddings returns the blend's user and item embeddings: the rows of
// the members that hold both tables and a weight above 0, side by side,
// each member's scaled by √w_k, so that a user's row dotted with an
// item's is Σ_k w_k <p_k, q_k>, the blended factor part of the score (all
// of it but the biases and the intercept for dot members of a linear
// output and mf members). Export writes them and Similar compares them;
// none when no member has embeddings.
func (b *Blend) Embeddings() []Param {
	ms, cols := b.embeddingMembers()
	if cols == 0 {
		return nil
	}
	return []Param{embeddingTable(ms, cols, 0), embeddingTable(ms, cols, 1)}
}

// itemEmbeddings returns Embeddings' item table alone, or none.
func (b *Blend) itemEmbeddings() []Param {
	ms, cols := b.embeddingMembers()
	if cols == 0 {
		return nil
	}
	return []Param{embeddingTable(ms, cols, 1)}
}

// embeddingTable returns Embeddings' user (t 0) or item (t 1) table of
// the members ms, whose tables have cols columns in all.
func embeddingTable(ms []blendMember, cols, t int) Param {
	rows := ms[0].tabs[t].Rows
	p := Param{Name: [2]string{"user_embedding", "item_embedding"}[t], Rows: rows, Cols: cols, Data: make([]float32, rows*cols)}
	off := 0
	for _, e := range ms {
		src := e.tabs[t]
		for r := range min(rows, src.Rows) {
			for c := range src.Cols {
				p.Data[r*cols+off+c] = e.scale * src.Data[r*src.Cols+c]
			}
		}
		off += src.Cols
	}
	return p
}
