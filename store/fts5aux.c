/*
** SQL functions that let search find, rank and mark the words of a query
** in an article's blocks without tokenizing whole articles (highlight()
** does):
**
**   rr_instances(article_fts)  an FTS5 auxiliary function: where the
**                              query's phrases stand in the current row
**   rr_bm25(tbl, w..., df...)  another: bm25(tbl, w...), each phrase's
**                              document frequency given, not counted
**   rr_blocks(article_fts)     another: how long the row's first column
**                              is, and where the query's phrase (the
**                              block break) stands in it; search keeps
**                              this with each article now (rr_breaks),
**                              and the tests check the two agree
**   rr_tokens(text[, last])    where each token of text (up to token
**                              last) stands, as the article index's
**                              tokenizer cuts it
**   rr_breaks(text)            how many tokens text has, and which of
**                              them are the block break: what rr_blocks
**                              reads from the index, from the text
**   rr_top(k, id, score, data) an aggregate: how many rows, and the k
**                              best by score, with their data
**
** All but rr_bm25 (a number) and rr_top (its own layout) return a BLOB of little-endian 32-bit
** integers, read by store/fts5aux.go. They are registered on every
** connection SQLite opens (sqlite3_auto_extension), once FTS5 is there.
*/
#include <math.h>
#include <string.h>
#include "fts5aux.h"

/* A growing buffer of 32-bit integers. */
typedef struct {
	unsigned char *a;
	sqlite3_int64 n, cap;
	int rc;
} rrBuf;

static void rrPut(rrBuf *b, int v) {
	if (b->rc != SQLITE_OK) {
		return;
	}
	if (b->n + 4 > b->cap) {
		sqlite3_int64 cap = b->cap ? 2 * b->cap : 256;
		unsigned char *a = sqlite3_realloc64(b->a, cap);
		if (a == 0) {
			b->rc = SQLITE_NOMEM;
			return;
		}
		b->a = a;
		b->cap = cap;
	}
	unsigned int u = (unsigned int)v;
	b->a[b->n] = u & 0xff;
	b->a[b->n + 1] = (u >> 8) & 0xff;
	b->a[b->n + 2] = (u >> 16) & 0xff;
	b->a[b->n + 3] = (u >> 24) & 0xff;
	b->n += 4;
}

static void rrResult(sqlite3_context *ctx, rrBuf *b) {
	if (b->rc != SQLITE_OK) {
		sqlite3_free(b->a);
		sqlite3_result_error_code(ctx, b->rc);
		return;
	}
	if (b->a == 0) {
		sqlite3_result_blob64(ctx, "", 0, 0); /* SQLITE_STATIC */
		return;
	}
	sqlite3_result_blob64(ctx, b->a, (sqlite3_uint64)b->n, sqlite3_free);
}

/*
** rr_instances(tbl): the number of phrases in the query, each phrase's
** size in tokens, then for each instance of a phrase in the row its
** phrase, column and token offset in the column, in the order FTS5 gives
** them (by column, then offset).
*/
static void rrInstances(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal,
	sqlite3_value **apVal) {
	rrBuf b = {0, 0, 0, SQLITE_OK};
	int nPhrase = api->xPhraseCount(fts);
	int nInst = 0;
	int i;
	(void)nVal;
	(void)apVal;
	rrPut(&b, nPhrase);
	for (i = 0; i < nPhrase; i++) {
		rrPut(&b, api->xPhraseSize(fts, i));
	}
	b.rc = b.rc == SQLITE_OK ? api->xInstCount(fts, &nInst) : b.rc;
	for (i = 0; i < nInst && b.rc == SQLITE_OK; i++) {
		int phrase, col, off;
		int rc = api->xInst(fts, i, &phrase, &col, &off);
		if (rc != SQLITE_OK) {
			b.rc = rc;
			break;
		}
		rrPut(&b, phrase);
		rrPut(&b, col);
		rrPut(&b, off);
	}
	rrResult(ctx, &b);
}

