package model

import "errors"

// errNoNet is the error of exporting a model without a net.
var errNoNet = errors.New("model: cannot export a model without a net")

// EmbeddingTable is one side (users or items) of a model's embeddings:
// the table Export writes, with the biases beside it.
type EmbeddingTable struct {
	IDs  []string  // the raw ids, in inner order
	Bias []float32 // the bias of each id; nil when the net has none (iALS, a blend)
	Dim  int       // the length of an embedding
	Data []float32 // the embeddings, id after id: len(IDs)*Dim values
}

// EmbeddingTables returns the model's user and item tables. The slices
// are the model's own: the caller does not change them. Nets without
// "user_embedding" and "item_embedding" tables (the baselines, ease)
// have none: that error wraps ErrUnsupported.
func (m *Model) EmbeddingTables() (user, item EmbeddingTable, err error) {
	if m.Net == nil {
		return user, item, errNoNet
	}
	for k, side := range []*EmbeddingTable{&user, &item} {
		ids := idsOf(m.Users)
		if k == 1 {
			ids = idsOf(m.Items)
		}
		name := [2]string{"user", "item"}[k]
		p, err := m.embedding(name+"_embedding", ids)
		if err != nil {
			return user, item, err
		}
		*side = EmbeddingTable{IDs: ids, Dim: p.Cols, Data: p.Data, Bias: m.bias(name+"_bias", len(ids))}
	}
	return user, item, nil
}

// bias returns the net's bias table called name, of n rows, or nil. An
// embedder's tables are its members' (a blend's): it has none.
func (m *Model) bias(name string, n int) []float32 {
	if _, ok := m.Net.(embedder); ok {
		return nil
	}
	for _, p := range m.Net.Params() {
		if p.Name == name && p.Rows == n && p.Cols == 1 && len(p.Data) == n {
			return p.Data
		}
	}
	return nil
}
