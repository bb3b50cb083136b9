package dataset

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestBuiltinCatalog(t *testing.T) {
	c := BuiltinCatalog()
	if len(c.Courses) != 307 || len(c.Genres) != 14 {
		t.Fatalf("builtin catalog has %d courses and %d genres, want 307 and 14", len(c.Courses), len(c.Genres))
	}
	if c.Genres[0] != "Database" || c.Genres[13] != "Blockchain" {
		t.Errorf("genres = %q (BOM not stripped?)", c.Genres)
	}
	co, ok := c.Lookup("ML0122EN")
	if !ok || co.Title != "accelerating deep learning with gpu" || !slices.Equal(co.Genres, []string{"Python", "MachineLearning", "DataScience"}) {
		t.Errorf("Lookup(ML0122EN) = %+v, %v", co, ok)
	}
	// A quoted title spanning two lines is trimmed.
	if co, ok := c.Lookup("excourse05"); !ok || co.Title != "distributed computing with spark sql" {
		t.Errorf("Lookup(excourse05) = %+v, %v", co, ok)
	}
	if _, ok := c.Lookup("nope"); ok {
		t.Error("Lookup(nope) found a course")
	}
	// Each call is a fresh copy.
	c.Courses[0].ID = "changed"
	if BuiltinCatalog().Courses[0].ID == "changed" {
		t.Error("BuiltinCatalog shares its courses between calls")
	}
}

func TestReadCatalogHeaders(t *testing.T) {
	in := "Name,ID,Action, Drama\nFirst one,a1,1,0\n\"Second, too\",b2,1,1\n"
	c, err := ReadCatalog(strings.NewReader(in), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Genres, []string{"Action", "Drama"}) || len(c.Courses) != 2 {
		t.Fatalf("got %+v", c)
	}
	if co, _ := c.Lookup("b2"); co.Title != "Second, too" || !slices.Equal(co.Genres, []string{"Action", "Drama"}) {
		t.Errorf("b2 = %+v", co)
	}
	// A hand-built catalog works with Lookup too.
	h := &Catalog{Courses: []Course{{ID: "z"}}}
	if _, ok := h.Lookup("z"); !ok {
		t.Error("Lookup on a hand-built catalog failed")
	}
	// Only an id column is required.
	if c, err := ReadCatalog(strings.NewReader("item\nq\n"), "y"); err != nil || c.Courses[0].ID != "q" || len(c.Genres) != 0 {
		t.Errorf("id-only catalog: %+v, %v", c, err)
	}
}

func TestReadCatalogErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
		want string // substring of the message
	}{
		{"", 1, "no header"},
		{"title,Action\nx,1\n", 1, "no id column"},
		{"COURSE_ID,TITLE\n", 0, "no courses"},
		{"COURSE_ID,TITLE,Action\nc1,t,1\nc2,t,2\n", 3, `field "Action": genre flag "2" is not 0 or 1`},
		{"COURSE_ID,TITLE,Action\nc1,t,1\nc1,u,0\n", 3, `field "COURSE_ID": duplicate course id "c1"`},
		{"COURSE_ID,TITLE,Action\nc1,t,1\n,u,0\n", 3, "empty course id"},
		{"COURSE_ID,TITLE,Action\nc1,t,1\nc2,t\n", 3, "2 fields, the header has 3"},
		{"COURSE_ID,TITLE,Action\nc1,t,1\nc2,\"t,0\n", 3, "extraneous or missing \" in quoted-field"},
		{"COURSE_ID,,Action\n", 1, `field "column 2": empty column name`},
	} {
		_, err := ReadCatalog(strings.NewReader(tc.in), "cat.csv")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v is not a *ParseError", tc.in, err)
			continue
		}
		if pe.File != "cat.csv" || pe.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %q (line %d), want line %d and %q", tc.in, err, pe.Line, tc.line, tc.want)
		}
	}
}

// TestReadCatalogMovieLens reads the head of MovieLens' movies.csv as it
// is: a movieId column, quoted titles with commas, and |-separated genres.
func TestReadCatalogMovieLens(t *testing.T) {
	in := "movieId,title,genres\n" +
		"1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n" +
		"11,\"American President, The (1995)\",Comedy|Drama|Romance\n" +
		"114335,La cravate (1957),(no genres listed)\n" +
		"2,Jumanji (1995),Adventure|Children|Fantasy\n"
	c, err := ReadCatalog(strings.NewReader(in), "movies.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Courses) != 4 {
		t.Fatalf("%d items, want 4", len(c.Courses))
	}
	wantGenres := []string{"Adventure", "Animation", "Children", "Comedy", "Fantasy", "Drama", "Romance"}
	if !slices.Equal(c.Genres, wantGenres) {
		t.Errorf("Genres = %q, want %q", c.Genres, wantGenres)
	}
	for _, tc := range []struct {
		id, title string
		genres    []string
	}{
		{"1", "Toy Story (1995)", []string{"Adventure", "Animation", "Children", "Comedy", "Fantasy"}},
		{"11", "American President, The (1995)", []string{"Comedy", "Drama", "Romance"}},
		{"114335", "La cravate (1957)", nil},
	} {
		co, ok := c.Lookup(tc.id)
		if !ok || co.Title != tc.title || !slices.Equal(co.Genres, tc.genres) {
			t.Errorf("Lookup(%s) = %+v, %v; want title %q, genres %q", tc.id, co, ok, tc.title, tc.genres)
		}
	}
}

// TestReadCatalogFlagsAndList reads flag columns and a genres list
// together: a listed genre that is also a flag column is not repeated.
func TestReadCatalogFlagsAndList(t *testing.T) {
	in := "\ufeffitem,Python,genres\na,1,Python| Cloud |Cloud\nb,0,\n"
	c, err := ReadCatalog(strings.NewReader(in), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Genres, []string{"Python", "Cloud"}) {
		t.Errorf("Genres = %q", c.Genres)
	}
	if co, _ := c.Lookup("a"); !slices.Equal(co.Genres, []string{"Python", "Cloud"}) {
		t.Errorf("a = %+v", co)
	}
	if co, _ := c.Lookup("b"); len(co.Genres) != 0 {
		t.Errorf("b = %+v", co)
	}
}

// TestReadCatalogGenresBounded refuses a course with more than MaxGenres
// genres, naming the line and the field, without reading them all.
func TestReadCatalogGenresBounded(t *testing.T) {
	many := make([]string, 60000)
	for k := range many {
		many[k] = "g" + strconv.Itoa(k)
	}
	csv := "movieId,title,genres\n1,A,Drama\n2,B," + strings.Join(many, "|") + "\n"
	_, err := ReadCatalog(strings.NewReader(csv), "movies.csv")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Field != "genres" || !strings.Contains(err.Error(), "at most 64") {
		t.Fatalf("got %v, want a ParseError at line 3, field genres", err)
	}
}
