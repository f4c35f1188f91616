package web

import (
	"net/http"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/templates"
)

// setupPath is where a room with no account makes its first, an admin.
const setupPath = "/setup"

// setupState answers whether /setup may be used for r: 404 once any account
// exists; 403, with the reason, from another machine unless the room was
// started with SetupFromAnywhere.
func (s *server) setupState(w http.ResponseWriter, r *http.Request) bool {
	has, err := s.db.HasUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	if has {
		s.notFound(w, r)
		return false
	}
	if !s.setupFromAnywhere && !s.fromThisMachine(r) {
		s.respondError(w, r, http.StatusForbidden, readingroom.EFORBIDDEN, "Set up the room from its own machine",
			"The first account is an administrator's, so it can only be made from the machine the room runs on: "+
				"whoever made it first could import and delete articles. Open this page there (at http://127.0.0.1 and the room's port), "+
				"or run readingroom user add NAME --admin there, "+
				"or start the room with --setup-from-anywhere if you trust everyone who can reach it until you are done.")
		return false
	}
	return true
}

// setupForm shows the form for the first account.
func (s *server) setupForm(w http.ResponseWriter, r *http.Request) {
	if !s.setupState(w, r) {
		return
	}
	s.renderSetup(w, r, http.StatusOK, "", "")
}

func (s *server) renderSetup(w http.ResponseWriter, r *http.Request, status int, name, problem string) {
	p := templates.SetupPage{
		Page:    s.page(r, "Set up the room", ""),
		Name:    name,
		Problem: problem,
		MinLen:  readingroom.MinPasswordLen,
	}
	p.NoIndex = true
	noStore(w)
	if err := s.render(w, r, status, templates.Setup(p)); err != nil {
		s.fail(w, r, err)
	}
}

// setup makes the first account, an admin, and signs it in. If two people
// submit at once, one account is made and the other is told it is too
// late.
func (s *server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.setupState(w, r) {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	name, password := r.PostForm.Get("name"), r.PostForm.Get("password")
	if password != r.PostForm.Get("confirm") {
		s.renderSetup(w, r, http.StatusUnprocessableEntity, name, "The two passwords are not the same.")
		return
	}
	u, err := s.db.CreateFirstAdmin(r.Context(), name, password)
	switch readingroom.ErrorCode(err) {
	case "":
	case readingroom.EINVALID:
		s.renderSetup(w, r, http.StatusUnprocessableEntity, name, readingroom.ErrorMessage(err))
		return
	case readingroom.ECONFLICT:
		s.notFound(w, r)
		return
	default:
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "first account created", "user", u.Name, "ip", s.clientIP(r).String())
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
