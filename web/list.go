package web

// listPath is the reader's list.
const listPath = "/list"
