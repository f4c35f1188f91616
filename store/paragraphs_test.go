package store

import (
	"slices"
	"testing"

	"github.com/readingroom/readingroom"
)

func TestAlignBlocks(t *testing.T) {
	stored := []storedBlock{{text: "A"}, {text: "B"}, {text: "A"}, {text: "C"}}
	tests := []struct {
		name   string
		blocks []string
		want   []int
	}{
		{"same", []string{"A", "B", "A", "C"}, []int{0, 1, 2, 3}},
		{"moved", []string{"C", "A", "B"}, []int{3, 0, 1}},
		{"normalised", []string{"a", " b "}, []int{0, 1}},
		{"each stored block once", []string{"A", "A", "A"}, []int{0, 2, -1}},
		{"new", []string{"D", "B"}, []int{-1, 1}},
		{"nothing stored", nil, []int{}},
	}
	for _, tt := range tests {
		var blocks []readingroom.Block
		for _, s := range tt.blocks {
			blocks = append(blocks, para(s))
		}
		if got := alignBlocks(stored, blocks); !slices.Equal(got, tt.want) {
			t.Errorf("%s: alignBlocks = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAssignPIDsSkipsUsedIDs(t *testing.T) {
	blocks := []readingroom.Block{para("Hello."), para("Hello."), para("Other.")}
	// Pretend ParagraphID("Hello.", 0) was taken by some other text (a
	// hash clash, or a paragraph since deleted).
	used := map[string]bool{readingroom.ParagraphID("Hello.", 0): true}
	got := assignPIDs(nil, blocks, []int{-1, -1, -1}, used)
	want := []string{
		readingroom.ParagraphID("Hello.", 1),
		readingroom.ParagraphID("Hello.", 2),
		readingroom.ParagraphID("Other.", 0),
	}
	if !slices.Equal(got, want) {
		t.Errorf("assignPIDs = %q, want %q", got, want)
	}
	for _, pid := range want {
		if !used[pid] {
			t.Errorf("assigned pid %q not recorded as used", pid)
		}
	}
}

func TestAssignPIDsKeepsMatched(t *testing.T) {
	stored := []storedBlock{{pid: "keptkept", text: "Old."}}
	blocks := []readingroom.Block{para("New."), para("old.")}
	got := assignPIDs(stored, blocks, []int{-1, 0}, map[string]bool{"keptkept": true})
	want := []string{readingroom.ParagraphID("New.", 0), "keptkept"}
	if !slices.Equal(got, want) {
		t.Errorf("assignPIDs = %q, want %q", got, want)
	}
}
