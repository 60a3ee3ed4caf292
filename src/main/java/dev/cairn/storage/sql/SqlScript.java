package dev.cairn.storage.sql;

import dev.cairn.api.StorageException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The statements of one {@code sql.exec} text, split and checked before anything runs. A small
 * tokenizer (strings, quoted identifiers, comments, trigger bodies) finds statement boundaries and
 * every identifier, so transaction control, ATTACH, pragmas other than {@link SqlPragma}'s and Cairn's
 * reserved tables are refused whatever the spacing, case or quoting. {@code callSettings}: the
 * pragmas of {@link SqlPragma.Kind#CALL_SETTING} that the text sets, to be set back when the call
 * ends. Immutable; cached per database by query text.
 */
public record SqlScript(List<String> statements, Set<SqlPragma> callSettings) {
    /** Tables and other names with this prefix belong to Cairn. */
    public static final String RESERVED_PREFIX = "_cairn_";

    private static final Set<String> TRANSACTION_CONTROL =
            Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE");
    private static final Set<String> REFUSED = Set.of("ATTACH", "DETACH", "VACUUM");

    /**
     * @throws StorageException naming the refused statement or name and what is allowed instead
     */
    public static SqlScript parse(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new StorageException("empty SQL: exec needs at least one statement");
        }
        List<String> statements = new ArrayList<>();
        Set<SqlPragma> callSettings = EnumSet.noneOf(SqlPragma.class);
        Tokenizer t = new Tokenizer(sql);
        int start = 0;
        List<String> words = new ArrayList<>();
        boolean trigger = false;
        int blockDepth = 0;
        for (Token tok = t.next(); tok != null; tok = t.next()) {
            switch (tok.kind) {
                case WORD -> {
                    String upper = tok.text.toUpperCase(Locale.ROOT);
                    words.add(upper);
                    checkName(tok.text);
                    if (words.size() <= 4 && upper.equals("TRIGGER") && words.getFirst().equals("CREATE")) {
                        trigger = true;
                    }
                    if (trigger) {
                        if (upper.equals("BEGIN") || (blockDepth > 0 && upper.equals("CASE"))) {
                            blockDepth++;
                        } else if (upper.equals("END") && blockDepth > 0) {
                            blockDepth--;
                        }
                    }
                }
                case QUOTED_NAME -> {
                    words.add("\"");
                    checkName(tok.text);
                }
                case SEMICOLON -> {
                    if (trigger && blockDepth > 0) {
                        continue;
                    }
                    add(statements, callSettings, sql.substring(start, tok.end), words);
                    start = tok.end;
                    words.clear();
                    trigger = false;
                }
                case OTHER -> words.add(tok.text);
            }
        }
        add(statements, callSettings, sql.substring(start), words);
        if (statements.isEmpty()) {
            throw new StorageException("no SQL statement found (only comments or ';')");
        }
        return new SqlScript(List.copyOf(statements), Set.copyOf(callSettings));
    }

    /** The upper-cased words of one statement as {@link #parse} reads them, quoted names as {@code "}; comments and literals skipped. */
    static List<String> words(String statement) {
        List<String> words = new ArrayList<>();
        Tokenizer t = new Tokenizer(statement);
        for (Token tok = t.next(); tok != null; tok = t.next()) {
            words.add(switch (tok.kind) {
                case WORD -> tok.text.toUpperCase(Locale.ROOT);
                case QUOTED_NAME -> "\"";
                case SEMICOLON, OTHER -> tok.text;
            });
        }
        return words;
    }

    private static void add(List<String> statements, Set<SqlPragma> callSettings, String text, List<String> words) {
        if (words.isEmpty()) {
            return;
        }
        String first = words.getFirst();
        if (TRANSACTION_CONTROL.contains(first)) {
            throw new StorageException(first + " is not allowed: every call already runs in one transaction"
                    + " that commits when it returns and rolls back if it throws");
        }
        if (REFUSED.contains(first)) {
            throw new StorageException(first + " is not allowed in an object's database");
        }
        if (first.equals("PRAGMA")) {
            SqlPragma.Use use = SqlPragma.check(words);
            if (use.sets() && use.pragma().kind() == SqlPragma.Kind.CALL_SETTING) {
                callSettings.add(use.pragma());
            }
        }
        statements.add(text.strip());
    }

    private static void checkName(String name) {
        if (name.regionMatches(true, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length())) {
            throw new StorageException("'" + name + "' is reserved: names starting with " + RESERVED_PREFIX
                    + " belong to Cairn's internal tables");
        }
    }

    private enum Kind { WORD, QUOTED_NAME, SEMICOLON, OTHER }

    private record Token(Kind kind, String text, int end) {}

    /** Splits SQL text into the tokens that matter here; string literals and comments are skipped. */
    private static final class Tokenizer {
        private final String s;
        private int i;

        Tokenizer(String s) {
            this.s = s;
        }

        Token next() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '-' && peek(1) == '-') {
                    int nl = s.indexOf('\n', i);
                    i = nl < 0 ? s.length() : nl + 1;
                } else if (c == '/' && peek(1) == '*') {
                    int close = s.indexOf("*/", i + 2);
                    i = close < 0 ? s.length() : close + 2;
                } else if (c == '\'') {
                    skipQuoted('\'');
                } else if (c == '"' || c == '`') {
                    int from = i + 1;
                    skipQuoted(c);
                    return new Token(Kind.QUOTED_NAME, s.substring(from, Math.max(from, i - 1)), i);
                } else if (c == '[') {
                    int close = s.indexOf(']', i);
                    int from = i + 1;
                    i = close < 0 ? s.length() : close + 1;
                    return new Token(Kind.QUOTED_NAME, s.substring(from, Math.max(from, i - 1)), i);
                } else if (c == ';') {
                    i++;
                    return new Token(Kind.SEMICOLON, ";", i);
                } else if (Character.isLetter(c) || c == '_') {
                    int from = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
                        i++;
                    }
                    return new Token(Kind.WORD, s.substring(from, i), i);
                } else {
                    i++;
                    return new Token(Kind.OTHER, String.valueOf(c), i);
                }
            }
            return null;
        }

        private char peek(int ahead) {
            return i + ahead < s.length() ? s.charAt(i + ahead) : '\0';
        }

        /** Skips a quoted run where the quote is escaped by doubling it. */
        private void skipQuoted(char quote) {
            i++;
            while (i < s.length()) {
                if (s.charAt(i) == quote) {
                    if (peek(1) == quote) {
                        i += 2;
                        continue;
                    }
                    i++;
                    return;
                }
                i++;
            }
        }
    }
}
