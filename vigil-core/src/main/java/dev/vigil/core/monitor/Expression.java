package dev.vigil.core.monitor;

import dev.vigil.core.VigilArgumentException;
import java.util.ArrayList;
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
 */
public sealed interface Expression {
    /** A metric of a field ({@code field} empty for dataset-level metrics). */
    record Ref(String metric, String field) implements Expression {}

    record Number(double value) implements Expression {}

    record Negate(Expression operand) implements Expression {}

    record Binary(char operator, Expression left, Expression right) implements Expression {}

    /** The value, given the value of each metric reference (null when missing). */
    default Double evaluate(Function<Ref, Double> values) {
        if (this instanceof Ref r) {
            return values.apply(r);
        }
        if (this instanceof Number n) {
            return n.value();
        }
        if (this instanceof Negate n) {
            Double v = n.operand().evaluate(values);
            return v == null ? null : -v;
        }
        Binary b = (Binary) this;
        Double l = b.left().evaluate(values);
        Double r = b.right().evaluate(values);
        if (l == null || r == null) {
            return null;
        }
        return switch (b.operator()) {
            case '+' -> l + r;
            case '-' -> l - r;
            case '*' -> l * r;
            default -> r == 0 ? null : l / r;
        };
    }

    /** Every metric reference, in order of appearance. */
    default List<Ref> refs() {
        List<Ref> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    private static void collect(Expression e, List<Ref> out) {
        if (e instanceof Ref r) {
            out.add(r);
        } else if (e instanceof Negate n) {
            collect(n.operand(), out);
        } else if (e instanceof Binary b) {
            collect(b.left(), out);
            collect(b.right(), out);
        }
    }

    /** Parses {@code text}; a {@link VigilArgumentException} naming {@code key} and the position when it does not. */
    static Expression parse(String text, String key) {
        Parser p = new Parser(text == null ? "" : text, key);
        Expression e = p.expression();
        p.skipSpaces();
        if (!p.atEnd()) {
            throw p.error("unexpected '" + p.peek() + "'");
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
