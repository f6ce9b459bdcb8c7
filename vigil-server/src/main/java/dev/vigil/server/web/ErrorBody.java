package dev.vigil.server.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.core.Nullable;
import java.util.List;

/**
 * Every 4xx and 5xx answer: {@code {"error": {"code", "message", "details": {"problems": [...]}}}}. A record so that
 * the OpenAPI document's {@code ErrorBody} schema is read from what is sent (decision 0026).
 */
public record ErrorBody(Content error) {

    /**
     * @param code a stable machine name ({@code bad_request}, {@code not_found}, {@code too_many_runs}, …)
     * @param message one sentence that names the field or value at fault
     */
    public record Content(String code, String message, Details details) {}

    /** @param problems every problem found in a spec, when there were several; absent otherwise */
    public record Details(@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<String> problems) {}
}
