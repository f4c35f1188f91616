/*
** The few declarations of SQLite's public C interface (sqlite3.h, fts5.h;
** public domain) that fts5aux.c needs. The functions themselves are those
** of the SQLite that github.com/mattn/go-sqlite3 compiles into the binary.
** Structures the C code reads through a pointer SQLite gives it are
** declared only up to their last member used: a prefix of the real one.
*/
#ifndef READINGROOM_FTS5AUX_H
#define READINGROOM_FTS5AUX_H

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;
typedef struct sqlite3_api_routines sqlite3_api_routines;
typedef long long int sqlite3_int64;
typedef unsigned long long int sqlite3_uint64;

#define SQLITE_OK 0
#define SQLITE_ERROR 1
#define SQLITE_NOMEM 7
#define SQLITE_DONE 101
#define SQLITE_UTF8 1
#define SQLITE_DETERMINISTIC 0x000000800
#define SQLITE_INNOCUOUS 0x000200000

int sqlite3_auto_extension(void (*xEntryPoint)(void));
int sqlite3_prepare_v2(sqlite3 *db, const char *zSql, int nByte, sqlite3_stmt **ppStmt, const char **pzTail);
int sqlite3_bind_pointer(sqlite3_stmt *, int, void *, const char *, void (*)(void *));
int sqlite3_step(sqlite3_stmt *);
int sqlite3_finalize(sqlite3_stmt *pStmt);
int sqlite3_create_function_v2(sqlite3 *db, const char *zFunctionName, int nArg, int eTextRep, void *pApp,
	void (*xFunc)(sqlite3_context *, int, sqlite3_value **),
	void (*xStep)(sqlite3_context *, int, sqlite3_value **),
	void (*xFinal)(sqlite3_context *),
	void (*xDestroy)(void *));
void *sqlite3_user_data(sqlite3_context *);
const unsigned char *sqlite3_value_text(sqlite3_value *);
int sqlite3_value_bytes(sqlite3_value *);
void sqlite3_result_blob64(sqlite3_context *, const void *, sqlite3_uint64, void (*)(void *));
void sqlite3_result_null(sqlite3_context *);
void sqlite3_result_error_code(sqlite3_context *, int);
void sqlite3_result_error(sqlite3_context *, const char *, int);
void sqlite3_result_double(sqlite3_context *, double);
double sqlite3_value_double(sqlite3_value *);
sqlite3_int64 sqlite3_value_int64(sqlite3_value *);
int sqlite3_value_int(sqlite3_value *);
const void *sqlite3_value_blob(sqlite3_value *);
void *sqlite3_aggregate_context(sqlite3_context *, int nBytes);
void sqlite3_result_error_nomem(sqlite3_context *);
void *sqlite3_malloc64(sqlite3_uint64);
void *sqlite3_realloc64(void *, sqlite3_uint64);
void sqlite3_free(void *);

/* fts5.h */
typedef struct Fts5ExtensionApi Fts5ExtensionApi;
typedef struct Fts5Context Fts5Context;
typedef struct Fts5PhraseIter Fts5PhraseIter;
typedef struct Fts5Tokenizer Fts5Tokenizer;

typedef void (*fts5_extension_function)(
	const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx, int nVal, sqlite3_value **apVal);

struct Fts5PhraseIter {
	const unsigned char *a;
	const unsigned char *b;
};

/* A prefix of Fts5ExtensionApi (version 1 and 2 members, up to xGetAuxdata). */
struct Fts5ExtensionApi {
	int iVersion;
	void *(*xUserData)(Fts5Context *);
	int (*xColumnCount)(Fts5Context *);
	int (*xRowCount)(Fts5Context *, sqlite3_int64 *pnRow);
	int (*xColumnTotalSize)(Fts5Context *, int iCol, sqlite3_int64 *pnToken);
	int (*xTokenize)(Fts5Context *, const char *pText, int nText, void *pCtx,
		int (*xToken)(void *, int, const char *, int, int, int));
	int (*xPhraseCount)(Fts5Context *);
	int (*xPhraseSize)(Fts5Context *, int iPhrase);
	int (*xInstCount)(Fts5Context *, int *pnInst);
	int (*xInst)(Fts5Context *, int iIdx, int *piPhrase, int *piCol, int *piOff);
	sqlite3_int64 (*xRowid)(Fts5Context *);
	int (*xColumnText)(Fts5Context *, int iCol, const char **pz, int *pn);
	int (*xColumnSize)(Fts5Context *, int iCol, int *pnToken);
	int (*xQueryPhrase)(Fts5Context *, int iPhrase, void *pUserData,
		int (*)(const Fts5ExtensionApi *, Fts5Context *, void *));
	int (*xSetAuxdata)(Fts5Context *, void *pAux, void (*xDelete)(void *));
	void *(*xGetAuxdata)(Fts5Context *, int bClear);
};

typedef struct fts5_tokenizer fts5_tokenizer;
struct fts5_tokenizer {
	int (*xCreate)(void *, const char **azArg, int nArg, Fts5Tokenizer **ppOut);
	void (*xDelete)(Fts5Tokenizer *);
	int (*xTokenize)(Fts5Tokenizer *, void *pCtx, int flags, const char *pText, int nText,
		int (*xToken)(void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd));
};

#define FTS5_TOKENIZE_DOCUMENT 0x0004
#define FTS5_TOKENIZE_AUX 0x0008
#define FTS5_TOKEN_COLOCATED 0x0001

/* A prefix of fts5_api (version 2 members). */
typedef struct fts5_api fts5_api;
struct fts5_api {
	int iVersion;
	int (*xCreateTokenizer)(fts5_api *pApi, const char *zName, void *pUserData, fts5_tokenizer *pTokenizer,
		void (*xDestroy)(void *));
	int (*xFindTokenizer)(fts5_api *pApi, const char *zName, void **ppUserData, fts5_tokenizer *pTokenizer);
	int (*xCreateFunction)(fts5_api *pApi, const char *zName, void *pUserData, fts5_extension_function xFunction,
		void (*xDestroy)(void *));
};

int readingroom_fts5aux_register(void);

#endif
