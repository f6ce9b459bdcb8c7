package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionTest {
    private static Double eval(String text, Map<String, Double> values) {
        return Expression.parse(text, "expression").evaluate(r -> values.get(r.metric() + "(" + r.field() + ")"));
    }

    @Test
    void theIssuesExampleAddsTwoMetrics() {
        Expression e = Expression.parse("missing_ratio(amount) + new_value_ratio(owner)", "expression");
        assertThat(e.refs())
                .containsExactly(
                        new Expression.Ref("missing_ratio", "amount"), new Expression.Ref("new_value_ratio", "owner"));
        assertThat(eval(
                        "missing_ratio(amount) + new_value_ratio(owner)",
                        Map.of("missing_ratio(amount)", 0.1, "new_value_ratio(owner)", 0.25)))
                .isEqualTo(0.1 + 0.25);
    }

    @Test
    void arithmeticFollowsTheUsualPrecedence() {
        assertThat(eval("1 + 2 * 3", Map.of())).isEqualTo(7.0);
        assertThat(eval("(1 + 2) * 3", Map.of())).isEqualTo(9.0);
        assertThat(eval("-(2 - 5) / 2", Map.of())).isEqualTo(1.5);
        assertThat(eval("10 - 4 - 3", Map.of())).as("left to right").isEqualTo(3.0);
        assertThat(eval("1.5e2 / count()", Map.of("count()", 50.0))).isEqualTo(3.0);
    }

    @Test
    void aMissingValueOrADivisionByZeroLeavesNoValue() {
        assertThat(eval("mean(amount) * 2", Map.of())).isNull();
        assertThat(eval("1 / (mean(amount) - 3)", Map.of("mean(amount)", 3.0))).isNull();
    }

    @Test
    void whatDoesNotParseIsNamedWithItsPlace() {
        assertThatThrownBy(() -> Expression.parse("missing_ratio(amount", "monitors[0].expression"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("monitors[0].expression: expected ')' at the end of 'missing_ratio(amount'");
        assertThatThrownBy(() -> Expression.parse("missing_ratio amount", "e"))
                .hasMessage("e: expected '(' after metric 'missing_ratio' (write missing_ratio(field)) at character"
                        + " 15 of 'missing_ratio amount'");
        assertThatThrownBy(() -> Expression.parse("1 +", "e"))
                .hasMessage("e: expected a number, a metric such as missing_ratio(amount) or '(' at the end of '1 +'");
        assertThatThrownBy(() -> Expression.parse("2 $ 3", "e"))
                .hasMessage("e: unexpected '$' at character 3 of '2 $ 3'");
        assertThatThrownBy(() -> Expression.parse("", "e")).hasMessageStartingWith("e: expected a number");
        assertThatThrownBy(() -> Expression.parse("-".repeat(1_000) + "1", "e"))
                .hasMessageStartingWith("e: nested more than 64 levels deep at character 65");
        assertThatThrownBy(() -> Expression.parse("(".repeat(100) + "1" + ")".repeat(100), "e"))
                .hasMessageStartingWith("e: nested more than 64 levels deep");
    }

    @Test
    void anExpressionOfExactlyTwoThousandCharactersIsTakenAndOneMoreIsRefused() {
        String longest = "1" + "+1".repeat(999) + " "; // 1000 terms, 2000 characters
        assertThat(longest).hasSize(Expression.MAX_LENGTH);
        assertThat(eval(longest, Map.of())).isEqualTo(1000.0);
        assertThatThrownBy(() -> Expression.parse(longest + " ", "monitors[0].expression"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("monitors[0].expression: is 2001 characters, more than the 2000 an expression may have");
    }

    @Test
    void anExpressionOfExactlyThirtyTwoReferencesIsTakenAndOneMoreIsRefused() {
        String most = "count()" + " + mean(amount)".repeat(31);
        assertThat(Expression.parse(most, "e").refs()).hasSize(Expression.MAX_REFS);
        assertThat(eval(most, Map.of("count()", 1.0, "mean(amount)", 2.0))).isEqualTo(1.0 + 31 * 2.0);
        assertThatThrownBy(() -> Expression.parse(most + " - count()", "monitors[2].expression"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage(
                        "monitors[2].expression: has 33 metric references, more than the 32 an expression may have");
    }

    @Test
    void theLongestAndTheDeepestAllowedExpressionsEvaluateOnASmallStack() throws Exception {
        String longest = "1" + "-1".repeat(999) + " ";
        String deepest = "(".repeat(63) + "count()" + ")".repeat(63);
        Expression.Number one = new Expression.Number(1);
        Expression chain = one;
        for (int i = 0; i < 1_000_000; i++) { // far past the caps: no recursion walks this on any stack
            chain = new Expression.Binary('+', chain, one);
        }
        Expression million = chain;
        Double[] results = new Double[4];
        Throwable[] failure = new Throwable[1];
        Thread small = new Thread(
                null,
                () -> {
                    try {
                        results[0] = eval(longest, Map.of());
                        results[1] = eval(deepest, Map.of("count()", 7.0));
                        results[2] = million.evaluate(r -> null);
                        results[3] = (double) million.refs().size();
                    } catch (Throwable t) {
                        failure[0] = t;
                    }
                },
                "small-stack",
                256 * 1024); // a quarter of the default 1 MiB; the 64 levels of the parser need about half of it
        small.start();
        small.join();
        assertThat(failure[0]).isNull();
        assertThat(results).containsExactly(1.0 - 999, 7.0, 1_000_001.0, 0.0);
    }
}
