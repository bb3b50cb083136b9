package sparkals

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/internal/quote"
	"github.com/recnet/recnet/model"
)

// ErrLayout is wrapped by Read's errors for a directory that is not a
// saved ALSModel Read accepts.
var ErrLayout = errors.New("sparkals: not a saved ALSModel")

// Spark's defaults for the implicit model's settings, which ReadOptions
// takes when zero.
const (
	SparkAlpha    = 1.0 // ALS.alpha
	SparkRegParam = 0.1 // ALS.regParam
)

// ReadOptions are Read's settings; the zero value reads ALS trained on
// ratings.
type ReadOptions struct {
	// Task is what ALS was trained on (Spark's saved model does not say):
	// model.TaskRating ("" too) for ratings (implicitPrefs false), read
	// as a dot net with a linear output, zero biases and no scaling;
	// model.TaskImplicit for implicit feedback, read as an ials net.
	Task string
	// Alpha and L2 are the implicit model's confidence weight and
	// penalty, which ials's fold-in uses; zero means SparkAlpha and
	// SparkRegParam. (recnet scales the penalty of a row by its
	// confidence sum, Spark's ALS by its number of interactions.)
	Alpha, L2 float64
}

// Restored reports whether m is a model Read gave back as Write wrote
// it: one with a rating range, where Read leaves none.
func Restored(m *model.Model) bool { return m.Min != 0 || m.Max != 0 }

// metadataMax bounds the metadata line Read reads.
const metadataMax = 1 << 20

// Read reads the saved ALSModel in dir (written by Spark or by Write)
// into a model whose score of (u, i) is the dot product of their
// vectors, as Spark's prediction is: see ReadOptions for its kind. Users
// and items are the rows of userFactors and itemFactors in the order of
// Spark's ids; their raw ids come from recnet-ids/users.csv and
// items.csv when present, else are Spark's ids in decimal. The model has
// no rating range (Min and Max 0), no seen items and no history: the
// caller sets what it knows. Errors wrap ErrLayout and name the file, the
// row and the field.
//
// A dot model Write wrote comes back as it was (its settings, biases,
// rating range and step, to the bit) when recnet-ids/model.json says how
// its vectors were made and they give its values back exactly: always
// for a model without scaling, and for one whose rating range spans a
// power of two (1..5, 3..5, 0..1). Then Restored reports true.
func Read(dir string, opt ReadOptions) (*model.Model, error) {
	cfg, err := readConfig(opt)
	if err != nil {
		return nil, err
	}
	rank, err := readMetadata(filepath.Join(dir, metadataDir))
	if err != nil {
		return nil, err
	}
	cfg.Dim = rank
	uids, user, err := readFactors(filepath.Join(dir, usersDir), rank)
	if err != nil {
		return nil, err
	}
	iids, item, err := readFactors(filepath.Join(dir, itemsDir), rank)
	if err != nil {
		return nil, err
	}
	users, err := rawIDs(filepath.Join(dir, idsDir, usersMap), "user", uids)
	if err != nil {
		return nil, err
	}
	items, err := rawIDs(filepath.Join(dir, idsDir, itemsMap), "item", iids)
	if err != nil {
		return nil, err
	}
	restored, err := restore(dir, rank, user, item)
	if err != nil {
		return nil, err
	}
	if restored != nil {
		if restored.Config.Implicit() != (cfg.Task == model.TaskImplicit) {
			task := func(implicit bool) string {
				if implicit {
					return model.TaskImplicit
				}
				return model.TaskRating
			}
			return nil, fmt.Errorf("%w: %s: recnet wrote a dot model of the %s task, not of the %s task", ErrLayout,
				filepath.Join(dir, idsDir, modelFile), task(restored.Config.Implicit()), task(cfg.Task == model.TaskImplicit))
		}
		restored.Users, restored.Items = dataset.NewIDMap(users), dataset.NewIDMap(items)
		return restored, nil
	}
	params := []model.Param{
		{Name: "user_embedding", Rows: len(uids), Cols: rank, Data: user},
		{Name: "item_embedding", Rows: len(iids), Cols: rank, Data: item},
	}
	if cfg.Kind == model.DefaultKind {
		params = append(params,
			model.Param{Name: "user_bias", Rows: len(uids), Cols: 1, Data: make([]float32, len(uids))},
			model.Param{Name: "item_bias", Rows: len(iids), Cols: 1, Data: make([]float32, len(iids))})
	}
	net, err := model.Build(cfg.Kind, cfg, params)
	if err != nil {
		return nil, fmt.Errorf("sparkals: %s: %w", dir, err)
	}
	return &model.Model{Config: cfg, Net: net, Users: dataset.NewIDMap(users), Items: dataset.NewIDMap(items)}, nil
}

