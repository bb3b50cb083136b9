package dataset

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/recnet/recnet/internal/openctx"
	"github.com/recnet/recnet/internal/quote"
)

// Format is the layout of a ratings table.
type Format string

// The formats a ratings table may have. Which field is the user, the item,
// the rating and the timestamp is found from a header or Options.Columns,
// as Read says; without either, the first three fields of a row are user,
// item and rating.
const (
	// FormatAuto picks the format from the first non-blank line: "::"
	// means MovieLens ratings.dat, a tab means TSV, anything else CSV.
	FormatAuto Format = "auto"
	// FormatCSV is comma separated, with RFC 4180 quoting.
	FormatCSV Format = "csv"
	// FormatTSV is tab separated, without quoting (MovieLens u.data is TSV).
	FormatTSV Format = "tsv"
	// FormatMovieLens is ratings.dat (user::item::rating::timestamp) when the
	// first non-blank line has "::", otherwise u.data (tab separated).
	FormatMovieLens Format = "movielens"
	// FormatParquet is an Apache Parquet file. Its reader is in package
	// dataset/parquetsrc, which registers it when imported; FormatAuto
	// picks it for a name ending in .parquet or a file starting "PAR1".
	FormatParquet Format = "parquet"
)

// Formats returns the names ParseFormat accepts: auto, the text formats,
// then the registered binary ones in alphabetical order.
func Formats() []string {
	names := []string{"auto", "csv", "tsv", "movielens"}
	registry.RLock()
	for f := range registry.formats {
		names = append(names, string(f))
	}
	registry.RUnlock()
	slices.Sort(names[4:])
	return names
}

// ParseFormat returns the format named s (case and surrounding spaces are
// ignored): a text format or a registered binary one; "" is FormatAuto.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "", FormatAuto:
		return FormatAuto, nil
	case FormatCSV, FormatTSV, FormatMovieLens:
		return f, nil
	default:
		if _, ok := lookupFormat(f); ok {
			return f, nil
		}
		if f == FormatParquet {
			return "", fmt.Errorf("dataset: format parquet needs its reader: import _ \"github.com/recnet/recnet/dataset/parquetsrc\"")
		}
	}
	names := Formats()
	last := len(names) - 1
	return "", fmt.Errorf("dataset: unknown format %q (want %s or %s)", s, strings.Join(names[:last], ", "), names[last])
}

// Options tune Load, LoadSplit and Read.
type Options struct {
	// Format of the table; "" is FormatAuto.
	Format Format
	// Client fetches http(s) sources. nil means a client with connect,
	// TLS-handshake and response-header timeouts that also gives up when
	// the body stalls (no data for a minute); ctx bounds the whole load.
	Client *http.Client
	// Columns maps the roles of a text table to its columns by name or
	// position, overriding the header rules of Read. The zero value maps
	// none. A binary format or a RowSource picks its own columns: a
	// mapping for one is an error.
	Columns Columns
}

// Load reads a ratings table from a local path or an http(s) URL. A URL is
// streamed: rows are parsed as the body arrives. src (a password in it
// replaced, see Redact) is the Dataset's Name and is named in errors. See
// Read for the table format.
//
// A src whose scheme was registered with RegisterScheme is read by its
// RowSource instead, e.g. "sqlite:///data/r.db?table=ratings" once
// package dataset/sqlsrc/sqlite is imported; a src like "name://..." of
// an unknown scheme is an error. A file in a binary format registered
// with RegisterFormat (Parquet, with dataset/parquetsrc) is read with
// random access; from a URL it is first read into memory.
func Load(ctx context.Context, src string, opt Options) (*Dataset, error) {
	users, items := &IDMap{}, &IDMap{}
	t, err := loadRatings(ctx, src, opt, users, items)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: Redact(src), Users: users, Items: items, Ratings: t.rows, Unrated: t.unrated, Layout: t.layout}
	d.Duplicates = dedup(&d.Ratings)
	return d, nil
}

// LoadSplit loads an explicit split from three sources (valid may be "" for
// none). The parts share one pair of id maps, in which ids take their inner
// index in order of first appearance across train, then valid, then test.
// Min and Max span the ratings of all rows. Repeated (user,item) rows within
// one part keep the last rating, as in Load; a pair found in two parts is
// kept in both. The Split's Name is train; it is Unrated when any part
// had no rating column.
func LoadSplit(ctx context.Context, train, valid, test string, opt Options) (*Split, error) {
	if train == "" || test == "" {
		return nil, errors.New("dataset: a split needs a train and a test source")
	}
	s := &Split{Name: Redact(train), Users: &IDMap{}, Items: &IDMap{}}
	parts := []struct {
		src string
		dst *Ratings
	}{{train, &s.Train}, {valid, &s.Valid}, {test, &s.Test}}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, part := range parts {
		if part.src == "" {
			continue
		}
		t, err := loadRatings(ctx, part.src, opt, s.Users, s.Items)
		if err != nil {
			return nil, err
		}
		rows := t.rows
		s.Unrated = s.Unrated || t.unrated
		switch {
		case part.src == train:
			s.Layout = t.layout
		case t.layout != s.Layout && t.layout != "":
			s.Layout += "; " + Redact(part.src) + ": " + t.layout
		}
		dedup(&rows)
		*part.dst = rows
		l, h := rows.Range()
		lo, hi = min(lo, l), max(hi, h)
	}
	s.Min, s.Max = lo, hi
	return s, nil
}