/*
** rr_blocks(tbl): the number of tokens in column 0 of the row, then the
** token offset of each instance in column 0 of the query's phrases, in
** order. Asked with the block break as the query, it says where each block
** of the article's body starts and how long the last one is.
*/
static void rrBlocks(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal,
	sqlite3_value **apVal) {
	rrBuf b = {0, 0, 0, SQLITE_OK};
	int size = 0;
	int nInst = 0;
	int i;
	(void)nVal;
	(void)apVal;
	b.rc = api->xColumnSize(fts, 0, &size);
	rrPut(&b, size);
	b.rc = b.rc == SQLITE_OK ? api->xInstCount(fts, &nInst) : b.rc;
	for (i = 0; i < nInst && b.rc == SQLITE_OK; i++) {
		int phrase, col, off;
		int rc = api->xInst(fts, i, &phrase, &col, &off);
		if (rc != SQLITE_OK) {
			b.rc = rc;
			break;
		}
		if (col == 0) {
			rrPut(&b, off);
		}
	}
	rrResult(ctx, &b);
}

/* What rr_bm25 reads once per query: the rows and their mean length. */
typedef struct {
	sqlite3_int64 nRow;
	double avgdl;
} rrBm25Data;

/*
** rr_bm25(tbl, w0, ..., wC-1, df0, ..., dfP-1): FTS5's bm25() with the
** column weights w, as fts5_aux.c computes it, but with the number of rows
** that hold each phrase of the query (df, in phrase order) given by the
** caller, who has counted them already: bm25() counts them itself, reading
** each phrase's whole list once a query. Given the same counts it returns
** the same scores, to the last bit (a test compares them).
*/
static void rrBm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nVal,
	sqlite3_value **apVal) {
	const double k1 = 1.2;
	const double b = 0.75;
	int nCol = api->xColumnCount(fts);
	int nPhrase = api->xPhraseCount(fts);
	double freq[64];
	rrBm25Data *d;
	double score = 0.0;
	int rc = SQLITE_OK;
	int nInst = 0, nTok = 0, i;
	if (nVal != nCol + nPhrase || nPhrase > 64) {
		sqlite3_result_error(ctx, "rr_bm25: give a weight for each column and a count for each phrase", -1);
		return;
	}
	d = api->xGetAuxdata(fts, 0);
	if (d == 0) {
		sqlite3_int64 nToken = 0;
		d = sqlite3_malloc64(sizeof *d);
		if (d == 0) {
			sqlite3_result_error_code(ctx, SQLITE_NOMEM);
			return;
		}
		rc = api->xRowCount(fts, &d->nRow);
		if (rc == SQLITE_OK) {
			rc = api->xColumnTotalSize(fts, -1, &nToken);
		}
		if (rc != SQLITE_OK) {
			sqlite3_free(d);
			sqlite3_result_error_code(ctx, rc);
			return;
		}
		d->avgdl = (double)nToken / (double)d->nRow;
		/* On failure, xSetAuxdata frees d. */
		rc = api->xSetAuxdata(fts, d, sqlite3_free);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
	}
	memset(freq, 0, sizeof freq);
	rc = api->xInstCount(fts, &nInst);
	for (i = 0; rc == SQLITE_OK && i < nInst; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK) {
			freq[ip] += sqlite3_value_double(apVal[ic]);
		}
	}
	if (rc == SQLITE_OK) {
		rc = api->xColumnSize(fts, -1, &nTok);
	}
	for (i = 0; rc == SQLITE_OK && i < nPhrase; i++) {
		double nHit = sqlite3_value_double(apVal[nCol + i]);
		double idf = log((d->nRow - nHit + 0.5) / (nHit + 0.5));
		if (idf <= 0.0) {
			idf = 1e-6;
		}
		score += idf * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1 - b + b * (double)nTok / d->avgdl)));
	}
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_double(ctx, -1.0 * score);
}

/*
** rr_top(k, id, score, data): an aggregate of the rows it is given: how
** many there were, and the k best of them, best first (higher score
** first, then higher id, as ORDER BY score DESC, id DESC LIMIT k would
** give them), each with its data (a BLOB; NULL is taken as empty). A
** ranked search gets its page and its count of matches from one pass over
** them this way, where ORDER BY ... LIMIT needs another pass to count.
** The result is a BLOB of little-endian integers: the number of rows (64
** bits), then for each row kept its id (64 bits), its score (the 64 bits
** of the double) and its data's size in bytes (32 bits), then the data.
*/
typedef struct {
	sqlite3_int64 id;
	double score;
	unsigned char *data;
	int size;
} rrTopRow;

