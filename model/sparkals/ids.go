package sparkals

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/recnet/recnet/internal/quote"
)

// rawIDs returns the raw id of each Spark id of ids: its row in the id
// map at path (header "id,"+col) when the file exists, else the id in
// decimal. A map that repeats an id or a raw id, or lacks one of ids, or
// names one ids lacks, is refused naming its line.
func rawIDs(path, col string, ids []int32) ([]string, error) {
	raw := make([]string, len(ids))
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		for k, id := range ids {
			raw[k] = strconv.Itoa(int(id))
		}
		return raw, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	defer f.Close()
	index := make(map[int32]int, len(ids))
	for k, id := range ids {
		index[id] = k
	}
	found := make([]bool, len(ids))
	taken := map[string]int{}
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	header, err := r.Read()
	if err != nil || header[0] != "id" || header[1] != col {
		return nil, fmt.Errorf("%w: %s: line 1: want the header id,%s", ErrLayout, path, col)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrLayout, path, err)
		}
		line, _ := r.FieldPos(0)
		id, err := strconv.ParseInt(rec[0], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: line %d: field id is %s, not a 32-bit integer", ErrLayout, path, line, quote.Short(rec[0]))
		}
		k, ok := index[int32(id)]
		switch {
		case !ok:
			return nil, fmt.Errorf("%w: %s: line %d: id %d has no vector", ErrLayout, path, line, id)
		case found[k]:
			return nil, fmt.Errorf("%w: %s: line %d: id %d is repeated", ErrLayout, path, line, id)
		}
		if prev, ok := taken[rec[1]]; ok {
			return nil, fmt.Errorf("%w: %s: line %d: field %s %s is on line %d too", ErrLayout, path, line, col, quote.Short(rec[1]), prev)
		}
		taken[rec[1]] = line
		found[k], raw[k] = true, rec[1]
	}
	for k, ok := range found {
		if !ok {
			return nil, fmt.Errorf("%w: %s has no line for id %d", ErrLayout, path, ids[k])
		}
	}
	return raw, nil
}
