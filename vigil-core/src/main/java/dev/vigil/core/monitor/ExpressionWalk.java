package dev.vigil.core.monitor;

import dev.vigil.core.monitor.Expression.Binary;
import dev.vigil.core.monitor.Expression.Negate;
import dev.vigil.core.monitor.Expression.Number;
import dev.vigil.core.monitor.Expression.Ref;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Walks an {@link Expression} tree with a stack of its own instead of the thread's: a flat chain of a thousand terms
 * is a tree a thousand deep, which recursion would walk with a thousand frames.
 */
final class ExpressionWalk {
    private ExpressionWalk() {}

    /** A node whose operands are already evaluated, waiting to combine them. */
    private record Combine(Expression node) {}

    /** The value of {@code root} (null when missing), evaluating its operands left to right. */
    static Double evaluate(Expression root, Function<Ref, Double> values) {
        Deque<Object> work = new ArrayDeque<>();
        List<Double> results = new ArrayList<>(); // a stack that holds nulls (missing values)
        work.push(root);
        while (!work.isEmpty()) {
            Object item = work.pop();
            if (item instanceof Combine c) {
                if (c.node() instanceof Negate) {
                    Double v = pop(results);
                    results.add(v == null ? null : -v);
                } else {
                    Double r = pop(results);
                    Double l = pop(results);
                    results.add(combine(((Binary) c.node()).operator(), l, r));
                }
            } else if (item instanceof Ref r) {
                results.add(values.apply(r));
            } else if (item instanceof Number n) {
                results.add(n.value());
            } else if (item instanceof Negate n) {
                work.push(new Combine(n));
                work.push(n.operand());
            } else {
                Binary b = (Binary) item;
                work.push(new Combine(b));
                work.push(b.right());
                work.push(b.left()); // popped first: left before right
            }
        }
        return results.get(0);
    }

    /** Every metric reference of {@code root}, in order of appearance. */
    static List<Ref> refs(Expression root) {
        List<Ref> out = new ArrayList<>();
        Deque<Expression> work = new ArrayDeque<>();
        work.push(root);
        while (!work.isEmpty()) {
            Expression e = work.pop();
            if (e instanceof Ref r) {
                out.add(r);
            } else if (e instanceof Negate n) {
                work.push(n.operand());
            } else if (e instanceof Binary b) {
                work.push(b.right());
                work.push(b.left());
            }
        }
        return out;
    }

    private static Double combine(char operator, Double l, Double r) {
        if (l == null || r == null) {
            return null;
        }
        return switch (operator) {
            case '+' -> l + r;
            case '-' -> l - r;
            case '*' -> l * r;
            default -> r == 0 ? null : l / r;
        };
    }

    private static Double pop(List<Double> stack) {
        return stack.remove(stack.size() - 1);
    }
}
