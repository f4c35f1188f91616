package store

/*
#cgo LDFLAGS: -lm
#include "fts5aux.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
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
