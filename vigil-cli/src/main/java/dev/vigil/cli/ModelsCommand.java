package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil models}: the models on the server with their versions. */
@Command(name = "models", description = "List models and their versions.")
final class ModelsCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    ModelsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Vigil vigil = client.connect(context);
        List<ObjectNode> rows = new ArrayList<>();
        for (Model m : vigil.listModels()) {
            JsonNode detail = vigil.getJson(
                    "/api/v1/models/" + java.net.URLEncoder.encode(m.id(), java.nio.charset.StandardCharsets.UTF_8));
            ObjectNode row = Output.row().put("id", m.id()).put("name", m.name());
            row.set("versions", detail.path("versions"));
            rows.add(row);
        }
        Output.print(context.out(), client.format, rows, "no models yet: create one with `vigil apply -f spec.yaml`");
        return 0;
    }
}
