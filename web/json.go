package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/readingroom/readingroom"
)

// maxJSONBytes bounds the body of a JSON request: an item with the
// longest note and quote fits many times over.
const maxJSONBytes = 256 << 10

// decodeJSON reads the body of r, at most limit bytes, into v: one JSON
// object, with no field v does not have. Its error is one to show, naming
// what was wrong and where: a body too large (ETOOLARGE), not JSON, a
// field of the wrong type or one that does not exist (EINVALID).
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return readingroom.Errorf(readingroom.EINVALID, "Send one JSON object, and nothing after it.")
		}
		return nil
	}
	var (
		tooLarge *http.MaxBytesError
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return readingroom.Errorf(readingroom.ETOOLARGE, "The body can be at most %d KiB.", limit>>10)
	case errors.Is(err, io.EOF):
		return readingroom.Errorf(readingroom.EINVALID, "The body is empty: send a JSON object.")
	case errors.As(err, &syntax):
		return readingroom.Errorf(readingroom.EINVALID, "The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return readingroom.Errorf(readingroom.EINVALID, "The body is not valid JSON: it ends too soon.")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return readingroom.Errorf(readingroom.EINVALID, "Send a JSON object, not %s.", jsonKind(typ.Value))
		}
		return readingroom.FieldErrorf(readingroom.EINVALID, typ.Field, "The field %q must be %s, not %s.", typ.Field, goKind(typ.Type.String()), jsonKind(typ.Value))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return readingroom.FieldErrorf(readingroom.EINVALID, name, "There is no field %q.", name)
	}
	return readingroom.Errorf(readingroom.EINVALID, "The body could not be read as JSON.")
}

// jsonKind names a JSON value's kind as encoding/json reports it.
func jsonKind(v string) string {
	switch {
	case v == "object", v == "array":
		return "an " + v
	case strings.HasPrefix(v, "number"):
		return "a number"
	case v == "":
		return "that"
	}
	return "a " + v
}

// goKind names what a Go type takes in JSON.
func goKind(t string) string {
	switch {
	case t == "string" || t == "*string":
		return "a string"
	case strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "*[]"):
		return "an array"
	case strings.Contains(t, "int") || strings.Contains(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	}
	return "an object"
}
