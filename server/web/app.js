// recnet page: search the courses, rate the ones you took, and get
// recommendations from POST /v1/foldin. Plain DOM, no dependencies.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

  // taken maps a course id to {item, title, genres, rating}, in tick order.
  const taken = new Map();
  let searchSeq = 0;
  // cur is the chosen model, as /v1/model lists it: name, score ("rating";
  // "probability" for a model of the implicit task; "relevance" for a kind
  // whose scores only order the courses, such as ials and ease), min, max
  // and step (null when the model does not say, 0 for a continuous scale).
  // several is set when the server serves more than one model.
  let cur = { name: "", score: "rating", min: null, max: null, step: null };
  let several = false;
  // scores says, for each score a model gives, whether a tick is all the
  // learner gives it (no rating), how its scores are labelled, what the
  // model facts call them, and what it ranks by, for the learner.
  const scores = {
    rating: { tick: false, label: "Predicted rating", fact: "predicted rating", ranks: "What you’d rate highest" },
    probability: {
      tick: true, label: "Predicted probability of taking the course", fact: "probability",
      ranks: "What learners like you take next",
    },
    relevance: { tick: true, label: "Relevance", fact: "relevance", ranks: "What learners like you take next" },
  };
  const scoreOf = (score) => scores[score] || scores.rating;
  const implicit = () => scoreOf(cur.score).tick;
  const scoreLabel = () => scoreOf(cur.score).label;
  const ranks = (score) => scoreOf(score).ranks;

  // withModel adds the chosen model to an API path, when there are several.
  const withModel = (path) => several && cur.name
    ? path + (path.includes("?") ? "&" : "?") + "model=" + encodeURIComponent(cur.name) : path;

  // ratingSteps returns the ratings the control offers, highest first, at
  // most maxSteps + 1 of them: the model's range in its step, or in a
  // multiple of it when the step would make more; a continuous scale (or
  // one whose step is unknown) in steps of 0.5, or coarser when that makes
  // more than 20. The range's top and bottom are always offered.
  const maxSteps = 200;
  function ratingSteps() {
    const lo = cur.min ?? 1, hi = cur.max ?? 5;
    if (!(hi > lo)) return [hi];
    const span = hi - lo;
    const step = cur.step > 0
      ? cur.step * Math.max(1, Math.ceil(span / cur.step / maxSteps - 1e-9))
      : [0.5, 1, 2, 5, 10, 20, 50, 100].find((s) => span / s <= 20) ?? span / 20;
    const out = [];
    for (let k = 0; hi - k * step > lo + 1e-9 * step; k++) {
      out.push(Math.round((hi - k * step) * 1000) / 1000);
    }
    out.push(lo);
    return out;
  }
  // fitRating returns the offered rating nearest to r.
  function fitRating(r) {
    const steps = ratingSteps();
    return steps.reduce((best, v) => Math.abs(v - r) < Math.abs(best - r) ? v : best, steps[0]);
  }
  const stars = (r) => implicit() ? "taken" : r + "★";

  // el makes an element with attributes and children.
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  }

  // api calls the JSON API and returns data, or throws the envelope's error.
  async function api(path, body) {
    const opts = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    };
    let res, env;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      throw new Error("Cannot reach the server: " + e.message);
    }
    try {
      env = await res.json();
    } catch (e) {
      throw new Error(`Bad response from ${path} (HTTP ${res.status})`);
    }
    if (env.status !== "success") {
      const err = env.error || {};
      const e = new Error(`${err.message || "request failed"} (${err.code || "HTTP " + res.status})`);
      e.code = err.code;
      throw e;
    }
    return env.data;
  }

  function showError(msg) {
    const box = $("error");
    box.replaceChildren(
      el("span", { text: msg }),
      el("button", { type: "button", "aria-label": "Dismiss error", onclick: clearError, text: "Dismiss" }),
    );
    box.hidden = false;
  }
  function clearError() {
    $("error").hidden = true;
    $("error").replaceChildren();
  }

  const name = (c) => c.title || c.item;

  function genreChips(genres) {
    return el("span", { class: "genres" }, ...(genres || []).map((g) => el("span", { class: "genre", text: g })));
  }

  // titleButton is the course title: clicking it, or Enter on it, shows
  // similar courses.
  function titleButton(c) {
    return el("button", {
      type: "button", class: "title", "data-item": c.item,
      title: "Show courses similar to " + name(c),
      onclick: () => showSimilar(c),
    }, name(c));
  }

  // ratingSelect is the rating control of a ticked course: the model's
  // range in its step; none for an implicit model, where a tick is all.
  function ratingSelect(c) {
    if (implicit()) return null;
    const s = el("select", { "aria-label": "Your rating of " + name(c), "data-item": c.item });
    for (const r of ratingSteps()) {
      const o = el("option", { value: String(r), text: r + " ★" });
      if (taken.get(c.item)?.rating === r) o.selected = true;
      s.append(o);
    }
    s.addEventListener("change", () => {
      const t = taken.get(c.item);
      if (t) t.rating = Number(s.value);
      renderTaken();
    });
    return s;
  }

  // renderResults draws search results, each with a tick box and, when
  // ticked, a rating.
  function renderResults(items) {
    const list = $("results");
    list.replaceChildren(...items.map((c) => {
      const id = "take-" + c.item;
      const isTaken = taken.has(c.item);
      const box = el("input", { type: "checkbox", id, "aria-label": "I took " + name(c) });
      box.checked = isTaken;
      const li = el("li", { class: isTaken ? "taken" : "", "data-item": c.item },
        box,
        courseLabel(c),
        isTaken && !implicit() ? el("span", { class: "rating" }, ratingSelect(c)) : null,
      );
      box.addEventListener("change", () => {
        if (box.checked) taken.set(c.item, { item: c.item, title: c.title, genres: c.genres, rating: ratingSteps()[0] });
        else taken.delete(c.item);
        renderResults(items);
        renderTaken();
        const again = document.getElementById(id);
        if (again) again.focus();
      });
      return li;
    }));
  }
  let lastItems = [];

  // courseLabel is a course's title (its id when it has none), its id
  // beside a title, and its genres.
  function courseLabel(c) {
    return el("div", { class: "course" }, titleButton(c),
      c.title ? el("span", { class: "id", text: c.item }) : null, genreChips(c.genres));
  }

  function renderTaken() {
    const list = $("taken");
    list.replaceChildren(...[...taken.values()].map((t) =>
      el("li", {},
        el("span", { text: name(t) }),
        el("span", { class: "stars", text: stars(t.rating) }),
        el("button", {
          type: "button", "aria-label": "Remove " + name(t), text: "×",
          onclick: () => { taken.delete(t.item); renderResults(lastItems); renderTaken(); $("q").focus(); },
        }),
      )));
    $("taken-empty").hidden = taken.size > 0;
    $("recommend").disabled = taken.size === 0;
  }

  async function search(q) {
    const seq = ++searchSeq;
    $("search-status").textContent = "Searching…";
    try {
      const d = await api(withModel("/v1/items?limit=25&q=" + encodeURIComponent(q)));
      if (seq !== searchSeq) return;
      clearError();
      lastItems = d.items;
      renderResults(d.items);
      const shown = d.items.length;
      $("search-status").textContent = d.total === 0
        ? `No course matches “${q}”.`
        : `${d.total} course${d.total === 1 ? "" : "s"}${q ? ` match “${q}”` : ""}${shown < d.total ? `, showing the first ${shown}` : ""}.`;
    } catch (e) {
      if (seq !== searchSeq) return;
      $("search-status").textContent = "";
      showError(e.message);
    }
  }

  // scoreDigits returns the digits a list's scores are shown with: 4, as
  // the CLI shows them, or more, up to 8, until different scores show
  // differently.
  function scoreDigits(list) {
    const xs = list.map((r) => r.score).filter((v) => v != null);
    const distinct = new Set(xs).size;
    let d = 4;
    while (d < 8 && new Set(xs.map((v) => v.toFixed(d))).size < distinct) d++;
    return d;
  }

  // recItems shows a list of recommended or similar courses; label says
  // what their scores are.
  function recItems(list, label) {
    const digits = scoreDigits(list);
    return list.map((r) => recItem(r, label, digits));
  }

  // recItem shows one recommended or similar course, its score with
  // digits decimals. Its "because" line names the answer's reasons, if any.
  function recItem(r, label, digits) {
    let score = r.score == null ? "–" : r.score.toFixed(digits);
    if (r.beyond === 1) {
      score += " (above the top)"; // a predicted rating past the scale: the list ranks by it
      label += ", above the top of the rating scale";
    } else if (r.beyond === -1) {
      score += " (below the bottom)";
      label += ", below the bottom of the rating scale";
    }
    if (r.new) {
      score += " (new)"; // no training interaction: scored by its genres alone
      label += ", a new course no one has taken yet, scored by its genres";
    }
    return el("li", { "data-item": r.item },
      courseLabel(r),
      el("span", { class: "score", title: label, text: score }),
      becauseLine(r.because),
    );
  }

  // becauseLine says "because you took X (5★), Y (4★) and Z (5★)" from an
  // item's "because": the rated courses with the largest parts of its
  // score, each by its title (its id without one) and the learner's rating
  // (none for an implicit model, where a tick is all), with its share in a
  // tooltip. It is empty, and hidden, without reasons.
  function becauseLine(reasons) {
    const p = el("p", { class: "because" });
    const rs = reasons || [];
    if (rs.length === 0) return p;
    p.append("because you took ");
    rs.forEach((b, k) => {
      if (k > 0) p.append(k === rs.length - 1 ? " and " : ", ");
      p.append(el("span", {
        class: "reason", "data-item": b.item, text: name(b),
        title: b.share == null ? "" : shareText(b.share),
      }));
      if (!implicit() && b.rating != null) p.append(el("span", { class: "reason-rating", text: ` (${stars(b.rating)})` }));
    });
    return p;
  }

  // shareText explains a reason's share (model.Reason.Share): its part of
  // the score over the sum of the sizes of every rated course's part, so
  // how much of all the moving your ratings did to this score it did.
  function shareText(share) {
    return `Share ${Math.round(share * 100)}%: of all the moves your ratings make to this score ` +
      "(each rated course's part, up or down, counted by its size), this rating made this much.";
  }

  async function recommend() {
    const ratings = {};
    for (const t of taken.values()) ratings[t.item] = implicit() ? ratingSteps()[0] : t.rating;
    const btn = $("recommend");
    btn.disabled = true;
    $("recs-status").textContent = "Folding you in…";
    try {
      const d = await api(withModel("/v1/foldin"), { ratings, k: Number($("k").value) });
      clearError();
      $("recs").replaceChildren(...recItems(d.recommendations, scoreLabel()));
      $("recs-status").textContent = d.recommendations.length === 0
        ? "No recommendations: you have rated every course."
        : `Top ${d.recommendations.length} from your ${taken.size} ${implicit() ? "course" : "rating"}${taken.size === 1 ? "" : "s"}` +
          (d.cold ? " (cold start: ranked by popularity, as none of your courses was in training)." : `, by ${scoreLabel().toLowerCase()}.`) +
          (d.because_note ? ` No reasons: ${d.because_note}.` : "");
    } catch (e) {
      $("recs-status").textContent = "No recommendations.";
      showError(e.message);
    } finally {
      btn.disabled = taken.size === 0;
    }
  }

  // noSimilar says why a model of a kind without item embeddings shows no
  // similar courses.
  function noSimilar() {
    return `This model (${cur.kind || "?"}) has no course embeddings to compare, so it cannot show similar courses.` +
      (several ? " Choose another model to see them." : "");
  }

  async function showSimilar(c) {
    $("similar-h").textContent = "Similar to " + name(c);
    if (!cur.similar) {
      $("similar").replaceChildren();
      $("similar-status").textContent = noSimilar();
      return;
    }
    $("similar-status").textContent = "Loading…";
    try {
      const d = await api(withModel("/v1/similar?k=8&item=" + encodeURIComponent(c.item)));
      clearError();
      $("similar").replaceChildren(...recItems(d.similar, "Similarity"));
      $("similar-status").textContent = `The ${d.similar.length} courses closest to ${name(c)}; the score is the similarity.`;
    } catch (e) {
      $("similar").replaceChildren();
      if (e.code === "cold_item") {
        // Not a failure: no one had taken the course in training.
        $("similar-status").textContent = `No similar courses: no one had taken ${name(c)} in the rows the model was trained on, so it has nothing to compare.`;
        return;
      }
      $("similar-status").textContent = "No similar courses.";
      showError(e.message);
    }
  }

  // drawCurve draws train and validation loss per epoch as an SVG line chart.
  function drawCurve(hist, best) {
    const box = $("curve");
    const pts = (hist || []).filter((h) => h.loss != null || h.val_loss != null);
    if (pts.length === 0) {
      box.replaceChildren(el("p", { class: "muted", text: "This model has no training history (closed-form fit)." }));
      $("curve-caption").hidden = true;
      return;
    }
    // Drawn at the box's width, so that its text stays 12 px at any width.
    const W = Math.max(280, Math.round(box.clientWidth || 640)), H = W < 520 ? 220 : 260, L = 52, R = 16, T = 16, B = 40;
    const vals = pts.flatMap((h) => [h.loss, h.val_loss]).filter((v) => v != null);
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi === lo) { hi += 0.5; lo -= 0.5; }
    const pad = (hi - lo) * 0.08;
    lo = Math.max(0, lo - pad); hi += pad;
    const e0 = pts[0].epoch, e1 = pts[pts.length - 1].epoch;
    const x = (e) => L + (e1 === e0 ? (W - L - R) / 2 : (e - e0) / (e1 - e0) * (W - L - R));
    const y = (v) => T + (hi - v) / (hi - lo) * (H - T - B);
    const s = (tag, attrs, text) => {
      const n = document.createElementNS(SVG, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text != null) n.textContent = text;
      return n;
    };
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "curve-title curve-desc" });
    const last = pts[pts.length - 1];
    svg.append(s("title", { id: "curve-title" }, "Training curve"));
    svg.append(s("desc", { id: "curve-desc" },
      `Loss over ${pts.length} epochs: train ${fmt(pts[0].loss)} to ${fmt(last.loss)}, validation ${fmt(pts[0].val_loss)} to ${fmt(last.val_loss)}.`));
    for (let k = 0; k <= 4; k++) {
      const v = lo + (hi - lo) * k / 4;
      svg.append(s("line", { class: "grid-line", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      svg.append(s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, v.toFixed(3)));
    }
    const step = Math.max(1, Math.ceil((e1 - e0 + 1) / Math.max(2, Math.floor((W - L - R) / 40))));
    for (let e = e0; e <= e1; e += step) {
      svg.append(s("text", { x: x(e), y: H - B + 16, "text-anchor": "middle" }, String(e)));
    }
    svg.append(s("text", { x: L + (W - L - R) / 2, y: H - 6, "text-anchor": "middle" }, "epoch"));
    svg.append(s("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B }));
    svg.append(s("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
    if (best != null) {
      svg.append(s("line", { class: "best", x1: x(best), x2: x(best), y1: T, y2: H - B }));
      const nearRight = x(best) > W - R - 40;
      svg.append(s("text", { x: x(best) + (nearRight ? -4 : 4), y: H - B - 6, "text-anchor": nearRight ? "end" : "start" }, "best epoch"));
    }
    for (const [key, cls] of [["loss", "train"], ["val_loss", "valid"]]) {
      const p = pts.filter((h) => h[key] != null);
      if (p.length === 0) continue;
      svg.append(s("polyline", { class: cls, points: p.map((h) => `${x(h.epoch)},${y(h[key])}`).join(" ") }));
      for (const h of p) svg.append(s("circle", { class: "dot-" + cls, cx: x(h.epoch), cy: y(h[key]), r: 3 }));
    }
    const lg = s("g", { transform: `translate(${W - R - 140},${T + 4})` });
    lg.append(s("rect", { x: 0, y: 0, width: 140, height: 40, fill: "#fff", stroke: "#dde1e7", rx: 4 }));
    lg.append(s("line", { class: "train", x1: 10, x2: 34, y1: 14, y2: 14 }));
    lg.append(s("text", { x: 40, y: 18 }, "train loss"));
    lg.append(s("line", { class: "valid", x1: 10, x2: 34, y1: 30, y2: 30 }));
    lg.append(s("text", { x: 40, y: 34 }, "validation loss"));
    svg.append(lg);
    box.replaceChildren(svg);
  }

  function fmt(v) { return v == null ? "n/a" : v.toFixed(4); }

  // loadModel describes the chosen model (the first one until the learner
  // chooses), offers the choice of models when there are several, and fits
  // the ratings given so far to the model's range and step.
  async function loadModel() {
    try {
      const d = await api(withModel("/v1/model"));
      cur = { name: d.name, kind: d.kind, score: d.score || "rating", min: d.min, max: d.max, step: d.step, similar: d.similar !== false };
      const models = d.models || [];
      several = models.length > 1;
      $("similar").replaceChildren();
      $("similar-status").textContent = cur.similar
        ? "Click a course title (or focus it and press Enter) to see the courses most like it."
        : noSimilar();
      renderChoices(models);
      for (const t of taken.values()) t.rating = fitRating(t.rating);
      renderResults(lastItems);
      renderTaken();
      const steps = ratingSteps();
      $("taken-empty").textContent = implicit()
        ? "No course ticked yet. Tick the courses you took in the search results."
        : `No course ticked yet. Tick a course in the search results and rate it ${steps[steps.length - 1]} to ${steps[0]}.`;
      const facts = [
        ["Kind", d.kind || "?"],
        ["Users", d.users.toLocaleString("en")],
        ["Courses", d.items.toLocaleString("en")],
        ["Epochs", String((d.history || []).length)],
        ["Best epoch", d.best_epoch == null ? "–" : String(d.best_epoch)],
        ["Rating range", d.min == null ? "–" : `${d.min}–${d.max}`],
        ["Scores", scoreOf(cur.score).fact],
      ];
      $("model-facts").replaceChildren(...facts.map(([k, v]) => el("div", {}, el("dt", { text: k }), el("dd", { text: v }))));
      lastCurve = [d.history, d.best_epoch];
      drawCurve(...lastCurve);
    } catch (e) {
      showError(e.message);
    }
  }
  let lastCurve = null;

  // renderChoices offers the served models, each by what it ranks, when
  // there are several.
  function renderChoices(models) {
    $("models").hidden = models.length < 2;
    $("model-choices").replaceChildren(...models.map((m) => {
      const input = el("input", { type: "radio", name: "model", value: m.name });
      input.checked = m.name === cur.name;
      input.addEventListener("change", async () => {
        cur.name = m.name;
        const hadRecs = $("recs").children.length > 0;
        await loadModel();
        search($("q").value.trim());
        if (hadRecs && taken.size > 0) recommend();
      });
      return el("label", { class: "choice" }, input, el("span", { text: ranks(m.score) }),
        el("span", { class: "model-name", text: m.name }));
    }));
  }

  function init() {
    let timer;
    $("search-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      clearTimeout(timer);
      search($("q").value.trim());
    });
    $("q").addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => search($("q").value.trim()), 250);
    });
    $("recommend").addEventListener("click", recommend);
    let resized;
    window.addEventListener("resize", () => {
      clearTimeout(resized);
      resized = setTimeout(() => { if (lastCurve) drawCurve(...lastCurve); }, 150);
    });
    renderTaken();
    search("");
    loadModel();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
