package dataset

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/recnet/recnet/internal/openctx"
	"github.com/recnet/recnet/internal/quote"
)

//go:embed course_genre.csv
var courseGenreCSV string

// Course is one course of a catalog.
type Course struct {
	ID    string
	Title string
	// Genres are the names (from the catalog header) of the genre columns
	// flagged 1 for this course, in header order.
	Genres []string
}

// Catalog is a list of courses with their genres.
type Catalog struct {
	// Genres are the genre column names in header order.
	Genres  []string
	Courses []Course
	index   map[string]int
}

// BuiltinCatalog returns the embedded course catalog: 307 courses of the
// IBM course recommender lab, each flagged with some of 14 genres. Every
// call parses a fresh copy, so the caller may modify it.
func BuiltinCatalog() *Catalog {
	c, err := ReadCatalog(strings.NewReader(courseGenreCSV), "builtin:course_genre.csv")
	if err != nil {
		panic(err) // the embedded file is known to parse
	}
	return c
}

// Column names (lower case) accepted for the id, title and genre-list
// columns.
var (
	catalogIDNames    = []string{"course_id", "id", "item", "item_id", "course", "movieid"}
	catalogTitleNames = []string{"title", "name"}
	catalogListNames  = []string{"genres"}
	lineBreaks        = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")
)

// Genre lists: the separator of a genres column, and the value MovieLens
// gives a movie without genres.
const (
	genreSep = "|"
	noGenres = "(no genres listed)"
)

// LoadCatalog reads the catalog file at path as ReadCatalog does. Waiting
// for a FIFO's writer, or for the data of a FIFO or a device, ends with
// ctx, with an error wrapping its error.
func LoadCatalog(ctx context.Context, path string) (*Catalog, error) {
	r, err := openctx.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer r.Close()
	return ReadCatalog(r, path)
}

// ReadCatalog parses a course catalog from CSV. The first record is a
// header; a leading UTF-8 byte order mark is ignored. Column names are
// matched case-insensitively: the id column is the one named COURSE_ID,
// id, item, item_id, course or movieId, the title column the one named
// TITLE, title or name (optional), and a column named genres (optional)
// lists an item's genres separated by "|", as in MovieLens' movies.csv,
// where "(no genres listed)" means none. Every other column is a genre
// whose values must be 0 or 1, as in the course catalog. Catalog.Genres
// are the flag columns in header order, then the listed genres in the
// order they first appear. Titles are trimmed and their line breaks become
// spaces. An error is a *ParseError naming the file (name), the line and
// the field.
func ReadCatalog(r io.Reader, name string) (*Catalog, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked by course, to say how many
	h, err := readCatalogHeader(cr, name)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Genres: h.genres, index: make(map[string]int)}
	known := make(map[string]bool) // the genres in c.Genres
	for _, g := range h.genres {
		known[g] = true
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		co, err := h.course(cr, rec, name, c.index)
		if err != nil {
			return nil, err
		}
		c.index[co.ID] = len(c.Courses)
		c.Courses = append(c.Courses, co)
		for _, g := range co.Genres {
			if !known[g] {
				known[g] = true
				c.Genres = append(c.Genres, g)
			}
		}
	}
	if len(c.Courses) == 0 {
		return nil, &ParseError{File: name, Err: errors.New("catalog has a header but no courses")}
	}
	return c, nil
}

// catalogHeader is a catalog's header: the trimmed column names, the id,
// title and genre-list columns (title and list -1 when there is none), and
// the genre flag columns with their names.
type catalogHeader struct {
	names           []string
	id, title, list int
	genreCols       []int
	genres          []string
}