typedef struct {
	int init;
	int k, n; /* rows wanted, rows kept */
	sqlite3_int64 count;
	rrTopRow *heap; /* the rows kept, the worst at the root */
} rrTop;

/* rrTopWorse reports whether a comes after b in the order of rr_top. */
static int rrTopWorse(const rrTopRow *a, const rrTopRow *b) {
	if (a->score != b->score) {
		return a->score < b->score;
	}
	return a->id < b->id;
}

static void rrTopSwap(rrTopRow *h, int i, int j) {
	rrTopRow t = h[i];
	h[i] = h[j];
	h[j] = t;
}

static void rrTopUp(rrTopRow *h, int i) {
	while (i > 0 && rrTopWorse(&h[i], &h[(i - 1) / 2])) {
		rrTopSwap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void rrTopDown(rrTopRow *h, int n, int i) {
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && rrTopWorse(&h[l], &h[m])) {
			m = l;
		}
		if (r < n && rrTopWorse(&h[r], &h[m])) {
			m = r;
		}
		if (m == i) {
			return;
		}
		rrTopSwap(h, i, m);
		i = m;
	}
}

static void rrTopStep(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	rrTop *t = sqlite3_aggregate_context(ctx, sizeof *t);
	rrTopRow row;
	const void *data;
	(void)argc;
	if (t == 0) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!t->init) {
		t->init = 1;
		t->k = sqlite3_value_int(argv[0]);
		if (t->k < 0) {
			t->k = 0;
		}
		if (t->k > 0) {
			t->heap = sqlite3_malloc64((sqlite3_uint64)t->k * sizeof *t->heap);
			if (t->heap == 0) {
				t->k = 0;
				sqlite3_result_error_nomem(ctx);
				return;
			}
		}
	}
	t->count++;
	if (t->k == 0) {
		return;
	}
	row.id = sqlite3_value_int64(argv[1]);
	row.score = sqlite3_value_double(argv[2]);
	if (t->n == t->k && !rrTopWorse(&t->heap[0], &row)) {
		return; /* no better than the worst kept */
	}
	data = sqlite3_value_blob(argv[3]);
	row.size = sqlite3_value_bytes(argv[3]);
	row.data = 0;
	if (row.size > 0) {
		row.data = sqlite3_malloc64((sqlite3_uint64)row.size);
		if (row.data == 0) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		memcpy(row.data, data, (size_t)row.size);
	}
	if (t->n < t->k) {
		t->heap[t->n] = row;
		rrTopUp(t->heap, t->n);
		t->n++;
		return;
	}
	sqlite3_free(t->heap[0].data);
	t->heap[0] = row;
	rrTopDown(t->heap, t->n, 0);
}

static void rrPut64(unsigned char *p, sqlite3_uint64 v) {
	int i;
	for (i = 0; i < 8; i++) {
		p[i] = (unsigned char)(v >> (8 * i));
	}
}

/* SQLite calls it for every aggregate it began, also when it stops early. */
static void rrTopFinal(sqlite3_context *ctx) {
	rrTop *t = sqlite3_aggregate_context(ctx, 0);
	rrTopRow *sorted = 0;
	unsigned char *out, *p;
	sqlite3_uint64 size = 8;
	int n = 0, i;
	if (t != 0) {
		n = t->n;
		sorted = t->heap;
	}
	/* Pop the worst to the end, in place: best first. */
	for (i = n - 1; i > 0; i--) {
		rrTopSwap(sorted, 0, i);
		rrTopDown(sorted, i, 0);
	}
	for (i = 0; i < n; i++) {
		size += 20 + (sqlite3_uint64)sorted[i].size;
	}
	out = sqlite3_malloc64(size);
	if (out == 0) {
		sqlite3_result_error_nomem(ctx);
	} else {
		rrPut64(out, (sqlite3_uint64)(t != 0 ? t->count : 0));
		p = out + 8;
		for (i = 0; i < n; i++) {
			sqlite3_uint64 bits;
			memcpy(&bits, &sorted[i].score, 8);
			rrPut64(p, (sqlite3_uint64)sorted[i].id);
			rrPut64(p + 8, bits);
			p[16] = sorted[i].size & 0xff;
			p[17] = (sorted[i].size >> 8) & 0xff;
			p[18] = (sorted[i].size >> 16) & 0xff;
			p[19] = (sorted[i].size >> 24) & 0xff;
			if (sorted[i].size > 0) {
				memcpy(p + 20, sorted[i].data, (size_t)sorted[i].size);
			}
			p += 20 + sorted[i].size;
		}
		sqlite3_result_blob64(ctx, out, size, sqlite3_free);
	}
	for (i = 0; i < n; i++) {
		sqlite3_free(sorted[i].data);
	}
	if (t != 0) {
		sqlite3_free(t->heap);
	}
}

