// Package server serves trained recnet models over a JSON HTTP API.
//
// Every response under /v1/ and /healthz is one JSON envelope, in the manner
// of the Prometheus HTTP API:
//
//	{"status":"success","data":...}
//	{"status":"error","error":{"code":"...","message":"..."}}
//
// with an HTTP status matching the code: bad_request 400, not_found,
// unknown_user, unknown_item and unknown_model 404, method_not_allowed 405 (with an Allow
// header), too_large 413, unsupported 422 (the model's kind of net cannot
// do what was asked, such as similar items of a bias model), cold_user 422
// (a user known by id whose rows were all outside the training part: fold
// it in with /v1/foldin), cold_item 422 (similar items of an item no one
// had in the training part: its embedding was never trained), canceled 499
// (StatusClientClosed: the request ended before its fold-in finished),
// internal 500 and busy 503 (every fold-in slot taken, with Retry-After).
// Every GET endpoint also answers HEAD.
//
// The endpoints are:
//
//	GET  /v1/predict?user=U&item=I  {"user","item",SCORE} (SCORE the model's score: "rating", "probability" or "relevance")
//	GET  /v1/recommend?user=U&k=10  {"user","score_kind","seen_left_out","because_exact","recommendations":[{"item","title","genres","score","because"}]}
//	GET  /v1/similar?item=I&k=10    {"item","similar":[{"item","title","genres","score"}]}
//	POST /v1/foldin                 {"ratings":{"C1":5},"k":10} -> {"cold","score_kind","because_exact","recommendations"}
//	GET  /v1/items?q=py&limit=20    {"total","items":[{"item","title","genres"}]}
//	GET  /v1/model                  name, kind, score, rating range and step, config, users, items, history, best_epoch, models
//	GET  /healthz                   {"ok":true}
//	GET  /metrics                   Prometheus text format (not enveloped)
//
// A server holds 1..MaxModels (8) models, each with a name (NewNamed; New
// serves one, named "default"). Every endpoint takes model=NAME in its
// query string, the fold-in POST too, and uses the first model without it;
// an empty model= is refused (400).
// /v1/model describes the chosen model, and lists every model under
// "models": name, kind, score (model.Model.ScoreName: "rating",
// "probability" or "relevance"), min, max and step (the step between
// ratings; null when the model does not say). predict gives its score
// under that name: {"user","item","relevance"} for an ials or ease model.
//
// recommend leaves out the items the user rated in training when the model
// keeps them (seen_left_out says so; model.Model.HasSeen);
// include_seen=true keeps them (true or false, default false). A rated
// item of a fold-in is never recommended back. Recommend and fold-in
// scores are the model's unclipped output, labelled by score_kind: "rating"
// (a predicted rating on the model's scale), "probability" (an
// implicit-task model) or "relevance" (a kind whose scores only order the
// items, such as ials and ease, and mean nothing alone); a predicted
// rating above the top of the scale has "beyond":1, one below its bottom
// "beyond":-1, others no "beyond". An item without an interaction in the
// training rows of a model with item features has "new":true (its score
// comes from its features), others no "new".
//
// Each recommend and fold-in item has "because": the rated items (the
// user's seen items, or the fold-in's ratings) that add most to its score,
// at most model.MaxReasons (3) of them, the largest positive parts of its
// model.Explanation first (model.Explanation.Top), as
// [{"item","title","rating","share"}] (title from the catalog, "" without
// one; rating is the learner's rating of the item, model.Reason.Rating;
// share is model.Reason.Share, the part over the sum of every part's size,
// so the sizes of all shares add up to 1). An
// item with no positive part has an empty list. The answer says once, in
// "because_exact", whether the split is exact (dot, mf) or leave-one-out
// (mlp, neumf). When no reasons can be given, "because_exact" and every
// "because" are absent and "because_note" says why: the model keeps no
// seen items, its net cannot fold in, an mlp or a neumf has more than
// model.MaxDeepExplain ratings to explain (each part is a refit; the
// refits are not started), or, for recommend, every fold-in slot was busy
// (a known user's reasons are a fold-in and take a slot if one is free,
// without waiting: the list is still answered at once). because=false, or "because":false in the fold-in body,
// asks for no reasons: neither member, and no cost. A fold-in explains
// within its slot, after its own fold-in.
//
// k is 1..MaxK (100, default 10) and limit 1..MaxLimit (1000, default 20).
// A fold-in body is at most MaxBodyBytes (64 KiB) with at most MaxRatings
// (500) ratings, each a finite number in the model's rating range; unknown
// fields (the body takes "ratings", "k" and "because") and a key given
// twice in an object (an item rated twice) are rejected. Error messages quote at most 80 bytes of an id or value.
//
// Fold-ins cost far more than other requests, so at most WithFoldInLimit
// of them run at once (GOMAXPROCS by default); a further one waits up to
// WithFoldInWait (DefaultFoldInWait) for a slot, then is refused with 503
// busy. A fold-in whose request ends stops waiting, or stops running, and
// answers 499. /metrics shows the slots and the fold-ins running.
// Scores and ratings that are not finite numbers are given as null.
//
// Each model is held behind an atomic pointer: SwapNamed replaces it without
// dropping a request, and each request uses the one model it started with.
// No request reads or writes a file. With the model, SwapNamed stores each
// item's JSON label (id, title, genres), so that recommend, similar and
// fold-in answers are appended to a pooled buffer without reflection; the
// bytes are those encoding/json would give.
package server
