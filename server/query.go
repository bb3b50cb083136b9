package server

import (
	"net/url"
	"strings"
)

// maxFastParams is the most parameters queryPair reads itself; longer
// query strings go to url.ParseQuery, with its own limit.
const maxFastParams = 64

// queryPair returns the first values of the query parameters a and b of
// the raw query string, "" for one that is absent. It accepts and rejects
// exactly the query strings url.ParseQuery does, with the same error, but
// without building a map: the parameters are read in place, and only
// escaped ones are copied.
func queryPair(raw, a, b string) (va, vb string, err error) {
	if strings.Count(raw, "&") >= maxFastParams {
		return slowQueryPair(raw, a, b)
	}
	var haveA, haveB bool
	for q := raw; q != ""; {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		if strings.Contains(pair, ";") {
			return slowQueryPair(raw, a, b)
		}
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return slowQueryPair(raw, a, b)
		}
		switch {
		case k == a && !haveA:
			va, haveA = v, true
		case k == b && !haveB:
			vb, haveB = v, true
		}
	}
	return va, vb, nil
}

// slowQueryPair is queryPair by url.ParseQuery.
func slowQueryPair(raw, a, b string) (string, string, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", "", err
	}
	return q.Get(a), q.Get(b), nil
}
