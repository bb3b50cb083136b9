package dataset

import (
	"errors"
	"strings"
	"testing"
)

// TestReadStrict checks review items 10 and 14: a header that names some
// roles but not all is refused rather than completed by column order;
// ratings are plain decimals; times are trimmed and bounded; a row with
// more fields than its header is an error at its line.
func TestReadStrict(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		field    string
		msg      []string
	}{
		{name: "partly named header", in: "grade,student,course\n4,s1,c1\n", line: 1, msg: []string{`"grade", "student", "course"`, "user", "rating", "Options.Columns"}},
		{name: "header naming only user", in: "user,b,c\n1,2,3\n", line: 1, msg: []string{"item", "rating", "Options.Columns"}},
		{name: "rating with an underscore", in: "user,item,rating\nu1,i1,1_0\n", line: 2, field: "rating", msg: []string{`"1_0"`}},
		{name: "hex float rating", in: "u1,i1,0x1p1\n", line: 1, field: "rating", msg: []string{`"0x1p1"`}},
		{name: "inf rating", in: "user,item,rating\nu1,i1,inf\n", line: 2, field: "rating", msg: []string{`"inf"`}},
		{name: "nan rating", in: "user,item,rating\nu1,i1,NaN\n", line: 2, field: "rating", msg: []string{`"NaN"`}},
		{name: "time in milliseconds", in: "user,item,rating,ts\nu1,i1,4,1500000000000\n", line: 2, field: "ts", msg: []string{"milliseconds"}},
		{name: "six fields under three", in: "user,item,rating\nu1,i1,4\nu2,i1,3,x,y,z\n", line: 3, msg: []string{"more fields than the header's 3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Read(strings.NewReader(tc.in), "t.csv", Options{})
			if err == nil {
				t.Fatalf("no error; read %d rows: %v", d.Len(), rowStrings(d.Users, d.Items, d.Ratings))
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line != tc.line || pe.Field != tc.field {
				t.Fatalf("error %v: want a ParseError at line %d, field %q", err, tc.line, tc.field)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not say %q", err, m)
				}
			}
			if strings.Contains(err.Error(), "--") {
				t.Errorf("a library error names a CLI flag: %q", err)
			}
		})
	}
	for _, in := range []string{
		"user,item,rating,ts\nu1,i1,4, 1500000000\n",
		"user,item,rating,ts\nu1,i1,4,\" 1500000000 \"\n",
		"u1,i1,4,extra,fields\n", // no header: further fields are ignored
		"user,item\nu1,i1\n",
		"u1,i1,4.5e0\n",
	} {
		if _, err := Read(strings.NewReader(in), "t.csv", Options{}); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
}
