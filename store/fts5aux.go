package store

/*
#cgo LDFLAGS: -lm
#include "fts5aux.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// registerFunctions makes SQLite add the rr_ functions (fts5aux.c) to
// every connection it opens from now on.
var registerFunctions = sync.OnceValue(func() error {
	if rc := C.readingroom_fts5aux_register(); rc != 0 {
		return fmt.Errorf("store: register search functions: SQLite error %d", int(rc))
	}
	return nil
})

// int32s reads a BLOB of rr_instances, rr_blocks, rr_tokens or rr_breaks.
func int32s(b []byte) []int32 {
	out := make([]int32, len(b)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// topRow is a row that rr_top kept: its id, score and data.
type topRow struct {
	id    int64
	score float64
	data  []byte
}

// readTop reads rr_top's BLOB (fts5aux.c): how many rows it was given,
// and the rows it kept, best first. It reports false for a BLOB not laid
// out so.
func readTop(b []byte) (int, []topRow, bool) {
	if len(b) < 8 {
		return 0, nil, false
	}
	count := int(binary.LittleEndian.Uint64(b))
	var rows []topRow
	for b = b[8:]; len(b) > 0; {
		if len(b) < 20 {
			return 0, nil, false
		}
		size := int(binary.LittleEndian.Uint32(b[16:]))
		if size < 0 || len(b)-20 < size {
			return 0, nil, false
		}
		rows = append(rows, topRow{
			id:    int64(binary.LittleEndian.Uint64(b)),
			score: math.Float64frombits(binary.LittleEndian.Uint64(b[8:])),
			data:  b[20 : 20+size],
		})
		b = b[20+size:]
	}
	return count, rows, true
}
