package dataset

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/recnet/recnet/internal/quote"
)

// Column names recognized in a header (of a CSV or TSV file, a Parquet
// file, a SQL result), compared after lower-casing and removing "_", "-"
// and spaces. This is the one list every reader uses, and ColumnNames
// shows it in help texts. The time names include date, datetime and
// unixtime: a time column is optional data, read in several forms (see
// ParseTime) and dropped with the mapping time=none; the item names
// include product, book, isbn and track, and the rating names stars, as
// the headers of public rating tables (Amazon, Book-Crossing, Last.fm)
// write them.
var (
	userColumns   = []string{"user", "userid", "users", "uid", "learner", "learnerid", "customer", "customerid", "member", "memberid"}
	itemColumns   = []string{"item", "itemid", "items", "iid", "movie", "movieid", "course", "courseid", "coursecode", "product", "productid", "book", "isbn", "track", "trackid"}
	ratingColumns = []string{"rating", "ratings", "score", "stars", "rate", "value"}
	timeColumns   = []string{"timestamp", "time", "ts", "unixtime", "datetime", "date"}
)

// The roles of the columns of a ratings table, in the order of a Columns
// mapping and of a positional table.
const (
	roleUser = iota
	roleItem
	roleRating
	roleTime
	nRoles
)

var roleNames = [nRoles]string{"user", "item", "rating", "timestamp"}
var roleKeys = [nRoles]string{"user", "item", "rating", "time"}
var knownColumns = [nRoles][]string{userColumns, itemColumns, ratingColumns, timeColumns}

// ErrColumns is wrapped by the errors of a column mapping (Options.Columns)
// that is malformed or does not fit the table.
var ErrColumns = errors.New("column mapping")

// ErrHeader is wrapped by the errors of a header that does not name the
// columns a table needs (see Read); a column mapping (Options.Columns)
// resolves them.
var ErrHeader = errors.New("header")

// ErrTime is wrapped by the error of a time value that cannot be read; a
// time column is optional, and Options.Columns.Time NoTime drops it.
var ErrTime = errors.New("time")

// Columns maps the roles of a text table to its columns, overriding the
// header rules (see Read). Each is a column name, matched against the
// header without regard to case, or a 1-based column position ("3"), which
// also serves files without a header; "" leaves the role to the usual
// rules. Names need a header: with one, the first row is the header.
//
// Time may also be NoTime ("none"): the table is read without times, and a
// column the header rules (or MovieLens ratings.dat) would take for the
// timestamp is ignored. It is the only mapping that a source picking its
// own columns (a SQL query, a Parquet file) accepts.
type Columns struct {
	User, Item, Rating, Time string
}

// NoTime is the Columns.Time that drops a time column. ParseColumns
// reads "time=none" and "time=-" as it.
const NoTime = "none"

// dropTime reports whether c drops the time column.
func (c Columns) dropTime() bool { return c.Time == NoTime }

func (c Columns) roles() [nRoles]string { return [nRoles]string{c.User, c.Item, c.Rating, c.Time} }

// IsZero reports whether c maps no column.
func (c Columns) IsZero() bool { return c == Columns{} }

