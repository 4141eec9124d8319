package io.statestore.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into words the way a POSIX shell does, so a line written for the shell means the
 * same in a batch ({@link BatchCommand}): 'single quotes' keep everything, "double quotes" keep
 * everything but backslash before {@code " \ $ `}, a backslash outside quotes keeps the next
 * character, and an unquoted {@code #} starting a word comments out the rest of the line.
 * Nothing is expanded ($VAR, globs, ~) and there are no pipes or redirections: a batch line runs
 * one statestore command, and a shell that expanded the words would have done so before.
 */
final class ShellWords {
    /** A line the shell would not accept either; the message says where. */
    static final class UnbalancedQuote extends IllegalArgumentException {
        UnbalancedQuote(String message) {
            super(message);
        }
    }

    private ShellWords() {}

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw unclosed('\'', i);
                }
                cur.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int start = i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    cur.append(line.charAt(i++));
                }
                if (i >= line.length()) {
                    throw unclosed('"', start);
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 == line.length()) {
                    throw new UnbalancedQuote("the line ends with a lone \\ (a line continuation is not supported;"
                            + " write \\\\ for a backslash)");
                }
                cur.append(line.charAt(++i));
                inWord = true;
            } else if (c == '#' && !inWord) {
                break;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }

    private static UnbalancedQuote unclosed(char quote, int index) {
        return new UnbalancedQuote("the " + quote + " at column " + (index + 1) + " is never closed"
                + " (quote as in a shell: '...' keeps everything, \"...\" needs \\\" inside)");
    }
}
