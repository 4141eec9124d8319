package io.statestore.daemon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML syntax error as one line in our words, "line 3, column 2: ...": the parser's own report
 * spans several lines, quotes the source and names its internal tokens ("<block mapping start>").
 */
final class YamlSyntax {
    private YamlSyntax() {}

    static String describe(JsonProcessingException e) {
        MarkedYAMLException marked = markedCause(e);
        String problem = marked == null ? e.getOriginalMessage() : marked.getProblem();
        String where = "";
        Mark mark = marked == null ? null : marked.getProblemMark();
        if (mark != null) {
            where = "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
        } else if (e.getLocation() != null) {
            where = "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": ";
        }
        return where + inOurWords(problem) + " (not valid YAML)";
    }

    private static MarkedYAMLException markedCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYAMLException m) {
                return m;
            }
        }
        return null;
    }

    static String inOurWords(String problem) {
        String p = problem == null ? "" : problem;
        if (p.contains("mapping values are not allowed")) {
            return "a ':' where no key may start (quote a value that holds \": \", or check the indentation)";
        }
        if (p.contains("TAB") || p.contains("\\t")) {
            return "a tab character (YAML indents with spaces)";
        }
        if (p.contains("<block end>")) {
            return "the indentation does not line up with the lines above";
        }
        if (p.contains("<stream end>") || p.contains("end of stream")) {
            return "the file ends before the value is complete (an unclosed quote, [ or {?)";
        }
        if (p.contains("could not find expected ':'")) {
            return "a key without its ':' (or an unclosed quote)";
        }
        if (p.contains("undefined alias")) {
            return "an alias (*name) that names no anchor (&name)";
        }
        if (p.contains("duplicate key")) {
            return "a key given twice";
        }
        if (p.contains("cannot start any token")) {
            return "a character that cannot begin a value here (quote the value)";
        }
        // anything rarer: the parser's sentence, without its token names
        String plain = p.replaceAll("'?<([a-z ]+)>'?", "$1").strip();
        return plain.isEmpty() ? "the text cannot be read as YAML" : plain;
    }
}
