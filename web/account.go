package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/templates"
)

// accountPath is the signed-in reader's own page.
const accountPath = "/account"

// account shows the reader's account: password, sessions and API tokens.
func (s *server) account(w http.ResponseWriter, r *http.Request) {
	// ?done= names what the last form did; the page says it.
	s.renderAccount(w, r, http.StatusOK, accountView{Done: r.URL.Query().Get("done")})
}

// accountView is what one rendering of the account page adds to the
// stored account: a notice, a form's problem, a token just made.
type accountView struct {
	Done            string
	PasswordProblem string
	TokenProblem    string
	NewToken        string
	NewTokenLabel   string
}

func (s *server) renderAccount(w http.ResponseWriter, r *http.Request, status int, v accountView) {
	ctx := r.Context()
	me := viewerFrom(ctx)
	sessions, err := s.db.Sessions(ctx, me.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tokens, err := s.db.Tokens(ctx, me.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secret, err := s.db.FeedSecret(ctx, me.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := templates.AccountPage{
		Page:            s.page(r, "Your account", ""),
		Name:            me.User.Name,
		Admin:           me.User.IsAdmin(),
		Since:           templates.NewDate(me.User.Created),
		Done:            v.Done,
		PasswordProblem: v.PasswordProblem,
		TokenProblem:    v.TokenProblem,
		NewToken:        v.NewToken,
		NewTokenLabel:   v.NewTokenLabel,
		MinLen:          readingroom.MinPasswordLen,
	}
	if secret != "" {
		p.FeedURL = s.baseURL(r) + feedPath(secret)
	}
	p.NoIndex = true
	for _, ss := range sessions {
		p.Sessions = append(p.Sessions, templates.SessionRow{
			ID:        ss.ID,
			Current:   ss.ID == me.SessionID,
			Created:   templates.NewMoment(ss.Created),
			LastSeen:  templates.NewMoment(ss.LastSeen),
			UserAgent: ss.UserAgent,
			IP:        ss.IP,
		})
	}
	for _, t := range tokens {
		row := templates.TokenRow{ID: t.ID, Label: t.Label, Created: templates.NewMoment(t.Created)}
		if !t.LastUsed.IsZero() {
			row.LastUsed = templates.NewMoment(t.LastUsed)
		}
		p.Tokens = append(p.Tokens, row)
	}
	noStore(w)
	if err := s.render(w, r, status, templates.Account(p)); err != nil {
		s.fail(w, r, err)
	}
}

// changePassword sets a new password once the current one is given, and
// ends every other session. Wrong current passwords count towards the
// sign-in limits, so a session left open cannot be used to guess it.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	me := viewerFrom(r.Context())
	ip := s.clientIP(r)
	if wait, blocked := s.limits.blocked(ip, me.User.Name); blocked {
		s.tooManyAttempts(w, r, wait)
		return
	}
	f := r.PostForm
	err := s.db.VerifyPassword(r.Context(), me.User.ID, f.Get("current"))
	if readingroom.ErrorCode(err) == readingroom.EUNAUTHORIZED {
		s.limits.failed(r, ip, me.User.Name)
		s.renderAccount(w, r, http.StatusUnprocessableEntity, accountView{PasswordProblem: "Your current password was not right."})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Get("new") != f.Get("confirm") {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, accountView{PasswordProblem: "The two new passwords are not the same."})
		return
	}
	err = s.db.SetPassword(r.Context(), me.User.ID, f.Get("new"), me.SessionID)
	if readingroom.ErrorCode(err) == readingroom.EINVALID {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, accountView{PasswordProblem: readingroom.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, accountPath+"?done=password", http.StatusSeeOther)
}

// idParam reads the route's {id}; anything but a positive whole number is
// a 404, as for an id that does not exist.
func idParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return 0, readingroom.Errorf(readingroom.ENOTFOUND, "There is no such item")
	}
	return id, nil
}

// endSession ends one of the reader's sessions; ending this one signs out.
func (s *server) endSession(w http.ResponseWriter, r *http.Request) {
	me := viewerFrom(r.Context())
	id, err := idParam(r)
	if err == nil {
		err = s.db.EndSession(r.Context(), me.User.ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if id == me.SessionID {
		s.clearSessionCookie(w, r)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, accountPath+"?done=session", http.StatusSeeOther)
}

// createToken makes an API token and shows it, this once, on the account
// page itself: it is never put in a URL or a cookie.
func (s *server) createToken(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	me := viewerFrom(r.Context())
	secret, t, err := s.db.CreateToken(r.Context(), me.User.ID, r.PostForm.Get("label"))
	if readingroom.ErrorCode(err) == readingroom.EINVALID {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, accountView{TokenProblem: readingroom.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, accountView{NewToken: secret, NewTokenLabel: t.Label})
}

// revokeToken deletes one of the reader's tokens.
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) {
	me := viewerFrom(r.Context())
	id, err := idParam(r)
	if err == nil {
		err = s.db.RevokeToken(r.Context(), me.User.ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, accountPath+"?done=token", http.StatusSeeOther)
}

// newFeed gives the reader's list feed a new secret address, retiring the
// old one (or makes the first).
func (s *server) newFeed(w http.ResponseWriter, r *http.Request) {
	if _, err := s.db.NewFeedSecret(r.Context(), userFrom(r.Context()).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, accountPath+"?done=feed", http.StatusSeeOther)
}
