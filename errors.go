package readingroom

import (
	"errors"
	"fmt"
)

// Error codes, translated to HTTP statuses in exactly one place (web).
const (
	ENOTFOUND = "not_found"
	EINVALID  = "invalid"
	ECONFLICT = "conflict"
	EINTERNAL = "internal"
	// EUNAUTHORIZED: the request needs someone signed in, or a valid token.
	EUNAUTHORIZED = "unauthorized"
	// EFORBIDDEN: whoever is signed in may not do this.
	EFORBIDDEN = "forbidden"
	// EGONE: what was asked for was here and was deleted on purpose.
	EGONE = "gone"
	// ETOOLARGE: the request is larger than the room accepts.
	ETOOLARGE = "too_large"
	// EUNPROCESSABLE: the request was well formed, but what it asks for
	// cannot be done: a quote that is not in the article, a note that is
	// too long. Such an error usually names its Field.
	EUNPROCESSABLE = "unprocessable"
)

// Error is an error whose Message is safe to show a user. Anything else that
// reaches a handler is logged and shown as a generic internal error.
type Error struct {
	Code    string
	Message string
	// Field names the part of the request at fault ("note",
	// "quote.exact"), when there is one, so that a script can tell.
	Field string
}

func (e *Error) Error() string {
	return fmt.Sprintf("readingroom: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf is Errorf for an error in one field of a request.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorField returns the Field of the first *Error in err's chain, or "".
func ErrorField(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Field
	}
	return ""
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the Message of the
// first *Error in its chain, or a generic sentence that reveals nothing.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}
