package dev.vigil.core.monitor;

import dev.vigil.core.VigilArgumentException;
import java.util.List;
import java.util.function.Function;

/**
 * A custom metric: arithmetic over metrics of METRICS.md, each named as {@code metric(field)} (or
 * {@code metric()} for a dataset-level metric such as {@code count}). The grammar, by recursive descent:
 *
 * <pre>
 * expression = term { ("+" | "-") term }
 * term       = unary { ("*" | "/") unary }
 * unary      = "-" unary | primary
 * primary    = number | name "(" [ field ] ")" | "(" expression ")"
 * </pre>
 *
 * Names and fields are letters, digits, {@code _} and {@code .}; numbers are decimal, with an optional
 * exponent. A value that is missing (a metric without value) or a division by zero makes the whole value missing.
 *
 * <p>An expression is at most {@value #MAX_LENGTH} characters with at most {@value #MAX_REFS} metric references, and
 * nests at most 64 levels; {@link #evaluate} and {@link #refs} walk the tree without recursion, so a long flat chain
 * ({@code a(x) + a(x) + …}, a left-deep tree as deep as it is long) cannot overflow the stack of the thread that
 * evaluates it.
 */
public sealed interface Expression {
    /** Characters of an expression at most: far more than a readable custom metric, little enough to read back. */
    int MAX_LENGTH = 2_000;

    /** Metric references of an expression at most (each is a query of stored profiles when it is evaluated). */
    int MAX_REFS = 32;

    /** A metric of a field ({@code field} empty for dataset-level metrics). */
    record Ref(String metric, String field) implements Expression {}

    record Number(double value) implements Expression {}

    record Negate(Expression operand) implements Expression {}

    record Binary(char operator, Expression left, Expression right) implements Expression {}

    /** The value, given the value of each metric reference (null when missing). */
    default Double evaluate(Function<Ref, Double> values) {
        return ExpressionWalk.evaluate(this, values);
    }

    /** Every metric reference, in order of appearance. */
    default List<Ref> refs() {
        return ExpressionWalk.refs(this);
    }

    /**
     * Parses {@code text}; a {@link VigilArgumentException} naming {@code key} and the position when it does not, or
     * the limit when it is longer than {@value #MAX_LENGTH} characters or has more than {@value #MAX_REFS} metric
     * references.
     */
    static Expression parse(String text, String key) {
        if (text != null && text.length() > MAX_LENGTH) {
            throw new VigilArgumentException(key + ": is " + text.length() + " characters, more than the " + MAX_LENGTH
                    + " an expression may have");
        }
        Parser p = new Parser(text == null ? "" : text, key);
        Expression e = p.expression();
        p.skipSpaces();
        if (!p.atEnd()) {
            throw p.error("unexpected '" + p.peek() + "'");
        }
        int refs = e.refs().size();
        if (refs > MAX_REFS) {
            throw new VigilArgumentException(key + ": has " + refs + " metric references, more than the " + MAX_REFS
                    + " an expression may have");
        }
        return e;
    }
    /** The recursive-descent parser of {@link #parse}. */
    final class Parser {
        /** Nesting deeper than this is refused (a readable custom metric never needs it; a stack overflow would). */
        private static final int MAX_DEPTH = 64;

        private final String text;
        private final String key;
        private int pos;
        private int depth;

        Parser(String text, String key) {
            this.text = text;
            this.key = key;
        }

        Expression expression() {
            Expression left = term();
            while (true) {
                skipSpaces();
                if (atEnd() || (peek() != '+' && peek() != '-')) {
                    return left;
                }
                char op = text.charAt(pos++);
                left = new Binary(op, left, term());
            }
        }

        private Expression term() {
            Expression left = unary();
            while (true) {
                skipSpaces();
                if (atEnd() || (peek() != '*' && peek() != '/')) {
                    return left;
                }
                char op = text.charAt(pos++);
                left = new Binary(op, left, unary());
            }
        }

        private Expression unary() {
            skipSpaces();
            if (++depth > MAX_DEPTH) {
                throw error("nested more than " + MAX_DEPTH + " levels deep");
            }
            try {
                if (!atEnd() && peek() == '-') {
                    pos++;
                    return new Negate(unary());
                }
                return primary();
            } finally {
                depth--;
            }
        }

        private Expression primary() {
            skipSpaces();
            if (atEnd()) {
                throw error("expected a number, a metric such as missing_ratio(amount) or '('");
            }
            char c = peek();
            if (c == '(') {
                pos++;
                Expression inner = expression();
                expect(')');
                return inner;
            }
            if (Character.isDigit(c) || c == '.') {
                return number();
            }
            if (isNameChar(c)) {
                String name = name();
                skipSpaces();
                if (atEnd() || peek() != '(') {
                    throw error("expected '(' after metric '" + name + "' (write " + name + "(field))");
                }
                pos++;
                skipSpaces();
                String field = !atEnd() && isNameChar(peek()) ? name() : "";
                expect(')');
                return new Ref(name, field);
            }
            throw error("unexpected '" + c + "'");
        }

        private Expression number() {
            int start = pos;
            while (!atEnd() && (Character.isDigit(peek()) || peek() == '.')) {
                pos++;
            }
            if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
                pos++;
                if (!atEnd() && (peek() == '+' || peek() == '-')) {
                    pos++;
                }
                while (!atEnd() && Character.isDigit(peek())) {
                    pos++;
                }
            }
            String literal = text.substring(start, pos);
            try {
                return new Number(Double.parseDouble(literal));
            } catch (NumberFormatException e) {
                pos = start;
                throw error("'" + literal + "' is not a number");
            }
        }

        private String name() {
            int start = pos;
            while (!atEnd() && isNameChar(peek())) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private void expect(char c) {
            skipSpaces();
            if (atEnd() || peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '.';
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                pos++;
            }
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return text.charAt(pos);
        }

        VigilArgumentException error(String what) {
            String where = atEnd() ? "at the end" : "at character " + (pos + 1);
            return new VigilArgumentException(key + ": " + what + " " + where + " of '" + text + "'");
        }
    }
}
