package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

const userUsage = `Usage:
  readingroom user add NAME [--admin] [--password-stdin] [--db FILE]
  readingroom user passwd NAME [--password-stdin] [--db FILE]
  readingroom user list [--db FILE]
  readingroom user remove NAME [--db FILE]

Adds, changes and removes accounts. The password is read from the terminal
without echo, or, with --password-stdin, as the first line of standard input.
Changing a password signs the account out everywhere; removing an account
removes its sessions and tokens too.
`

const tokenUsage = `Usage:
  readingroom token add NAME [--label LABEL] [--db FILE]

Makes an API token for the account NAME and prints it, alone, on standard
output. Send it as "Authorization: Bearer TOKEN" to /api/. It is shown only
now; revoke it on the account page.
`

// runUser is "readingroom user ...".
func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, userUsage)
		if len(args) == 0 {
			return exitError{2}
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, userUsage) }
	dbPath := dbFlag(fs, getenv)
	var admin, fromStdin *bool
	wantNames := 1
	switch sub {
	case "add":
		admin = fs.Bool("admin", false, "make the account an administrator")
		fromStdin = fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	case "passwd":
		fromStdin = fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	case "list":
		wantNames = 0
	case "remove":
	default:
		fmt.Fprintf(stderr, "readingroom user: unknown command %q\n\n%s", sub, userUsage)
		return exitError{2}
	}
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) != wantNames {
		if wantNames == 0 {
			fmt.Fprintf(stderr, "readingroom user %s takes no name\n", sub)
		} else {
			fmt.Fprintf(stderr, "readingroom user %s needs one NAME (quote a name with spaces)\n", sub)
		}
		return exitError{2}
	}

	var password string
	if fromStdin != nil {
		if password, err = readPassword(stdin, stderr, *fromStdin); err != nil {
			fmt.Fprintf(stderr, "readingroom user %s: %v\n", sub, err)
			return exitError{1}
		}
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "list" {
		return listUsers(ctx, db, stdout)
	}
	role := readingroom.RoleReader
	if admin != nil && *admin {
		role = readingroom.RoleAdmin
	}
	said, err := changeUser(ctx, db, sub, names[0], password, role)
	if err != nil {
		return userError(stderr, sub, err)
	}
	fmt.Fprintln(stdout, said)
	return nil
}

// changeUser runs "user add", "passwd" or "remove" on the account name,
// and says what it did.
func changeUser(ctx context.Context, db *store.DB, sub, name, password string, role readingroom.Role) (string, error) {
	switch sub {
	case "add":
		u, err := db.CreateUser(ctx, name, password, role)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Added %s, %s.", u.Name, roleWords(u.Role)), nil
	case "passwd":
		u, err := db.UserByName(ctx, name)
		if err == nil {
			err = db.SetPassword(ctx, u.ID, password, 0)
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Changed the password of %s and signed them out everywhere.", u.Name), nil
	}
	u, err := db.UserByName(ctx, name)
	if err == nil {
		err = db.DeleteUser(ctx, u.Name)
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Removed %s, with their sessions, tokens and reading list.", u.Name), nil
}

// listUsers is "user list": a table of the accounts.
func listUsers(ctx context.Context, db *store.DB, stdout io.Writer) error {
	users, err := db.Users(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(stdout, "No accounts yet. Add one with: readingroom user add NAME --admin")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Role, u.Created.Format(time.DateOnly))
	}
	return tw.Flush()
}

// runToken is "readingroom token add NAME [--label L]".
func runToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprint(stderr, tokenUsage)
			return nil
		}
		fmt.Fprint(stderr, tokenUsage)
		return exitError{2}
	}
	fs := flag.NewFlagSet("token add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tokenUsage) }
	dbPath := dbFlag(fs, getenv)
	label := fs.String("label", "", "a name for the token, to tell it apart on the account page")
	names, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(names) != 1 {
		fmt.Fprintln(stderr, "readingroom token add needs one NAME: the account the token acts as")
		return exitError{2}
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByName(ctx, names[0])
	if err != nil {
		return userError(stderr, "token add", err)
	}
	secret, _, err := db.CreateToken(ctx, u.ID, *label)
	if err != nil {
		return userError(stderr, "token add", err)
	}
	// Alone on standard output, for scripts: TOKEN=$(readingroom token add ...).
	fmt.Fprintln(stdout, secret)
	return nil
}

// userError reports an account error a person can act on and exits 1;
// anything else is returned as it is.
func userError(stderr io.Writer, cmd string, err error) error {
	if readingroom.ErrorCode(err) == readingroom.EINTERNAL {
		return err
	}
	fmt.Fprintf(stderr, "readingroom %s: %s\n", cmd, strings.TrimSuffix(readingroom.ErrorMessage(err), "."))
	return exitError{1}
}

func roleWords(r readingroom.Role) string {
	if r == readingroom.RoleAdmin {
		return "an administrator"
	}
	return "a reader"
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("user add NAME --admin"), returning the latter.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// maxPasswordLine bounds the line read by --password-stdin.
const maxPasswordLine = 64 << 10

// readPassword reads a new password: the first line of stdin with
// fromStdin, else twice from the terminal without echo. With neither, it
// says how to give one.
func readPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, maxPasswordLine)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return "", errors.New("no password on standard input")
		}
		return line, nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("no terminal to read the password from; give it on standard input with --password-stdin")
	}
	fmt.Fprint(stderr, "Password: ")
	first, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	fmt.Fprint(stderr, "Password again: ")
	second, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if string(first) != string(second) {
		return "", errors.New("the two passwords are not the same")
	}
	return string(first), nil
}
