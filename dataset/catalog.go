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

// Column names (lower case) accepted for the id and title columns.
var (
	catalogIDNames    = []string{"course_id", "id", "item", "item_id", "course"}
	catalogTitleNames = []string{"title", "name"}
	lineBreaks        = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")
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
// header; a leading UTF-8 byte order mark is ignored. The id column is the
// one named COURSE_ID, id, item, item_id or course, the title column the
// one named TITLE, title or name (both matched case-insensitively; the
// title column is optional). Every other column is a genre whose values
// must be 0 or 1. Titles are trimmed and their line breaks become spaces.
// An error is a *ParseError naming the file (name), the line and the field.
func ReadCatalog(r io.Reader, name string) (*Catalog, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, to say how many
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &ParseError{File: name, Line: 1, Err: errors.New("empty catalog: no header")}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	idCol, titleCol := -1, -1
	var genreCols []int
	c := &Catalog{index: make(map[string]int)}
	for j := range head {
		h := strings.TrimSpace(head[j])
		head[j] = h
		switch low := strings.ToLower(h); {
		case idCol < 0 && slices.Contains(catalogIDNames, low):
			idCol = j
		case titleCol < 0 && slices.Contains(catalogTitleNames, low):
			titleCol = j
		case h == "":
			return nil, &ParseError{File: name, Line: 1, Field: fmt.Sprintf("column %d", j+1), Err: errors.New("empty column name")}
		default:
			genreCols = append(genreCols, j)
			c.Genres = append(c.Genres, h)
		}
	}
	if idCol < 0 {
		return nil, &ParseError{File: name, Line: 1, Err: fmt.Errorf("no id column (want COURSE_ID, id or item) in header %q", strings.Join(head, ","))}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(head) {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("%d fields, the header has %d", len(rec), len(head))}
		}
		id := strings.TrimSpace(rec[idCol])
		if id == "" {
			return nil, &ParseError{File: name, Line: line, Field: head[idCol], Err: errors.New("empty course id")}
		}
		if _, dup := c.index[id]; dup {
			return nil, &ParseError{File: name, Line: line, Field: head[idCol], Err: fmt.Errorf("duplicate course id %q", id)}
		}
		co := Course{ID: id}
		if titleCol >= 0 {
			co.Title = strings.TrimSpace(lineBreaks.Replace(rec[titleCol]))
		}
		for g, j := range genreCols {
			switch strings.TrimSpace(rec[j]) {
			case "1":
				co.Genres = append(co.Genres, c.Genres[g])
			case "0":
			default:
				l, _ := cr.FieldPos(j)
				return nil, &ParseError{File: name, Line: l, Field: c.Genres[g], Err: fmt.Errorf("genre flag %q is not 0 or 1", rec[j])}
			}
		}
		c.index[id] = len(c.Courses)
		c.Courses = append(c.Courses, co)
	}
	if len(c.Courses) == 0 {
		return nil, &ParseError{File: name, Err: errors.New("catalog has a header but no courses")}
	}
	return c, nil
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