/* The tokenizer of rr_tokens, one per connection. */
typedef struct {
	fts5_tokenizer m;
	Fts5Tokenizer *tok;
} rrTokenizer;

static void rrTokenizerDelete(void *p) {
	rrTokenizer *t = p;
	if (t->tok) {
		t->m.xDelete(t->tok);
	}
	sqlite3_free(t);
}

/* rr_tokens: the offsets so far, and the number of tokens still wanted. */
typedef struct {
	rrBuf b;
	sqlite3_int64 left;
} rrTokensData;

static int rrToken(void *p, int tflags, const char *token, int nToken, int start, int end) {
	rrTokensData *x = p;
	(void)token;
	(void)nToken;
	if (tflags & FTS5_TOKEN_COLOCATED) {
		return SQLITE_OK; /* the same position as the token before */
	}
	if (x->left-- == 0) {
		return SQLITE_DONE; /* every token asked for: stop cutting */
	}
	rrPut(&x->b, start);
	rrPut(&x->b, end);
	return x->b.rc;
}

/*
** rrTokenize cuts the text of argv[0] with the connection's tokenizer (the
** functions' user data), calling xToken with p for each token, and returns
** the tokenizer's result; or, when the value is NULL, makes the function's
** result NULL too and returns -1.
*/
static int rrTokenize(sqlite3_context *ctx, sqlite3_value **argv, int flags, void *p,
	int (*xToken)(void *, int, const char *, int, int, int)) {
	rrTokenizer *t = sqlite3_user_data(ctx);
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	if (text == 0) {
		sqlite3_result_null(ctx);
		return -1;
	}
	return t->m.xTokenize(t->tok, p, flags, text, sqlite3_value_bytes(argv[0]), xToken);
}

/*
** rr_tokens(text): the byte offsets, start and end, of each token of text.
** rr_tokens(text, last): those of tokens 0 to last only; the rest of the
** text is not cut (a snippet needs the tokens up to its last mark).
*/
static void rrTokens(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	rrTokensData x = {{0, 0, 0, SQLITE_OK}, -1};
	int rc;
	if (argc > 1) {
		x.left = sqlite3_value_int64(argv[1]) + 1;
		if (x.left < 0) {
			x.left = 0;
		}
	}
	rc = rrTokenize(ctx, argv, FTS5_TOKENIZE_AUX, &x, rrToken);
	if (rc < 0) {
		return;
	}
	if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK && x.b.rc == SQLITE_OK) {
		x.b.rc = rc;
	}
	rrResult(ctx, &x.b);
}

/* rr_breaks: the tokens counted so far, and the result. */
typedef struct {
	rrBuf b;
	int n;
} rrBreaks;

/* The block break, U+E000, in UTF-8: a token of its own (store/articleindex.go). */
static const char rrBreak[] = "\xee\x80\x80";

static int rrBreakToken(void *p, int tflags, const char *token, int nToken, int start, int end) {
	rrBreaks *x = p;
	(void)start;
	(void)end;
	if (tflags & FTS5_TOKEN_COLOCATED) {
		return SQLITE_OK; /* the same position as the token before */
	}
	if (nToken == 3 && memcmp(token, rrBreak, 3) == 0) {
		rrPut(&x->b, x->n);
	}
	x->n++;
	return x->b.rc;
}

