package awstest

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// page cuts one page out of items: marker is the opaque token a previous
// page returned ("" for the first), size the page's length. It returns the
// token of the next page, "" after the last.
func page[T any](items []T, marker string, size int) ([]T, string, error) {
	start := 0
	if marker != "" {
		raw, err := base64.RawURLEncoding.DecodeString(marker)
		n, cerr := strconv.Atoi(strings.TrimPrefix(string(raw), "awstest:"))
		if err != nil || cerr != nil || !strings.HasPrefix(string(raw), "awstest:") || n < 0 || n > len(items) {
			return nil, "", errValidation("Invalid pagination token '%s'", marker)
		}
		start = n
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("awstest:" + strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}

// pageSize is the size of a page the caller asked for (0: not given),
// checked against the API's range and capped by Options.PageSize.
func (s *Server) pageSize(asked int) (int, error) {
	// Every ELBv2 describe pages 1 to 400 resources, 400 unless asked.
	const minSize, maxSize = 1, 400
	size := maxSize
	if asked != 0 {
		if asked < minSize || asked > maxSize {
			return 0, errValidation("Value '%d' at 'pageSize' failed to satisfy constraint: Member must have value between %d and %d", asked, minSize, maxSize)
		}
		size = asked
	}
	if s.opts.PageSize > 0 && s.opts.PageSize < size {
		size = s.opts.PageSize
	}
	return size, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
