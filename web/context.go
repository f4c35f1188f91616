package web

import (
	"context"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

// ctxKey is the type of this package's context keys, so they cannot clash
// with anyone else's. Every key the package puts in a request's context is
// declared here.
type ctxKey int

const (
	articleKey ctxKey = iota // *store.ArticlePage, by loadArticle
	viewerKey                // viewer, by loadUser
)

func withArticle(ctx context.Context, p *store.ArticlePage) context.Context {
	return context.WithValue(ctx, articleKey, p)
}

// pageFrom returns the page of an article loadArticle put in ctx. Only
// handlers behind loadArticle call it, so a missing one is a wiring bug.
func pageFrom(ctx context.Context) *store.ArticlePage {
	p, ok := ctx.Value(articleKey).(*store.ArticlePage)
	if !ok {
		panic("web: no article in context: handler not behind loadArticle")
	}
	return p
}

// articleFrom returns the article loadArticle put in ctx, with the blocks
// of the page asked for only.
func articleFrom(ctx context.Context) *readingroom.Article {
	return &pageFrom(ctx).Article
}

// viewer is who is making a request: nobody (User nil), or an account
// signed in by a session cookie or by an API token.
type viewer struct {
	User *readingroom.User
	// SessionID is the session the request came with; 0 when none.
	SessionID int64
	// TokenID is the API token the request came with; 0 when none.
	TokenID int64
}

func withViewer(ctx context.Context, v viewer) context.Context {
	return context.WithValue(ctx, viewerKey, v)
}

// viewerFrom returns who loadUser found making the request; the zero
// viewer (nobody) when no one is signed in.
func viewerFrom(ctx context.Context) viewer {
	v, _ := ctx.Value(viewerKey).(viewer)
	return v
}

// userFrom returns the account making the request, or nil when no one is
// signed in. Behind requireUser or requireAdmin it is never nil.
func userFrom(ctx context.Context) *readingroom.User {
	return viewerFrom(ctx).User
}