// String returns c in the form ParseColumns reads.
func (c Columns) String() string {
	var parts []string
	for k, v := range c.roles() {
		if v != "" {
			parts = append(parts, roleKeys[k]+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

// ParseColumns reads a mapping written "user=NAME,item=NAME,rating=NAME,
// time=NAME" (any subset, in any order; a value may be a 1-based position,
// and time=none or time=- drops a time column: Time is NoTime). An unknown
// key, a key given twice, an empty value, a position below 1, none for a
// role other than time or one column given to two roles is an error; ""
// is the zero Columns.
func ParseColumns(s string) (Columns, error) {
	var v [nRoles]string
	if strings.TrimSpace(s) == "" {
		return Columns{}, nil
	}
	bad := func(format string, args ...any) (Columns, error) {
		return Columns{}, fmt.Errorf("dataset: %w %s: %s", ErrColumns, quote.Short(s), fmt.Sprintf(format, args...))
	}
	for _, part := range strings.Split(s, ",") {
		key, val, ok := strings.Cut(part, "=")
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		role := slices.Index(roleKeys[:], key)
		if key == "timestamp" {
			role = roleTime
		}
		switch {
		case !ok:
			return bad("%s is not KEY=COLUMN", quote.Short(part))
		case role < 0:
			return bad("unknown key %s (want user, item, rating or time)", quote.Short(key))
		case v[role] != "":
			return bad("%s given twice", roleKeys[role])
		case val == "":
			return bad("%s= needs a column name or position", roleKeys[role])
		}
		if strings.EqualFold(val, NoTime) || val == "-" {
			if role != roleTime {
				return bad("%s=%s: only time can be none (a time column is optional; the %s column is not)", roleKeys[role], quote.Short(val), roleNames[role])
			}
			v[role] = NoTime
			continue
		}
		if n, err := strconv.Atoi(val); err == nil || isDigits(val) {
			if err != nil || n < 1 {
				return bad("%s=%s: a position counts from 1", roleKeys[role], quote.Short(val))
			}
			val = strconv.Itoa(n)
		}
		v[role] = val
	}
	for a := range nRoles {
		for b := a + 1; b < nRoles; b++ {
			if v[a] != "" && strings.EqualFold(v[a], v[b]) {
				return bad("%s and %s are both column %s", roleKeys[a], roleKeys[b], quote.Short(v[a]))
			}
		}
	}
	return Columns{User: v[0], Item: v[1], Rating: v[2], Time: v[3]}, nil
}

func isDigits(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// position returns the 0-based column of a positional value, or -1 for a
// name.
func position(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n >= 1 {
		return n - 1
	}
	return -1
}

// hasNames reports whether c names a column (rather than only giving
// positions), so that the table must have a header.
func (c Columns) hasNames() bool {
	for role, v := range c.roles() {
		if v != "" && position(v) < 0 && !(role == roleTime && c.dropTime()) {
			return true
		}
	}
	return false
}

// knownRole returns the role whose names include name, or -1.
func knownRole(name string) int {
	n := normColumn(name)
	for role, known := range knownColumns {
		if slices.Contains(known, n) {
			return role
		}
	}
	return -1
}

// pickColumns maps the roles to columns of a table whose first row has
// the given fields, a header or not. It applies c, then (with a header)
// the known names (pickByName). A header must name, or c map, the user
// and item columns, and the rating column unless the table has two
// columns besides a time column (an interaction table, rating -1); one
// naming no column at all, with at most three, is taken in order (a SQL
// result or Parquet file of columns a, b, c). Without a header the
// columns not mapped give the user, item and rating in order, and the
// rating is -1 when only two columns are left. Time is -1 unless found by
// name or given in c (c.Time NoTime drops a column named as a time).
func pickColumns(fields []string, header bool, c Columns) ([nRoles]int, error) {
	pick, taken, err := mapColumns(fields, header, c)
	if err != nil {
		return pick, err
	}
	others := len(fields) // the columns besides a timestamp
	if header {
		dropped, err := pickByName(&pick, taken, fields, c)
		if err != nil {
			return pick, err
		}
		others -= dropped
		if pick[roleTime] >= 0 {
			others--
		}
		if pick != [nRoles]int{-1, -1, -1, -1} || others > 3 || dropped > 0 {
			return pick, checkNamed(pick, fields, others)
		}
	}
	for role := range roleTime {
		for k := range fields {
			if pick[role] < 0 && !taken[k] {
				pick[role], taken[k] = k, true
			}
		}
	}
	if pick[roleUser] < 0 || pick[roleItem] < 0 {
		return pick, fmt.Errorf("want at least a user and an item column, have %s", quoteList(fields))
	}
	return pick, nil
}

// mapColumns applies the mapping c to the fields of the first row: the
// column of each role c gives (-1: none), and the columns taken.
func mapColumns(fields []string, header bool, c Columns) ([nRoles]int, []bool, error) {
	pick := [nRoles]int{-1, -1, -1, -1}
	taken := make([]bool, len(fields))
	for role, v := range c.roles() {
		if v == "" || role == roleTime && c.dropTime() {
			continue
		}
		k := position(v)
		if k < 0 && header {
			k = slices.IndexFunc(fields, func(f string) bool { return strings.EqualFold(strings.TrimSpace(f), v) })
			if k < 0 {
				return pick, nil, fmt.Errorf("%w: %s=%s: no such column in the header (%s)", ErrColumns, roleKeys[role], quote.Short(v), quoteList(fields))
			}
		}
		if k < 0 || k >= len(fields) {
			return pick, nil, fmt.Errorf("%w: %s=%s: the first row has %d columns", ErrColumns, roleKeys[role], quote.Short(v), len(fields))
		}
		if taken[k] {
			return pick, nil, fmt.Errorf("%w: column %d given to two roles", ErrColumns, k+1)
		}
		pick[role], taken[k] = k, true
	}
	return pick, taken, nil
}

// pickByName gives each role that c does not map the header column that
// names it, and returns how many time columns c.Time NoTime dropped. Two
// columns naming one role are an error.
func pickByName(pick *[nRoles]int, taken []bool, fields []string, c Columns) (dropped int, err error) {
	for k, f := range fields {
		role := knownRole(f)
		switch {
		case role < 0 || taken[k]:
			continue
		case role == roleTime && c.dropTime():
			taken[k] = true
			dropped++
			continue
		case c.roles()[role] != "": // mapped to another column: this one is left over
			continue
		case pick[role] >= 0:
			return dropped, &rowError{msg: fmt.Sprintf("columns %s and %s both name the %s column: map the one to use (%s=NAME)", quote.Short(fields[pick[role]]), quote.Short(f), roleNames[role], roleKeys[role]), cause: ErrHeader}
		}
		pick[role], taken[k] = k, true
	}
	return dropped, nil
}

// checkNamed refuses a header that leaves a role it needs unnamed: user
// and item, and rating unless the table has two columns besides a time
// column (others).
func checkNamed(pick [nRoles]int, fields []string, others int) error {
	var missing []string
	for role := range roleTime {
		if pick[role] < 0 && (role != roleRating || others != 2) {
			missing = append(missing, roleNames[role])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &rowError{msg: fmt.Sprintf("the header %s names no %s column: name them (%s), or for a text table map them with Options.Columns",
		quoteList(fields), strings.Join(missing, " or "), ColumnNames()), cause: ErrHeader}
}

// PickColumns chooses the user, item and rating columns among names (a
// header: a SQL result's, a Parquet file's), by the rules of a text
// table's header (see Read): each one by name when a column is called so
// (user, userId, user_id, learner, item, movieId, item_id, course,
// course_id, rating, score, value, ...; case, "_" and "-" are ignored).
// Names that name some roles but leave another unnamed are an error
// wrapping ErrHeader; names that name none, three or fewer of them besides
// a timestamp, give the user, item and rating in order. Two columns
// besides a timestamp are an interaction table: rating is -1.
func PickColumns(names []string) (user, item, rating int, err error) {
	user, item, rating, _, err = PickTimedColumns(names)
	return user, item, rating, err
}

// PickTimedColumns is PickColumns that also returns the timestamp column:
// one with a time name of ColumnNames (any case), or -1 when there is none.
func PickTimedColumns(names []string) (user, item, rating, time int, err error) {
	if len(names) < 2 {
		return 0, 0, 0, -1, fmt.Errorf("missing column: want user and item columns, and a rating column unless the table is of interactions, have %d (%s)", len(names), quoteList(names))
	}
	pick, err := pickColumns(names, true, Columns{})
	return pick[roleUser], pick[roleItem], pick[roleRating], pick[roleTime], err
}

// UnratedSource is implemented by a RowSource that may have no rating
// column (user and item only: an interaction table). Unrated reports so;
// Row's rating is then 1, and Load sets Dataset.Unrated.
type UnratedSource interface {
	Unrated() bool
}

func normColumn(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', ' ':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// quoteList quotes the first few names, each cut to a few bytes.
func quoteList(names []string) string {
	const most, long = 12, 24
	var b strings.Builder
	for k, n := range names {
		if k == most {
			fmt.Fprintf(&b, ", ... (%d columns)", len(names))
			break
		}
		if k > 0 {
			b.WriteString(", ")
		}
		if c := quote.Cut(n, long); len(c) < len(n) {
			b.WriteString(strconv.Quote(c) + "...")
			continue
		}
		b.WriteString(strconv.Quote(n))
	}
	return b.String()
}

// ColumnNames returns the column names the header rules know, by role,
// for help texts and errors: "user: user, userid, ...; item: ...; rating:
// ...; time: ...". They are compared without regard to case, "_", "-"
// and spaces, so userid stands for userId and user_id too.
func ColumnNames() string {
	var b strings.Builder
	for role, names := range knownColumns {
		if role > 0 {
			b.WriteString("; ")
		}
		b.WriteString(roleKeys[role] + ": " + strings.Join(names, ", "))
	}
	return b.String()
}