// loadRatings opens src and parses it into rows whose ids go to users and
// items.
func loadRatings(ctx context.Context, src string, opt Options, users, items *IDMap) (table, error) {
	if _, err := ParseFormat(string(opt.Format)); err != nil {
		return table{}, err
	}
	open, err := sourceScheme(src)
	if err != nil {
		return table{}, err
	}
	if open != nil {
		name := SourceName(src)
		apply, err := sourceColumns(opt.Columns, name)
		if err != nil {
			return table{}, err
		}
		rs, err := open(ctx, src, opt)
		if err != nil {
			return table{}, err
		}
		defer rs.Close()
		apply(rs)
		return readRows(ctx, rs, name, users, items)
	}
	rc, size, err := openSource(ctx, src, opt.Client)
	if err != nil {
		return table{}, err
	}
	defer rc.Close()
	return readAny(ctx, rc, src, opt, size, users, items)
}

// SourceName returns src as errors name it: src itself, or, when it is
// longer than 160 bytes (a URL with a long query), its first 120 bytes
// followed by "..." and its length; a password in it is replaced (see
// Redact).
func SourceName(src string) string {
	src = Redact(src)
	if len(src) <= 2*quote.Max {
		return src
	}
	return fmt.Sprintf("%s... (%d bytes)", quote.Cut(src, 3*quote.Max/2), len(src))
}

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// readAny reads a table in format f from r: a registered binary format
// (named by f, or sniffed from name and the first bytes) through its
// RowSource, anything else as text.
func readAny(ctx context.Context, r io.Reader, name string, opt Options, size int64, users, items *IDMap) (table, error) {
	f := opt.Format
	bf, binary := lookupFormat(f)
	in := r
	if !binary && (f == "" || f == FormatAuto) {
		if bf, binary = sniffFormat(name, nil); !binary {
			br := bufio.NewReaderSize(r, bufSizeFor(size))
			head, _ := br.Peek(16) // a read error comes back from the next read
			if bytes.HasPrefix(head, []byte(sqliteMagic)) {
				return table{}, fmt.Errorf("dataset: %s is a SQLite database, not a text table: read it as sqlite:%s (with ?table=NAME or ?query=SELECT...)", name, name)
			}
			bf, binary = sniffFormat("", head)
			in = br
		}
	}
	if !binary {
		return readRatings(ctx, in, name, opt, size, users, items)
	}
	apply, err := sourceColumns(opt.Columns, name)
	if err != nil {
		return table{}, err
	}
	ra, ok := r.(io.ReaderAt)
	if !ok || size <= 0 {
		b, err := io.ReadAll(in) // a URL or a stream: the format needs random access
		if err != nil {
			return table{}, fmt.Errorf("dataset: %s: %w", name, err)
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	}
	rs, err := bf.open(ctx, ra, size, name)
	if err != nil {
		return table{}, err
	}
	defer rs.Close()
	apply(rs)
	return readRows(ctx, rs, name, users, items)
}

// isURL tells whether src names an http(s) resource.
func isURL(src string) bool {
	s := strings.ToLower(src)
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// openSource opens a local file or starts an http GET, and returns the
// expected size in bytes (0 if unknown).
func openSource(ctx context.Context, src string, c *http.Client) (io.ReadCloser, int64, error) {
	if isURL(src) {
		return openURL(ctx, src, c)
	}
	f, err := openctx.Open(ctx, src)
	if err != nil {
		return nil, 0, fmt.Errorf("dataset: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("dataset: %w", err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("dataset: %s is a directory, not a ratings file", src)
	}
	var size int64
	if fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return openctx.Watch(ctx, f), size, nil // a FIFO or a device may stall: its reads end with ctx
}

// defaultClient is the client of Options{Client: nil}.
var defaultClient = &http.Client{
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	},
}

// stallTimeout is how long the default client waits for more of a body.
var stallTimeout = time.Minute

// openURL GETs url; any status but 200 OK is an error.
func openURL(ctx context.Context, url string, c *http.Client) (io.ReadCloser, int64, error) {
	watch := c == nil
	if watch {
		c = defaultClient
	}
	ctx, cancel := context.WithCancelCause(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel(nil)
		return nil, 0, fmt.Errorf("dataset: %s: %w", url, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel(nil)
		return nil, 0, fmt.Errorf("dataset: %w", err) // a *url.Error names the URL
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel(nil)
		return nil, 0, fmt.Errorf("dataset: %s: http status %s", url, resp.Status)
	}
	body := &urlBody{ctx: ctx, body: resp.Body, cancel: cancel}
	if watch {
		d := stallTimeout
		body.idle = d
		body.timer = time.AfterFunc(d, func() {
			cancel(fmt.Errorf("no data received for %v", d))
		})
	}
	return body, max(resp.ContentLength, 0), nil
}

// urlBody is a response body that reports why its request was canceled and
// cancels it when no data comes for idle (if a timer is set).
type urlBody struct {
	ctx    context.Context
	body   io.ReadCloser
	cancel context.CancelCauseFunc
	timer  *time.Timer
	idle   time.Duration
}

func (b *urlBody) Read(p []byte) (int, error) {
	if b.timer != nil {
		b.timer.Reset(b.idle)
	}
	n, err := b.body.Read(p)
	if err != nil && err != io.EOF && b.ctx.Err() != nil {
		err = context.Cause(b.ctx)
	}
	return n, err
}

func (b *urlBody) Close() error {
	if b.timer != nil {
		b.timer.Stop()
	}
	err := b.body.Close()
	b.cancel(nil)
	return err
}
