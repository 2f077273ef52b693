// Package partiql parses, prints and compiles the PartiQL dialect that Amazon
// DynamoDB accepts in ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction, plus three extensions for database/sql users.
//
// It has a hand-written byte-level lexer, a recursive-descent parser, an AST
// whose nodes print themselves back as canonical PartiQL (String), and a
// compiler (Compile, Prepare) that turns a statement into the texts DynamoDB
// accepts together with the mapping from their ? placeholders to the caller's
// arguments. It depends on the standard library only.
//
// # Dialect
//
// Statements (one per call; a trailing ';' is allowed):
//
//	SELECT * | path [, path ...] FROM table[.index]
//	    [WHERE condition] [ORDER BY path [ASC|DESC], ...] [LIMIT n]   -- LIMIT: extension
//	INSERT INTO table VALUE {'attr': value, ...}
//	INSERT INTO table (attr, ...) VALUES (value, ...)[, (...)]       -- extension
//	UPDATE table SET path = value[, ...] | REMOVE path[, ...] ... WHERE condition
//	    [RETURNING ALL OLD * | MODIFIED OLD * | ALL NEW * | MODIFIED NEW *]
//	DELETE FROM table WHERE condition [RETURNING ALL OLD *]
//	EXISTS(SELECT ...)                     -- a condition check in a transaction
//
// SET and REMOVE clauses may repeat and interleave; the printer gives every
// action its own keyword (UPDATE "t" SET a = 1 SET b = 2 REMOVE c), the form
// AWS documents. "REMOVE a, b" is accepted and printed as "REMOVE a REMOVE b"
// because DynamoDB rejects the comma form.
//
// Names: tables and attributes are words ([A-Za-z_][A-Za-z0-9_]*) or
// double-quoted identifiers with "" standing for a quote. Names are case
// sensitive; keywords are not. An index is written table.index or
// "table"."index". Paths are a.b[0].c, "x y".z or a['b'].
//
// Conditions: = <> != < <= > >=, AND, OR, NOT, parentheses, x [NOT] IN [..]
// (or (..)), x [NOT] BETWEEN a AND b, x IS [NOT] MISSING, x IS [NOT] NULL and
// the functions begins_with, contains, attribute_type and size. SET values
// may also use + and - and the functions list_append, set_add, set_delete and
// if_not_exists. DynamoDB rejects * and /, which therefore do not parse.
//
// Literals: 'strings' (a doubled single quote escapes one), numbers (12,
// -1.5, .5, 5., 2e10), TRUE, FALSE, NULL, MISSING, documents {'k': v, ...}
// (keys are string literals), lists [v, ...], sets <<v, ...>> and
// placeholders ?.
//
// Comments: -- to the end of the line, and /* ... */.
//
// # Extensions
//
// The driver accepts three things DynamoDB does not; Compile translates them:
//
//   - LIMIT n, LIMIT ? or LIMIT :name at the end of a SELECT. DynamoDB rejects
//     LIMIT, so Compile removes it and reports the cap in Compiled.Limit or,
//     for a placeholder, the argument holding it in Compiled.LimitArg.
//   - Named placeholders :name (letters, digits, underscore) wherever ? may
//     stand. A statement uses either ? or :name, never both. Compile prints
//     them as ? and maps each to its argument through Part.Args; a repeated
//     name is one argument. {'id': :id} and {'id'::id} work, and {'k':v}
//     still means the key k with the value v.
//   - SQL-style INSERT INTO t (a, b) VALUES (x, y), (z, w): each row becomes
//     its own INSERT INTO "t" VALUE {'a': x, 'b': y} (one Part per row). Each
//     row must have one value per column; a column may be listed once.
//
// # Printing
//
// String prints canonical PartiQL: keywords in upper case, single spaces,
// every table, index and attribute name double-quoted, strings
// single-quoted, IN lists in brackets, and only the parentheses precedence
// requires: SELECT "id", "name" FROM "users" WHERE "id" = ?. Quoting every
// name is deliberate: DynamoDB's parser rejects unquoted PartiQL keywords
// that are missing from its documented reserved-word list (REMOVE, MODIFIED,
// PIVOT, LET, BAG, ...), and quoted names mean the same as unquoted ones.
// For any statement s that Parse returns, Parse(s.String()) returns a tree
// equal to s (reflect.DeepEqual); the tree holds no source positions.
//
// The parser is lenient where printing makes it safe: unquoted names that are
// DynamoDB reserved words but not keywords of this grammar (name, status,
// data, remove, modified) are accepted and come out quoted.
//
// # Compile
//
// Compile produces Part texts (named placeholders as ?, LIMIT removed) and
// rejects, without a round trip, what DynamoDB would reject and can be seen
// statically: empty sets, sets mixing strings and numbers, MISSING outside
// IS [NOT] MISSING, arithmetic outside SET values, unknown or misplaced
// functions and wrong argument counts, duplicate document keys, numbers
// outside DynamoDB's range, overlapping or same-named projections, INSERT
// ... VALUE ?, RETURNING other than ALL OLD * on DELETE, and texts longer
// than MaxStatementLength characters.
//
// Compiled.Columns names a projection's columns as DynamoDB names the
// attributes of result items: the last attribute name, or, when the path
// indexes a list, the attribute before the first index with that index
// (a.b -> "b", a.b.c -> "c", a[0] -> "a[0]", a.b[1] -> "b[1]",
// a.b[1].c -> "b[1]"), as observed with DynamoDB Local 1.25.
//
// Syntax errors are *SyntaxError values that locate the problem (line,
// column in runes, byte offset) and show the line with a caret.
package partiql
