package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Detection;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorType;
import java.time.Duration;
import java.util.List;

/** Monitors for unit tests, built directly: what is not under test takes a plain value. */
final class Monitors {
    private Monitors() {}

    static Monitor monitor(MonitorType type, List<String> fields, Duration focal) {
        return new Monitor(
                "m",
                type,
                fields,
                null,
                null,
                focal,
                new Detection(Detection.Method.ABSOLUTE, null, 1.0, null, Detection.DEFAULT_K, 1, 5),
                null,
                0,
                0,
                List.of());
    }
}
