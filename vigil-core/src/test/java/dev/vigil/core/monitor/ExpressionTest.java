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
        assertThatThrownBy(() -> Expression.parse("-".repeat(10_000) + "1", "e"))
                .hasMessageStartingWith("e: nested more than 64 levels deep at character 65");
        assertThatThrownBy(() -> Expression.parse("(".repeat(100) + "1" + ")".repeat(100), "e"))
                .hasMessageStartingWith("e: nested more than 64 levels deep");
    }
}
