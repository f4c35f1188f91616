package store

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// FailureKind is what kind of failure of the database an error is, so that
// a command can tell its operator what to do about it.
type FailureKind int

// The kinds of failure Failure tells apart.
const (
	FailureOther    FailureKind = iota
	FailureDiskFull             // the disk (or the database's size limit) is full
	FailureBusy                 // another program held the database locked too long
	FailureReadOnly             // the file or its folder cannot be written
	FailureIO                   // a read or write of the disk failed
	FailureCorrupt              // the file is damaged or not a database
)

// Failure classifies err, an error from the store.
func Failure(err error) FailureKind {
	var e sqlite3.Error
	if !errors.As(err, &e) {
		return FailureOther
	}
	switch e.Code {
	case sqlite3.ErrFull:
		return FailureDiskFull
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		return FailureBusy
	case sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrPerm:
		return FailureReadOnly
	case sqlite3.ErrIoErr:
		return FailureIO
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return FailureCorrupt
	}
	return FailureOther
}
