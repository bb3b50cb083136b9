package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
)

// TestBlendCommand fits a blend of a short dot and bias, saves it and uses
// the file as any other: summary, predict, recommend for a known user and
// a new learner with explanations, export, eval, and the server's
// recommend and fold-in.
func TestBlendCommand(t *testing.T) {
	dir := t.TempDir()
	data := smallData(t, dir)
	out := filepath.Join(dir, "b.recnet")
	stdout, stderr, code := run(t, "blend", "--data", data, "--kinds", "dot,bias", "--epochs", "3", "--json", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("blend: exit %d: %s", code, stderr)
	}
	var res struct {
		Config  model.Config `json:"config"`
		Members []struct {
			Kind   string  `json:"kind"`
			Weight float64 `json:"weight"`
			Test   struct{ RMSE float64 }
		} `json:"members"`
		Test  struct{ RMSE float64 }
		Valid struct{ RMSE float64 }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if len(res.Members) != 2 || res.Members[0].Kind != "dot" || res.Members[1].Kind != "bias" || !(res.Test.RMSE > 0) {
		t.Fatalf("members %+v, test %+v", res.Members, res.Test)
	}
	if res.Config.Kind != model.BlendKind || res.Config.MemberList()[0].Epochs != 3 {
		t.Errorf("config %+v, want a blend whose dot member has 3 epochs", res.Config)
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	user, item := m.Users.Raw(0), m.Items.Raw(0)
	for _, args := range [][]string{
		{"summary", "--model", out},
		{"predict", "--model", out, "--user", user, "--item", item},
		{"recommend", "--model", out, "--user", user, "--explain"},
		{"recommend", "--model", out, "--rated", m.Items.Raw(1) + "=5," + m.Items.Raw(2) + "=3", "--explain"},
		{"export", "--model", out, "--dir", filepath.Join(dir, "emb")},
		{"eval", "--model", out, "--data", data},
	} {
		if stdout, stderr, code := run(t, args...); code != 0 {
			t.Errorf("%s: exit %d: %s%s", args[0], code, stdout, stderr)
		}
	}
	h := server.New(m, nil).Handler()
	for _, req := range []*http.Request{
		httptest.NewRequest("GET", "/v1/recommend?user="+user+"&k=3", nil),
		httptest.NewRequest("POST", "/v1/foldin", strings.NewReader(`{"ratings":{"`+item+`":5},"k":3}`)),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req.WithContext(context.Background()))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"because"`) {
			t.Errorf("%s %s: %d %s", req.Method, req.URL, rec.Code, rec.Body)
		}
	}
}

// TestBlendRefusals checks that blend refuses, with exit 2 and a message
// naming the flag, what it cannot do.
func TestBlendRefusals(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--kinds", "dot,ials"}, "--kinds: ials learns only the implicit task"},
		{[]string{"--kinds", "dot,ease"}, "--kinds: ease learns only the implicit task"},
		{[]string{"--kinds", "dot," + model.BlendKind}, "--kinds: a blend does not take a blend"},
		{[]string{"--kinds", "dot,dot"}, "--kinds: dot named twice"},
		{[]string{"--kinds", "dot,svdpp"}, `--kinds: unknown kind "svdpp"`},
		{[]string{"--kinds", "dot,mf", "--dim", "8"}, "--dim: ambiguous: dot, mf all read it"},
		{[]string{"--kinds", "dot,mf", "--alpha", "2"}, "--alpha: does not apply"},
		{[]string{"--kinds", "mf,bias", "--preset", "seed"}, "--preset: applies to dot"},
		{[]string{"--kind", "mf"}, "--kind: a blend's members are --kinds"},
		{[]string{"--task", "implicit"}, "--task: a blend's members are --kinds"},
		{[]string{"--split", "0.9,0,0.1"}, "a blend fits its weights on the validation part"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, append([]string{model.BlendKind, "--quiet"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q: %s", c.args, code, c.want, stderr)
		}
	}
	_, stderr, code := run(t, "train", "--kind", model.BlendKind, "--split", "0.9,0,0.1", "--quiet")
	if code != 2 || !strings.Contains(stderr, "no validation rows") {
		t.Errorf("train --kind blend without a validation part: exit %d: %s", code, stderr)
	}
}
