package report

import (
	"fmt"
	"io"

	"github.com/recnet/recnet/atomicfile"
	"github.com/recnet/recnet/model"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Plot writes the training and validation loss per epoch as a PNG at path.
func Plot(path string, h []model.Epoch) error {
	if len(h) == 0 {
		return fmt.Errorf("report: no epochs to plot")
	}
	p := plot.New()
	p.Title.Text = "Model loss"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "MSE (training scale)"
	p.Legend.Top = true
	train, valid := make(plotter.XYs, len(h)), make(plotter.XYs, 0, len(h))
	for k, e := range h {
		train[k] = plotter.XY{X: float64(e.Epoch), Y: e.Loss}
		if e.ValLoss == e.ValLoss { // not NaN
			valid = append(valid, plotter.XY{X: float64(e.Epoch), Y: e.ValLoss})
		}
	}
	args := []any{"train", train}
	if len(valid) > 0 {
		args = append(args, "validation", valid)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return fmt.Errorf("report: plot: %w", err)
	}
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("report: plot: %w", err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}
