// Command readingroom runs the reading room: "serve" starts the web server,
// "import" loads article dumps into the database, "user" and "token" manage
// accounts and API tokens, "backup" and "check" look after the database,
// "bench" measures the room against its ceilings.
//
// Build and run with the FTS5 build tag:
//
//	go run -tags sqlite_fts5 ./cmd/readingroom serve
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	var exit exitError
	if errors.As(err, &exit) {
		os.Exit(exit.code)
	}
	fmt.Fprintln(os.Stderr, "readingroom:", err)
	os.Exit(1)
}

// exitError ends the program with a status and nothing more to say: the
// command has already reported to the user.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

const usage = `Reading Room: a quiet place to read a library of articles.

Usage:
  readingroom serve  [--addr 127.0.0.1:8080] [--db readingroom.db] [--no-default-library] [--base-url URL]
                     [--allowed-hosts HOST,...] [--private] [--setup-from-anywhere] [--trusted-proxies CIDR,...]
  readingroom import [--db readingroom.db] PATH...
  readingroom user add NAME [--admin] [--password-stdin]
  readingroom user passwd NAME [--password-stdin]
  readingroom user list
  readingroom user remove NAME
  readingroom token add NAME [--label LABEL]
  readingroom backup [--db readingroom.db] PATH
  readingroom check  [--db readingroom.db]
  readingroom bench  [--articles 5000] [--dir DIR] [--duration 3s]

Commands:
  serve    run the reading room in the browser (the default command)
  import   load article dumps (files or folders, read recursively)
  user     add, list and remove accounts, or change a password; the password
           is read from the terminal without echo, or with --password-stdin
           as the first line of standard input
  token    make an API token for an account and print it, alone, on stdout
  backup   write a consistent copy of the database to PATH, a new file, while
           the room serves and imports
  check    check the database (integrity, foreign keys, full-text index,
           migrations, paragraph ids); exit 1 with the problems found
  bench    measure search, import, pages and memory on a synthetic library
           against their ceilings (docs/benchmarks.md)
Every command takes --db.

Environment:
  READINGROOM_DB                   database file (default readingroom.db)
  READINGROOM_ADDR                 address to listen on (default 127.0.0.1:8080)
  READINGROOM_BASE_URL             public URL, for absolute links behind a proxy;
                                   https:// also marks the session cookie Secure
  READINGROOM_ALLOWED_HOSTS        without a base URL, the names (host or host:port,
                                   comma-separated) the room answers to besides its
                                   listen address and localhost; others get a 400
  READINGROOM_NO_DEFAULT_LIBRARY   set to 1 to start a new, empty database without
                                   the built-in articles
  READINGROOM_PRIVATE              set to 1 to require signing in to read
  READINGROOM_SETUP_FROM_ANYWHERE  set to 1 to allow /setup from other machines
  READINGROOM_TRUSTED_PROXIES      proxies whose X-Forwarded-For is believed,
                                   as CIDRs or addresses, comma-separated
  READINGROOM_LOG_LEVEL            debug, info (default), warn or error

Run "readingroom COMMAND -h" for a command's flags.
`

// run is the whole program, with its environment passed in so that tests
// can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && isHelp(args[0]) {
		// Asked of the program as a whole: its commands, not serve's flags.
		fmt.Fprint(stdout, usage)
		return nil
	}
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args, getenv, stdout, stderr)
	case "user":
		return runUser(ctx, args, getenv, stdin, stdout, stderr)
	case "token":
		return runToken(ctx, args, getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, getenv, stdout, stderr)
	case "check":
		return runCheck(ctx, args, getenv, stdout, stderr)
	case "bench":
		return runBench(ctx, args, getenv, stdout, stderr)
	}
	fmt.Fprintf(stderr, "readingroom: unknown command %q\n\n%s", cmd, usage)
	return exitError{2}
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// dbFlag adds the --db flag shared by the commands.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("READINGROOM_DB")
	if def == "" {
		def = "readingroom.db"
	}
	return fs.String("db", def, "SQLite database file (env READINGROOM_DB)")
}

// parseFlags parses a command's flags, turning -h and errors into exit
// statuses after the flag package has printed its message.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitError{0}
		}
		return exitError{2}
	}
	return nil
}

func newLogger(w io.Writer, getenv func(string) string) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(getenv("READINGROOM_LOG_LEVEL"))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