// readConfig returns the settings of the model Read makes.
func readConfig(opt ReadOptions) (model.Config, error) {
	switch opt.Task {
	case "", model.TaskRating:
		if opt.Alpha != 0 || opt.L2 != 0 {
			return model.Config{}, errors.New("sparkals: alpha and l2 are the implicit task's settings")
		}
		return model.Config{Kind: model.DefaultKind,
			Training: model.Training{Task: model.TaskRating, NoScale: true},
			Settings: model.Settings{Activation: model.Linear}}, nil
	case model.TaskImplicit:
		alpha, l2 := opt.Alpha, opt.L2
		if alpha == 0 {
			alpha = SparkAlpha
		}
		if l2 == 0 {
			l2 = SparkRegParam
		}
		if !(alpha > 0) || !(l2 > 0) || math.IsInf(alpha, 0) || math.IsInf(l2, 0) {
			return model.Config{}, fmt.Errorf("sparkals: alpha %g and l2 %g must be positive and finite", alpha, l2)
		}
		return model.Config{Kind: model.IALSKind, Training: model.Training{Task: model.TaskImplicit},
			Settings: model.Settings{Alpha: alpha, L2: l2}}, nil
	}
	return model.Config{}, fmt.Errorf("sparkals: task %s: want %s or %s", quote.Short(opt.Task), model.TaskRating, model.TaskImplicit)
}

// readMetadata reads the first line of the metadata's first part file
// and returns the rank.
func readMetadata(dir string) (int, error) {
	parts, err := partFiles(dir, "")
	if err != nil {
		return 0, err
	}
	path := filepath.Join(dir, parts[0])
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, metadataMax+1)).ReadBytes('\n')
	if err != nil && err != io.EOF {
		return 0, fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
	}
	if len(line) > metadataMax {
		return 0, fmt.Errorf("%w: %s: line 1 is longer than %d bytes", ErrLayout, path, metadataMax)
	}
	var md struct {
		Class string           `json:"class"`
		Rank  *json.RawMessage `json:"rank"`
	}
	if err := json.Unmarshal(line, &md); err != nil {
		return 0, fmt.Errorf("%w: %s: line 1 is not a JSON object: %v", ErrLayout, path, err)
	}
	if md.Class != ModelClass {
		return 0, fmt.Errorf("%w: %s: field class is %s, want %s", ErrLayout, path, quote.Short(md.Class), ModelClass)
	}
	if md.Rank == nil {
		return 0, fmt.Errorf("%w: %s: no field rank", ErrLayout, path)
	}
	rank, err := strconv.Atoi(string(*md.Rank))
	if err != nil || rank < 1 || rank > MaxRank {
		return 0, fmt.Errorf("%w: %s: field rank is %s, want an integer from 1 to %d", ErrLayout, path, quote.Short(string(*md.Rank)), MaxRank)
	}
	return rank, nil
}

// partFiles returns the data files of a Spark output directory in name
// order: every entry but _SUCCESS and other names starting with _ or .,
// which Spark skips; with ext, each must end with it. A directory
// without one is refused, as is a subdirectory (a partitioned table).
func partFiles(dir, ext string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "_") || strings.HasPrefix(n, "."):
			continue
		case e.IsDir():
			return nil, fmt.Errorf("%w: %s holds the directory %s (a partitioned table)", ErrLayout, dir, quote.Short(n))
		case !strings.HasSuffix(n, ext):
			return nil, fmt.Errorf("%w: %s holds %s, not a %s file", ErrLayout, dir, quote.Short(n), ext)
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: %s has no part file", ErrLayout, dir)
	}
	slices.Sort(names)
	return names, nil
}
