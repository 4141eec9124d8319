package io.statestore.daemon.sweep;

import java.util.regex.Pattern;

/** A Redis glob ({@code *}, {@code ?}, {@code [abc]}, backslash escapes) matched in Java. */
public final class KeyPattern {
    private final String glob;
    private final Pattern regex;

    public KeyPattern(String glob) {
        this.glob = glob;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        sb.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end).replace("\\", "\\\\");
                        sb.append('[')
                                .append(set.startsWith("^") ? "^" + set.substring(1) : set)
                                .append(']');
                        i = end;
                    }
                }
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        sb.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.regex = Pattern.compile(sb.toString(), Pattern.DOTALL);
    }

    public boolean matches(String key) {
        return regex.matcher(key).matches();
    }

    @Override
    public String toString() {
        return glob;
    }
}
