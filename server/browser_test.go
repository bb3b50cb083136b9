package server_test

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/recnet/recnet/dataset"
	"github.com/recnet/recnet/model"
	"github.com/recnet/recnet/server"
	"github.com/recnet/recnet/train"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// TestBrowser drives the page in headless Chromium, served a rating
// model, an implicit one and an ease one: search, tick two courses of one
// genre with ratings, ask for recommendations and check that the ticked
// courses are absent, each item has a reason naming a ticked course, and
// the scores are not all equal, then choose the implicit model and the
// ease one (checkRelevance). With
// RECNET_SCREENSHOT=1 it writes a screenshot of the page with its
// recommendations, 1280 px wide, to docs/page.png. It is skipped without
// Chromium unless CI=true.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no chromium: %v", err)
		}
		t.Skipf("no chromium at %s", chromiumPath)
	}
	if testing.Short() {
		t.Skip("short mode")
	}

	d, _ := dataset.GenerateCourses(dataset.CourseConfig{Users: 2000, Rows: 14000})
	split, err := dataset.SplitRandom(d, dataset.Fractions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := train.Fit(context.Background(), split, model.Config{Training: model.Training{Epochs: 6}, Settings: model.Settings{Dim: 8}})
	if err != nil {
		t.Fatal(err)
	}
	next, err := train.Fit(context.Background(), split, model.Config{Training: model.Training{Task: model.TaskImplicit, Epochs: 3}, Settings: model.Settings{Dim: 8}})
	if err != nil {
		t.Fatal(err)
	}
	ease, err := train.Fit(context.Background(), split, model.Config{Kind: "ease"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.NewNamed([]server.Named{{Name: "ratings", Model: m}, {Name: "next", Model: next}, {Name: "ease", Model: ease}}, dataset.BuiltinCatalog())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	// Limit the steps, not the browser: see chromedp.Run.
	stepCtx, cancelSteps := context.WithTimeout(ctx, 60*time.Second)
	defer cancelSteps()

	// Tick the first two Python courses that a search for "python" finds.
	err = chromedp.Do(stepCtx,
		chromedp.WaitVisible(chromedp.CSS("#results li")),
		chromedp.WaitVisible(chromedp.CSS("#models")),
		chromedp.SendKeys(chromedp.CSS("#q"), "python"),
		chromedp.Click(chromedp.CSS("#search-form button[type=submit]")),
		chromedp.Poll[chromedp.Void](`document.getElementById("search-status").textContent.includes("python")`),
	)
	if err != nil {
		t.Fatal(err)
	}
	picks, err := chromedp.Run(stepCtx, chromedp.Evaluate[[]int](`[...document.querySelectorAll("#results li")]
		.map((li, k) => [...li.querySelectorAll(".genre")].some(g => g.textContent === "Python") ? k + 1 : 0)
		.filter(k => k > 0).slice(0, 2)`))
	if err != nil || len(picks) != 2 {
		t.Fatalf("Python courses among the results: %v (%v)", picks, err)
	}
	for _, k := range picks {
		li := fmt.Sprintf("#results li:nth-child(%d)", k)
		if err := chromedp.Do(stepCtx,
			chromedp.Click(chromedp.CSS(li+" input[type=checkbox]")),
			chromedp.WaitVisible(chromedp.CSS(li+" select")),
		); err != nil {
			t.Fatal(err)
		}
	}
	// The rating control spans the model's range, 3 to 5 for the courses.
	opts, err := chromedp.Run(stepCtx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#results li.taken select")[0].options].map(o => o.value)`))
	if err != nil || len(opts) < 3 || opts[0] != "5" || opts[len(opts)-1] != "3" {
		t.Errorf("rating options %q (%v): want 5 down to 3", opts, err)
	}
	// Rate the second course 4: pick the option and fire change, as the
	// keyboard would.
	if _, err := chromedp.Run(stepCtx, chromedp.Evaluate[bool](`(() => {
		const s = document.querySelectorAll("#results li.taken select")[1];
		s.value = "4";
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	ticked, err := chromedp.Run(stepCtx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#results li.taken")].map(li => li.dataset.item)`))
	if err != nil || len(ticked) != 2 {
		t.Fatalf("ticked %q (%v), want 2", ticked, err)
	}
	err = chromedp.Do(stepCtx,
		chromedp.WaitEnabled(chromedp.CSS("#recommend")),
		chromedp.Click(chromedp.CSS("#recommend")),
		chromedp.WaitVisible(chromedp.CSS("#recs li")),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkRecs(t, stepCtx, ticked, true)
	chips, err := chromedp.Run(stepCtx, chromedp.Text(chromedp.CSS("#taken")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(chips, "5★") || !strings.Contains(chips, "4★") {
		t.Errorf("ratings %q: want one 5★ and one 4★", chips)
	}
	// At 1280 px the page has two columns side by side: the left one's
	// last card (the model's) starts above the end of the
	// recommendations, and the left column is not the longer by much.
	// (How much longer the right one is depends on the reasons' text.)
	cols, err := chromedp.Run(stepCtx, chromedp.Evaluate[[]float64](
		`[...document.querySelectorAll("main > .col")].flatMap(c => [c.getBoundingClientRect().left, c.lastElementChild.getBoundingClientRect().top, c.getBoundingClientRect().bottom])`))
	if err != nil || len(cols) != 6 || !(cols[0] < cols[3]) || !(cols[1] < cols[5]) || cols[2] > 1.25*cols[5] {
		t.Errorf("at 1280 px the columns (left, last card's top, bottom) are %v (%v): want two side by side, the left one's last card beside the recommendations", cols, err)
	}
	if os.Getenv("RECNET_SCREENSHOT") == "1" {
		screenshot(t, stepCtx, "page.png")
	}

	// Enter on a recommended title shows similar courses.
	err = chromedp.Do(stepCtx,
		chromedp.Focus(chromedp.CSS("#recs li button.title")),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS("#similar li")),
		chromedp.WaitVisible(chromedp.CSS("#curve svg polyline")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg, err := chromedp.Run(stepCtx, chromedp.Evaluate[bool](`document.getElementById("error").hidden`)); err != nil || !msg {
		t.Errorf("error box shown (hidden=%v, err=%v)", msg, err)
	}

	// Choosing the implicit model ranks by what learners take next, and
	// still leaves out the ticked courses.
	chooseModel(t, stepCtx, "next", "probability")
	checkRecs(t, stepCtx, ticked, false)

	// At 400 px the page is one column and the loss chart, redrawn at its
	// width, keeps its labels at their size in CSS pixels.
	err = chromedp.Do(stepCtx,
		chromedp.EmulateViewport(400, 900),
		chromedp.Poll[chromedp.Void](`document.querySelector("#curve svg").viewBox.baseVal.width < 400`),
	)
	if err != nil {
		t.Fatal(err)
	}
	label, err := chromedp.Run(stepCtx, chromedp.Evaluate[[]float64](`(() => {
		const t = document.querySelector("#curve svg text").getBoundingClientRect();
		return [t.height, document.documentElement.scrollWidth];
	})()`))
	if err != nil || len(label) != 2 || label[0] < 11 || label[1] > 400 {
		t.Errorf("at 400 px: chart label height, page width %v (%v); want at least 11 px and at most 400 px", label, err)
	}
	checkRelevance(t, stepCtx, ticked) // last: ease has no loss curve
	checkFineScale(t, stepCtx, m)
	cancel()
	cancelAlloc()
}

// chooseModel chooses the served model name and waits until the
// recommendations' status says want.
func chooseModel(t *testing.T, ctx context.Context, name, want string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#model-choices input[value="`+name+`"]`)),
		chromedp.Poll[chromedp.Void](`document.getElementById("recs-status").textContent.includes(`+strconv.Quote(want)+`)`),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// checkRelevance chooses the ease model, whose scores only order the
// courses, and checks that it is offered as ranking what learners take
// next, with no rating control (a tick is all), its scores labelled
// relevance, and the ticked courses left out.
func checkRelevance(t *testing.T, ctx context.Context, ticked []string) {
	t.Helper()
	choice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#model-choices label:has(input[value="ease"])`)))
	if err != nil || !strings.Contains(choice, "What learners like you take next") {
		t.Errorf("ease choice %q (%v): want what learners like you take next", choice, err)
	}
	chooseModel(t, ctx, "ease", "from your 2 courses, by relevance")
	page, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		String(document.querySelectorAll("#results li.taken").length),
		String(document.querySelectorAll("#results li.taken select").length),
		document.getElementById("model-facts").textContent]`))
	if err != nil || len(page) != 3 || page[0] != "2" || page[1] != "0" || !strings.Contains(page[2], "Scoresrelevance") {
		t.Errorf("ease model: ticked, rating controls, facts %q (%v); want 2 ticked, no control, scores relevance", page, err)
	}
	checkRecs(t, ctx, ticked, false)
	// ease has no item embeddings: a title click explains that, with no
	// error box.
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#results li:first-child button.title")),
		chromedp.Poll[chromedp.Void](`document.getElementById("similar-status").textContent.includes("cannot show similar courses")`))
	if err != nil {
		t.Errorf("ease model, title clicked: the page does not say it cannot show similar courses: %v", err)
	}
	if shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("error").hidden`)); err != nil || shown {
		t.Errorf("ease model, title clicked: error box shown %v (%v)", shown, err)
	}
}

// checkFineScale serves m as a model rated 0 to 1000 in steps of 0.5 and
// checks that the rating control still offers the whole range, top and
// bottom, in at most 201 options of a multiple of the step.
func checkFineScale(t *testing.T, ctx context.Context, m *model.Model) {
	t.Helper()
	fine := *m
	fine.Min, fine.Max, fine.Step = 0, 1000, 0.5
	srv := httptest.NewServer(server.New(&fine, dataset.BuiltinCatalog()).Handler())
	defer srv.Close()
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.WaitVisible(chromedp.CSS("#results li")),
		chromedp.Poll[chromedp.Void](`document.getElementById("taken-empty").textContent.includes("1000")`),
		chromedp.Click(chromedp.CSS("#results li:first-child input[type=checkbox]")),
		chromedp.WaitVisible(chromedp.CSS("#results li.taken select")),
	)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](
		`[...document.querySelector("#results li.taken select").options].map(o => Number(o.value))`))
	if err != nil || len(opts) < 2 || len(opts) > 201 || opts[0] != 1000 || opts[len(opts)-1] != 0 {
		t.Fatalf("rating options of a 0-1000 scale in 0.5: %d, %v ... %v (%v); want 1000 down to 0, at most 201", len(opts), opts[:min(3, len(opts))], opts[max(0, len(opts)-3):], err)
	}
	for _, v := range opts {
		if math.Mod(v, 0.5) != 0 {
			t.Errorf("rating option %g is not on the model's step 0.5", v)
		}
	}
}

// checkRecs checks the recommendations shown: none of the ticked courses,
// each with a title and a reason naming a ticked course ("because you
// took ...", with the learner's rating when rated says the model rates,
// and the share explained in a tooltip), and scores with at least 4
// decimals that are not all equal.
func checkRecs(t *testing.T, ctx context.Context, ticked []string, rated bool) {
	t.Helper()
	type rec struct {
		Item, Title, Score, Because string
		Reasons                     []string // the items the reason names
		Tips                        []string // their tooltips
	}
	recs, err := chromedp.Run(ctx, chromedp.Evaluate[[]rec](`[...document.querySelectorAll("#recs li")].map(li => ({
		item: li.dataset.item, title: li.querySelector("button.title").textContent.trim(), score: li.querySelector(".score").textContent,
		because: li.querySelector(".because").textContent, reasons: [...li.querySelectorAll(".because .reason")].map(r => r.dataset.item),
		tips: [...li.querySelectorAll(".because .reason")].map(r => r.title)}))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 {
		t.Fatalf("recommendations %v: want at least two", recs)
	}
	score := regexp.MustCompile(`^-?[0-9]+\.[0-9]{4,8}( |$)`)
	stars := regexp.MustCompile(` \([0-9.]+★\)`)
	scores := map[string]bool{}
	for _, r := range recs {
		if slices.Contains(ticked, r.Item) {
			t.Errorf("ticked course %s recommended", r.Item)
		}
		if r.Title == "" {
			t.Errorf("recommendation %s has no title", r.Item)
		}
		if !strings.HasPrefix(r.Because, "because you took ") || !slices.ContainsFunc(r.Reasons, func(id string) bool { return slices.Contains(ticked, id) }) {
			t.Errorf("recommendation %s: reason %q naming %q, want one naming a ticked course of %q", r.Item, r.Because, r.Reasons, ticked)
		}
		if n := len(stars.FindAllString(r.Because, -1)); rated && n != len(r.Reasons) || !rated && n != 0 {
			t.Errorf("recommendation %s: reason %q shows %d ratings for %d courses (rated model: %v)", r.Item, r.Because, n, len(r.Reasons), rated)
		}
		for _, tip := range r.Tips {
			if !strings.Contains(tip, "%") || !strings.Contains(tip, "of all") {
				t.Errorf("recommendation %s: share tooltip %q does not say what a share is", r.Item, tip)
			}
		}
		if !score.MatchString(r.Score) {
			t.Errorf("recommendation %s: score %q, want 4 to 8 decimals", r.Item, r.Score)
		}
		scores[r.Score] = true
	}
	if len(scores) < 2 {
		t.Errorf("scores all equal: %v", recs)
	}
	t.Logf("recommended: %v", recs)
}

// screenshot writes a screenshot of the whole page to docs/name.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "docs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
