package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
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

// TestBrowser drives the page in headless Chromium: search, tick two
// courses with ratings, ask for recommendations and check they show. With
// RECNET_SCREENSHOT=1 it writes a full-page screenshot to
// docs/screenshot.png. It is skipped without Chromium unless CI=true.
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
	srv := httptest.NewServer(server.New(m, dataset.BuiltinCatalog()).Handler())
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

	err = chromedp.Do(stepCtx,
		chromedp.WaitVisible(chromedp.CSS("#results li")),
		chromedp.SendKeys(chromedp.CSS("#q"), "data"),
		chromedp.Click(chromedp.CSS("#search-form button[type=submit]")),
		chromedp.Poll[chromedp.Void](`document.getElementById("search-status").textContent.includes("data")`),
		chromedp.Click(chromedp.CSS("#results li:nth-child(1) input[type=checkbox]")),
		chromedp.WaitVisible(chromedp.CSS("#results li:nth-child(1) select")),
		chromedp.Click(chromedp.CSS("#results li:nth-child(2) input[type=checkbox]")),
		chromedp.WaitVisible(chromedp.CSS("#results li:nth-child(2) select")),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Rate the second course 4: pick the option and fire change, as the
	// keyboard would.
	if _, err := chromedp.Run(stepCtx, chromedp.Evaluate[bool](`(() => {
		const s = document.querySelector("#results li:nth-child(2) select");
		s.value = "4";
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(stepCtx,
		chromedp.WaitEnabled(chromedp.CSS("#recommend")),
		chromedp.Click(chromedp.CSS("#recommend")),
		chromedp.WaitVisible(chromedp.CSS("#recs li")),
	)
	if err != nil {
		t.Fatal(err)
	}
	titles, err := chromedp.Run(stepCtx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#recs li button.title")].map(b => b.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(titles) == 0 || titles[0] == "" {
		t.Fatalf("recommendations %q: want at least one titled course", titles)
	}
	t.Logf("recommended: %s", strings.Join(titles, " | "))
	chips, err := chromedp.Run(stepCtx, chromedp.Text(chromedp.CSS("#taken")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(chips, "5★") || !strings.Contains(chips, "4★") {
		t.Errorf("ratings %q: want one 5★ and one 4★", chips)
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

	if os.Getenv("RECNET_SCREENSHOT") == "1" {
		png, err := chromedp.Run(stepCtx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("..", "docs")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "screenshot.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	cancelAlloc()
}
