package sparkals

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
)

// modelFile is the name, in recnet-ids, of what Write folded into the
// vectors: the sidecar that lets Read give back the model written.
const modelFile = "model.json"

// sidecarMax bounds the sidecar Read reads.
const sidecarMax = 1 << 20

// sidecar says how Write made the vectors of a model: its kind, settings
// and rating range, its number of factors, the columns after them, and
// the scale and offset.
type sidecar struct {
	Kind    string       `json:"kind"`
	Config  model.Config `json:"config"`
	Min     float64      `json:"min"`
	Max     float64      `json:"max"`
	Step    float64      `json:"step"`
	Dim     int          `json:"dim"`
	Columns []string     `json:"columns"`
	Scale   float64      `json:"scale"`
	Offset  float64      `json:"offset"`
}

// writeSidecar writes the sidecar of m's vectors f.
func writeSidecar(path string, m *model.Model, f factors) error {
	sc := sidecar{Kind: m.Net.Kind(), Config: m.Config, Min: m.Min, Max: m.Max, Step: m.Step,
		Dim: f.dim, Columns: f.columns, Scale: f.scale, Offset: f.offset}
	if sc.Columns == nil {
		sc.Columns = []string{}
	}
	js, err := json.Marshal(sc)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(js, '\n'))
		return err
	})
}

// check refuses a sidecar whose range, step or settings a model file
// could not hold, as model.Read refuses them in one, and a dot model's
// whose settings name another kind.
func (sc *sidecar) check() error {
	if err := model.CheckRange(sc.Min, sc.Max, sc.Step); err != nil {
		return err // it names the field: min, max or step
	}
	if err := sc.Config.Validate(); err != nil {
		return fmt.Errorf("field config: %w", err)
	}
	if k := sc.Config.WithDefaults().Kind; sc.Kind == model.DefaultKind && k != sc.Kind {
		return fmt.Errorf("field config: kind %s, and field kind %s", quote.Short(k), sc.Kind)
	}
	return nil
}

// restore returns the dot model Write wrote into dir, rebuilt exactly
// from the vectors (user and item, rank values a row) and the sidecar,
// or nil when there is no sidecar, it is of another kind, or the
// vectors do not give back the model's values to the bit: the factors
// are divided by the scale, which is exact when the scale is a power of
// two, and each value is checked by multiplying it again.
func restore(dir string, rank int, user, item []float32) (*model.Model, error) {
	path := filepath.Join(dir, idsDir, modelFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	defer f.Close()
	var sc sidecar
	if err := json.NewDecoder(io.LimitReader(f, sidecarMax)).Decode(&sc); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
	}
	if err := sc.check(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrLayout, path, err)
	}
	frac, _ := math.Frexp(sc.Scale)
	if sc.Kind != model.DefaultKind || sc.Config.SVDpp || sc.Dim < 1 || sc.Dim+len(sc.Columns) != rank || frac != 0.5 {
		return nil, nil
	}
	d, users, items := sc.Dim, len(user)/rank, len(item)/rank
	p, q := make([]float32, users*d), make([]float32, items*d)
	bu, bi := make([]float32, users), make([]float32, items)
	ok := true
	// unscale sets *dst to scaled/s, and ok false unless s·*dst is scaled.
	unscale := func(dst *float32, scaled float32) {
		*dst = float32(float64(scaled) / sc.Scale)
		ok = ok && float32(sc.Scale*float64(*dst)) == scaled
	}
	for u := range users {
		row := user[u*rank : (u+1)*rank]
		for j := range d {
			unscale(&p[u*d+j], row[j])
		}
		for k, c := range sc.Columns {
			switch v := row[d+k]; c {
			case colUserBias:
				unscale(&bu[u], v)
			case colOffset:
				ok = ok && v == float32(sc.Offset)
			case colItemBias:
				ok = ok && v == 1
			default:
				ok = false
			}
		}
	}
	for i := range items {
		row := item[i*rank : (i+1)*rank]
		copy(q[i*d:(i+1)*d], row[:d])
		for k, c := range sc.Columns {
			switch v := row[d+k]; c {
			case colItemBias:
				unscale(&bi[i], v)
			default:
				ok = ok && v == 1
			}
		}
	}
	if !ok {
		return nil, nil
	}
	net, err := model.Build(model.DefaultKind, sc.Config, []model.Param{
		{Name: "user_embedding", Rows: users, Cols: d, Data: p},
		{Name: "user_bias", Rows: users, Cols: 1, Data: bu},
		{Name: "item_embedding", Rows: items, Cols: d, Data: q},
		{Name: "item_bias", Rows: items, Cols: 1, Data: bi},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
	}
	return &model.Model{Config: sc.Config, Net: net, Min: sc.Min, Max: sc.Max, Step: sc.Step}, nil
}
