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

// LossName returns the name of the loss a model of configuration c
// trains on: for a kind that weighs each cell by its confidence (one that
// reads alpha: ials) the confidence-weighted squared error, binary
// cross-entropy for the implicit task, the mean squared error of the
// ratings on the training scale otherwise.
func LossName(c model.Config) string {
	switch {
	case c.Unused("alpha") == "":
		return "confidence-weighted squared error"
	case c.Implicit():
		return "binary cross-entropy"
	case c.NoScale:
		return "MSE (original scale)"
	}
	return "MSE (training scale, ratings in [0,1])"
}

// Plot writes the training and validation loss per epoch of a model of
// configuration c as a PNG at path, the y-axis labelled by LossName.
func Plot(path string, h []model.Epoch, c model.Config) error {
	p, err := lossPlot(h, c)
	if err != nil {
		return err
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

// lossPlot draws the loss curves of Plot.
func lossPlot(h []model.Epoch, c model.Config) (*plot.Plot, error) {
	if len(h) == 0 {
		return nil, fmt.Errorf("report: no epochs to plot")
	}
	p := plot.New()
	p.Title.Text = "Model loss"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = LossName(c)
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
		return nil, fmt.Errorf("report: plot: %w", err)
	}
	return p, nil
}
