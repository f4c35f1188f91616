package web

import (
	"context"

	"github.com/readingroom/readingroom"
)

// ctxKey is the type of this package's context keys, so they cannot clash
// with anyone else's.
type ctxKey int

const articleKey ctxKey = iota

func withArticle(ctx context.Context, a *readingroom.Article) context.Context {
	return context.WithValue(ctx, articleKey, a)
}

// articleFrom returns the article loadArticle put in ctx. Only handlers
// behind loadArticle call it, so a missing article is a wiring bug.
func articleFrom(ctx context.Context) *readingroom.Article {
	a, ok := ctx.Value(articleKey).(*readingroom.Article)
	if !ok {
		panic("web: no article in context: handler not behind loadArticle")
	}
	return a
}