// readCatalogHeader reads and checks the header record of cr.
func readCatalogHeader(cr *csv.Reader, name string) (catalogHeader, error) {
	head, err := cr.Read()
	if err == io.EOF {
		return catalogHeader{}, &ParseError{File: name, Line: 1, Err: errors.New("empty catalog: no header")}
	}
	if err != nil {
		return catalogHeader{}, csvError(name, err)
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	h := catalogHeader{names: head, id: -1, title: -1, list: -1}
	for j := range head {
		col := strings.TrimSpace(head[j])
		head[j] = col
		switch low := strings.ToLower(col); {
		case h.id < 0 && slices.Contains(catalogIDNames, low):
			h.id = j
		case h.title < 0 && slices.Contains(catalogTitleNames, low):
			h.title = j
		case h.list < 0 && slices.Contains(catalogListNames, low):
			h.list = j
		case col == "":
			return catalogHeader{}, &ParseError{File: name, Line: 1, Field: fmt.Sprintf("column %d", j+1), Err: errors.New("empty column name")}
		default:
			h.genreCols = append(h.genreCols, j)
			h.genres = append(h.genres, col)
		}
	}
	if h.id < 0 {
		return catalogHeader{}, &ParseError{File: name, Line: 1, Err: fmt.Errorf("no id column (want COURSE_ID, id, item or movieId) in header %q", strings.Join(head, ","))}
	}
	return h, nil
}

// course parses the record rec, just read from cr, as one course whose id
// is not yet in seen.
func (h catalogHeader) course(cr *csv.Reader, rec []string, name string, seen map[string]int) (Course, error) {
	line, _ := cr.FieldPos(0)
	if len(rec) != len(h.names) {
		return Course{}, &ParseError{File: name, Line: line, Err: fmt.Errorf("%d fields, the header has %d", len(rec), len(h.names))}
	}
	id := strings.TrimSpace(rec[h.id])
	if id == "" {
		return Course{}, &ParseError{File: name, Line: line, Field: h.names[h.id], Err: errors.New("empty course id")}
	}
	if _, dup := seen[id]; dup {
		return Course{}, &ParseError{File: name, Line: line, Field: h.names[h.id], Err: fmt.Errorf("duplicate course id %q", id)}
	}
	co := Course{ID: id}
	if h.title >= 0 {
		co.Title = strings.TrimSpace(lineBreaks.Replace(rec[h.title]))
	}
	for g, j := range h.genreCols {
		switch strings.TrimSpace(rec[j]) {
		case "1":
			co.Genres = append(co.Genres, h.genres[g])
		case "0":
		default:
			l, _ := cr.FieldPos(j)
			return Course{}, &ParseError{File: name, Line: l, Field: h.genres[g], Err: fmt.Errorf("genre flag %s is not 0 or 1", quote.Short(rec[j]))}
		}
	}
	if h.list >= 0 {
		co.Genres = appendListed(co.Genres, rec[h.list])
	}
	if len(co.Genres) > MaxGenres {
		l, _ := cr.FieldPos(max(h.list, 0))
		return Course{}, &ParseError{File: name, Line: l, Field: "genres", Err: fmt.Errorf("%d genres, at most %d a course", len(co.Genres), MaxGenres)}
	}
	return co, nil
}

// MaxGenres is the most genres a course of a catalog may have.
const MaxGenres = 64

// appendListed appends to genres the genres of a genres field, separated
// by "|", leaving out empty ones, repeats and noGenres.
// It stops past MaxGenres, which the caller refuses, so that a long field
// costs no more than that.
func appendListed(genres []string, field string) []string {
	for g := range strings.SplitSeq(field, genreSep) {
		if len(genres) > MaxGenres {
			break
		}
		if g = strings.TrimSpace(g); g != "" && g != noGenres && !slices.Contains(genres, g) {
			genres = append(genres, g)
		}
	}
	return genres
}

// Lookup returns the course with the given id and whether it is in c.
func (c *Catalog) Lookup(id string) (Course, bool) {
	if c.index != nil {
		if k, ok := c.index[id]; ok && k < len(c.Courses) && c.Courses[k].ID == id {
			return c.Courses[k], true
		}
	}
	for _, co := range c.Courses { // a catalog built by hand or modified
		if co.ID == id {
			return co, true
		}
	}
	return Course{}, false
}

// csvError turns an encoding/csv error into a *ParseError.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Err: fmt.Errorf("character %d: %w", pe.Column, pe.Err)}
	}
	return &ParseError{File: name, Err: err}
}
