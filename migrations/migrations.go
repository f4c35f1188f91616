// Package migrations holds the database schema as numbered SQL files
// (0001_init.sql, 0002_...), embedded so the binary carries its own schema.
// The store applies them in name order, each once, each in a transaction.
package migrations

import "embed"

// FS holds every migration file. Names sort in the order they apply.
//
//go:embed *.sql
var FS embed.FS
