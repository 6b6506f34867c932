package gcp

import (
	"context"

	"google.golang.org/api/iterator"

	"github.com/portico-dev/portico/providers/ratelimit"
)

// pager is an SDK list iterator: it fetches a page when its buffer runs out.
type pager[T any] interface {
	Next() (T, error)
	PageInfo() *iterator.PageInfo
}

// pagedIterator waits before each page its iterator fetches, not before each item: a page
// is one call to Google, and the rate limit counts calls.
type pagedIterator[T any] struct {
	it      pager[T]
	wait    func() error
	started bool
}

func paged[T any](wait func() error, it pager[T]) pager[T] {
	return &pagedIterator[T]{it: it, wait: wait}
}

// Next fetches a page on its first call, and later when the buffer is empty and Google
// gave a token for the next page; otherwise it answers from the buffer, or says Done.
func (p *pagedIterator[T]) Next() (T, error) {
	info := p.it.PageInfo()
	if !p.started || (info.Remaining() == 0 && info.Token != "") {
		p.started = true
		if err := p.wait(); err != nil {
			var zero T
			return zero, err
		}
	}
	return p.it.Next()
}

func (p *pagedIterator[T]) PageInfo() *iterator.PageInfo { return p.it.PageInfo() }

// paced is the wait of each page of the reads.
func (r *reads) paced(ctx context.Context) func() error {
	return func() error { return r.limiter.Wait(ctx, ratelimit.Read) }
}