/*
** rr_breaks(text): the number of tokens of text, then the offset of each
** token that is the block break, as rr_blocks gives them from the index for
** an article whose body is text (the index numbers tokens as this
** tokenizer cuts them: porter changes their text, not their number).
*/
static void rrBreaksFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	rrBreaks x = {{0, 0, 0, SQLITE_OK}, 0};
	int rc;
	(void)argc;
	rrPut(&x.b, 0); /* the count, once known */
	rc = rrTokenize(ctx, argv, FTS5_TOKENIZE_DOCUMENT, &x, rrBreakToken);
	if (rc < 0) {
		sqlite3_free(x.b.a);
		return;
	}
	if (rc != SQLITE_OK && x.b.rc == SQLITE_OK) {
		x.b.rc = rc;
	}
	if (x.b.rc == SQLITE_OK) {
		unsigned int u = (unsigned int)x.n;
		x.b.a[0] = u & 0xff;
		x.b.a[1] = (u >> 8) & 0xff;
		x.b.a[2] = (u >> 16) & 0xff;
		x.b.a[3] = (u >> 24) & 0xff;
	}
	rrResult(ctx, &x.b);
}

/*
** The tokenizer of article_fts (migration 0030) is porter over unicode61.
** Porter changes a token's text, never where it starts or ends, so
** rr_tokens asks unicode61 alone, with article_fts's arguments, and stems
** nothing.
*/
static const char *rrTokenizerArgs[] = {"remove_diacritics", "2"};

static fts5_api *rrFts5Api(sqlite3 *db) {
	fts5_api *api = 0;
	sqlite3_stmt *stmt = 0;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, 0) == SQLITE_OK) {
		sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", 0);
		sqlite3_step(stmt);
	}
	sqlite3_finalize(stmt);
	return api;
}

static int rrInit(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
	fts5_api *api = rrFts5Api(db);
	void *ud = 0;
	rrTokenizer *t;
	int rc;
	(void)pzErrMsg;
	(void)pApi;
	if (api == 0 || api->iVersion < 2) {
		return SQLITE_OK; /* no FTS5: store.Open says so */
	}
	rc = api->xCreateFunction(api, "rr_instances", 0, rrInstances, 0);
	if (rc == SQLITE_OK) {
		rc = api->xCreateFunction(api, "rr_blocks", 0, rrBlocks, 0);
	}
	if (rc == SQLITE_OK) {
		rc = api->xCreateFunction(api, "rr_bm25", 0, rrBm25, 0);
	}
	if (rc != SQLITE_OK) {
		return rc;
	}
	rc = sqlite3_create_function_v2(db, "rr_top", 4, SQLITE_UTF8 | SQLITE_INNOCUOUS, 0, 0, rrTopStep, rrTopFinal, 0);
	if (rc != SQLITE_OK) {
		return rc;
	}
	t = sqlite3_malloc64(sizeof *t);
	if (t == 0) {
		return SQLITE_NOMEM;
	}
	memset(t, 0, sizeof *t);
	rc = api->xFindTokenizer(api, "unicode61", &ud, &t->m);
	if (rc == SQLITE_OK) {
		rc = t->m.xCreate(ud, rrTokenizerArgs, 2, &t->tok);
	}
	if (rc != SQLITE_OK) {
		t->tok = 0;
		rrTokenizerDelete(t);
		return rc;
	}
	/* On failure, sqlite3_create_function_v2 calls rrTokenizerDelete. */
	rc = sqlite3_create_function_v2(db, "rr_tokens", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, t,
		rrTokens, 0, 0, rrTokenizerDelete);
	if (rc != SQLITE_OK) {
		return rc;
	}
	/* The same tokenizer, which rr_tokens deletes with the connection. */
	rc = sqlite3_create_function_v2(db, "rr_tokens", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, t,
		rrTokens, 0, 0, 0);
	if (rc != SQLITE_OK) {
		return rc;
	}
	return sqlite3_create_function_v2(db, "rr_breaks", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, t,
		rrBreaksFunc, 0, 0, 0);
}

int readingroom_fts5aux_register(void) {
	return sqlite3_auto_extension((void (*)(void))rrInit);
}
