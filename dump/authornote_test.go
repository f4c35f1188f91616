package dump

import "testing"

// Closing sentences as magazines print them. A note names a person and
// says who they are or what they wrote; anything else is a paragraph,
// however much it looks like "The X is the Y of Z".
func TestIsAuthorNote(t *testing.T) {
	notes := []string{
		"William Boyd’s latest novel is “Solo” (Jonathan Cape, £18.99)",
		"Hugh Purcell’s most recent book is “A Very Private Celebrity: the Nine Lives of John Freeman” (Robson Press)",
		"Jane Doe is a historian and the author of “Rooms” (Press, £9).",
		"Jane Doe’s latest book is “The Quiet Room” (Faber, £14.99).",
		"The author is professor of modern history at the University of Kent.",
		"John Smith’s new novel, “Tide”, is published by Picador.",
		"Robert Harris’s new novel “Munich” is published by Hutchinson.",
		"Ian Buruma is the author of “A Tokyo Romance” (Penguin Press).",
		"Rachel Cooke is the Observer’s television critic.",
		"Timothy Garton Ash is professor of European studies at Oxford University.",
		"The writer is a senior fellow at the Hoover Institution.",
		"Mary Beard’s books include “SPQR” and “Women & Power”.",
		"Lionel Shriver writes a fortnightly column for the Spectator.",
		"Dr Sarah Jones is a lecturer in politics at the University of Bristol.",
		"Jan-Werner Müller is a professor of politics at Princeton University.",
		"Pieter de Vries is the Amsterdam correspondent of the Review.",
		"Paul Mason was the economics editor of Channel 4 News.",
		"Gary Younge’s book “Another Day in the Death of America” is published by Faber.",
		"J.K. Smith is the author of several books on the Balkans.",
		"Chimamanda Ngozi Adichie’s new collection of essays is out in May.",
		"Anna Lee is a culture writer at the Review",
		"Tom James’ debut novel is published next month.",
	}
	paragraphs := []string{
		"The bank is the lender of last resort.",
		"The Treaty is the foundation of the Union.",
		"This is the end of an era.",
		"The result is the best of both worlds.",
		"Europe is the continent of second chances.",
		"Jeremy Corbyn is the leader of the Labour Party, for now.",
		"New York is the capital of reinvention.",
		"It is a writer’s dream, and a reader’s nightmare.",
		"The question is the one every author of a memoir must answer.",
		"Her latest book is a triumph.",
		"The party’s new leader is a former journalist.",
		"Britain’s most recent history is a story of decline.",
		"The Bank of England is the lender of last resort.",
		"The Prime Minister is the author of this misfortune.",
		"The writer is the hero of this story, and its villain.",
		"Silicon Valley is the author of its own misfortune.",
		"What remains is the memory of a great writer.",
		"Labour’s new policy is the work of a committee.",
		"The Church of England is the mother church of the Anglican Communion.",
		"Everyone agreed that the editor was wrong.",
		"Boris Johnson is the mayor of London no longer.",
		"That, in the end, is the story of the twentieth century.",
	}
	for _, s := range notes {
		if !isAuthorNote(s) {
			t.Errorf("isAuthorNote(%q) = false, want true", s)
		}
	}
	for _, s := range paragraphs {
		if isAuthorNote(s) {
			t.Errorf("isAuthorNote(%q) = true, want false", s)
		}
	}
}
