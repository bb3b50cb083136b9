package model

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Trainable is implemented by nets only some of whose parameters are trained
// by the optimizer. Summary counts every parameter of other nets as
// trainable, except those of kinds fitted in one step (mean, bias: not
// Kind.Trained), which count as non-trainable.
type Trainable interface {
	// TrainableParams returns how many parameters the optimizer trains.
	TrainableParams() int
}

// Summary writes a description of m in the manner of Keras' model.summary():
// the title (`Model: "recommender_net"` for a dot net, else the kind), a table
// of the net's layers with their types, output shapes and parameter counts,
// the parameter totals, then the settings, the data, the training history
// and whether the users' seen items are kept (see Seen).
//
// Total params counts every value of the net's tables. Optimizer params is the
// state the optimizer keeps while training: for Adam the first and second
// moment of every trainable parameter plus one step counter (2 x trainable +
// 1); for row-wise AdaGrad one accumulator a row and one a bias (2 x
// (users + items)); plain SGD keeps none. Sizes are at 4 bytes a value, in units of 1024
// bytes as Keras prints them. Counts have thousands separators ("542,416").
func (m *Model) Summary(w io.Writer) error {
	if m.Net == nil {
		return errors.New("model: cannot summarize a model without a net")
	}
	var b strings.Builder
	line := m.layerTable(&b)
	m.paramCounts(&b)
	b.WriteString(line("_"))
	cfg := m.Config.WithDefaults()
	fmt.Fprintf(&b, "Config: %s\n", cfg.Describe())
	scale := "trained on [0,1]"
	switch {
	case cfg.Implicit():
		scale = "implicit task: each rating an interaction"
	case cfg.NoScale || !(m.Max > m.Min):
		scale = "trained unscaled"
	}
	step := ""
	if m.Step > 0 {
		step = fmt.Sprintf(" in steps of %g", m.Step)
	}
	fmt.Fprintf(&b, "Data: %s users, %s items, ratings %g..%g%s (%s)\n",
		thousands(len(idsOf(m.Users))), thousands(len(idsOf(m.Items))), m.Min, m.Max, step, scale)
	fmt.Fprintf(&b, "History: %d epochs, best epoch %s\n", len(m.History), m.bestEpoch())
	fmt.Fprintf(&b, "Seen items: %s\n", m.seenLine())
	if f := m.Features; f != nil {
		fmt.Fprintf(&b, "Item features: %s features (each item's row is its id row plus its features' rows); %s new items (no interaction in the training rows): scored by their features alone\n",
			thousands(len(f.Names)), thousands(len(f.New)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// layerTable writes the title and the table of the net's layers to b, and
// returns the function that draws its rules.
func (m *Model) layerTable(b *strings.Builder) (line func(ch string) string) {
	title := m.Net.Kind()
	if k, ok := Lookup(title); ok && k.Title != "" {
		title = k.Title
	}
	rows := [][3]string{{"Layer (type)", "Output Shape", "Param #"}}
	for _, l := range m.Net.SummaryRows() {
		rows = append(rows, [3]string{l.Name + " (" + l.Type + ")", l.Output, thousands(l.Params)})
	}
	var wid [3]int
	for _, r := range rows {
		for c, s := range r {
			wid[c] = max(wid[c], len(s))
		}
	}
	wid[0] += 4
	wid[1] += 4
	line = func(ch string) string { return strings.Repeat(ch, 1+wid[0]+wid[1]+wid[2]) + "\n" }
	fmt.Fprintf(b, "Model: %q\n", title)
	b.WriteString(line("_"))
	for k, r := range rows {
		fmt.Fprintf(b, " %-*s%-*s%*s\n", wid[0], r[0], wid[1], r[1], wid[2], r[2])
		if k == 0 {
			b.WriteString(line("="))
		}
	}
	b.WriteString(line("="))
	return line
}

// paramCounts writes the totals of parameters to b: all, trainable, not
// trainable, and the optimizer's state.
func (m *Model) paramCounts(b *strings.Builder) {
	total := 0
	for _, p := range m.Net.Params() {
		total += p.Rows * p.Cols
	}
	trainable := total
	if n, ok := m.Net.(Trainable); ok {
		trainable = n.TrainableParams()
	} else if k, ok := Lookup(m.Net.Kind()); ok && !k.Trained() {
		trainable = 0
	}
	opt := 0
	switch cfg := m.Config.WithDefaults(); {
	case trainable == 0:
	case cfg.Optimizer == "adam":
		opt = 2*trainable + 1
	case cfg.Optimizer == "adagrad":
		opt = 2 * (len(idsOf(m.Users)) + len(idsOf(m.Items))) // a row's accumulator and its bias's
	}
	count := func(label string, n int) {
		fmt.Fprintf(b, "%s: %s (%s)\n", label, thousands(n), memSize(4*int64(n)))
	}
	count("Total params", total)
	count("Trainable params", trainable)
	count("Non-trainable params", total-trainable)
	count("Optimizer params", opt)
}

// bestEpoch describes BestEpoch and, when the history has it, its
// validation RMSE, NDCG@10 or loss (the first measured).
func (m *Model) bestEpoch() string {
	if m.BestEpoch == 0 {
		return "none"
	}
	s := strconv.Itoa(m.BestEpoch)
	for _, e := range m.History {
		if e.Epoch != m.BestEpoch {
			continue
		}
		if !math.IsNaN(e.ValRMSE) {
			s += fmt.Sprintf(" (val RMSE %.4f)", e.ValRMSE)
		} else if !math.IsNaN(e.ValNDCG) {
			s += fmt.Sprintf(" (val NDCG@10 %.4f)", e.ValNDCG)
		} else if !math.IsNaN(e.ValLoss) {
			s += fmt.Sprintf(" (val loss %.4f)", e.ValLoss)
		}
	}
	return s
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for k, c := range s {
		if k > 0 && (len(s)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// memSize formats a byte count as Keras does: "120.00 B", "2.07 MB".
func memSize(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return fmt.Sprintf("%.2f %s", v, units[u])
}

// seenLine says whether m keeps its users' seen items, and how many.
func (m *Model) seenLine() string {
	if m.Seen == nil {
		return "not kept (recommendations cannot leave out what a user rated)"
	}
	approx := ""
	if m.Seen.Approx {
		approx = fmt.Sprintf(", ratings approximate to %d levels", SeenCodes)
	}
	return fmt.Sprintf("%s ratings kept (%s), left out of recommendations%s",
		thousands(len(m.Seen.Packed)), memSize(4*int64(len(m.Seen.Packed)+len(m.Seen.Offsets)+len(m.Seen.Values))), approx)
}
