package dataset

import (
	"context"
	"io"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// shapeBlock is how many users one goroutine makes at a time.
const shapeBlock = 2048

// GenerateShape makes a synthetic MovieLens-like table of shape s: user
// activity is long-tailed (MinPerUser plus a lognormal part), item
// popularity follows a Zipf-Mandelbrot law, and a rating is
//
//	3.55 + user bias + item bias + <P_u, Q_i> (rank s.Rank) + noise
//
// rounded to half stars (0.5..5) for 55% of users and to whole stars
// (1..5) for the others, so a model has structure to learn beyond the
// biases. Users rate distinct items. Raw user ids are 1..Users; raw item
// ids are increasing numbers spread like MovieLens movieIds. Rows come
// grouped by user, each user's sorted by item, as in MovieLens'
// ratings.csv, and inner ids follow first appearance: the result equals
// what Load gives for the file WriteShapeCSV writes with the same s and
// seed. The same s and seed (0 means 42) give the same rows, whatever the
// number of goroutines used to make them. ShapeML25M takes about 300 MB.
func GenerateShape(s Shape, seed uint64) *Dataset {
	g := newShapeGen(s, seed)
	U := g.s.Users
	start := make([]int, U+1)
	for u, c := range g.counts {
		start[u+1] = start[u] + int(c)
	}
	n := start[U]
	d := &Dataset{Name: g.s.Name}
	d.reserve(n)
	d.User, d.Item, d.Value = d.User[:n], d.Item[:n], d.Value[:n]
	g.parallel(func(w *shapeWorker, from, to int) {
		for u := from; u < to; u++ {
			items, vals := w.user(u)
			at := start[u]
			for k := range items {
				d.User[at+k] = int32(u)
			}
			copy(d.Item[at:], items)
			copy(d.Value[at:], vals)
		}
	})
	users := make([]string, U)
	for u := range users {
		users[u] = strconv.Itoa(u + 1)
	}
	inner := make([]int32, g.s.Items)
	for i := range inner {
		inner[i] = -1
	}
	var items []string
	for k, i := range d.Item {
		if inner[i] < 0 {
			inner[i] = int32(len(items))
			items = append(items, strconv.Itoa(int(g.itemRaw[i])))
		}
		d.Item[k] = inner[i]
	}
	d.Users, d.Items = NewIDMap(users), NewIDMap(items)
	return d
}

// parallel calls fn for blocks of users on GOMAXPROCS goroutines, each
// with its own worker, and returns when all are done.
func (g *shapeGen) parallel(fn func(w *shapeWorker, from, to int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			w := g.worker()
			for {
				from := int(next.Add(shapeBlock)) - shapeBlock
				if from >= g.s.Users {
					return
				}
				fn(w, from, min(from+shapeBlock, g.s.Users))
			}
		})
	}
	wg.Wait()
}

// shapeRatingText formats the ratings 0, 0.5, ..., 5 as MovieLens does.
var shapeRatingText = func() [11]string {
	var t [11]string
	for k := range t {
		t[k] = strconv.FormatFloat(float64(k)/2, 'f', 1, 64)
	}
	return t
}()

// WriteShapeCSV writes the table GenerateShape(s, seed) makes as CSV in
// the layout of MovieLens' ratings.csv: the header
// "userId,movieId,rating,timestamp", ratings with one decimal ("4.0",
// "3.5") and a Unix timestamp (seeded, between 1995 and 2019) that no
// reader of this package uses. Rows are made on GOMAXPROCS goroutines and
// written in order; the output is buffered. The first write error is
// returned. ShapeML25M writes about 680 MB.
func WriteShapeCSV(w io.Writer, s Shape, seed uint64) error {
	return WriteShapeCSVContext(context.Background(), w, s, seed)
}

// WriteShapeCSVContext is WriteShapeCSV that stops when ctx ends, with
// its error, having written a part of the rows.
func WriteShapeCSVContext(ctx context.Context, w io.Writer, s Shape, seed uint64) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	g := newShapeGen(s, seed)
	if _, err := io.WriteString(w, "userId,movieId,rating,timestamp\n"); err != nil {
		return err
	}
	type block struct {
		from, to int
		out      chan []byte
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *block, workers)
	order := make(chan *block, 2*workers)
	free := make(chan []byte, 3*workers)
	var stop atomic.Bool
	go func() {
		for from := 0; from < g.s.Users && !stop.Load(); from += shapeBlock {
			b := &block{from: from, to: min(from+shapeBlock, g.s.Users), out: make(chan []byte, 1)}
			jobs <- b
			order <- b
		}
		close(jobs)
		close(order)
	}()
	for range workers {
		go func() {
			sw := g.worker()
			for b := range jobs {
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				b.out <- g.appendUsers(sw, buf[:0], b.from, b.to)
			}
		}()
	}
	var err error
	for b := range order {
		buf := <-b.out
		if err == nil {
			if ctx.Err() != nil {
				err = context.Cause(ctx)
			} else {
				_, err = w.Write(buf)
			}
			if err != nil {
				stop.Store(true)
			}
		}
		select {
		case free <- buf:
		default:
		}
	}
	return err
}

// appendUsers appends the CSV lines of users [from, to) to buf.
func (g *shapeGen) appendUsers(w *shapeWorker, buf []byte, from, to int) []byte {
	const t0, t1 = 789652009, 1574327703 // 1995-01-09 and 2019-11-21
	for u := from; u < to; u++ {
		items, vals := w.user(u)
		h := mix64(g.seed ^ uint64(u)*0x9e3779b97f4a7c15)
		first := t0 + int64(h%(t1-t0))
		span := 1 + int64(mix64(h)%uint64(min(t1-first, 3*365*86400)+1))
		for k, i := range items {
			buf = strconv.AppendInt(buf, int64(u+1), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(g.itemRaw[i]), 10)
			buf = append(buf, ',')
			buf = append(buf, shapeRatingText[int(2*vals[k])]...)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, first+int64(mix64(h+uint64(k))%uint64(span)), 10)
			buf = append(buf, '\n')
		}
	}
	return buf
}

// mix64 is the SplitMix64 finalizer: a cheap, well mixed hash of x.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
