package dev.vivarium.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.client.JsonValues;
import dev.vivarium.node.client.Table;
import dev.vivarium.node.lab.LabConnection;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** What the API commands share: connect to the lab, print the API's error and exit 1 on failure. */
final class ApiCall {

    /** One exchange with the API that may fail with the API's message. */
    @FunctionalInterface
    interface Body {
        void run(ApiClient api) throws ApiError, IOException;
    }

    private ApiCall() {
    }

    static int run(String command, LabDirOption dir, Body body) {
        return run(command, dir, List.of(), body);
    }

    /** {@link #run(String, LabDirOption, Body)} asking the nodes of {@code lastResort} only when no other answers. */
    static int run(String command, LabDirOption dir, List<String> lastResort, Body body) {
        try {
            body.run(LabConnection.open(dir.labDir(), lastResort));
            return 0;
        } catch (ApiError e) {
            System.err.println("vivarium " + command + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("vivarium " + command + ": cannot read the API's answer: " + e.getMessage());
            return 1;
        }
    }

    /**
     * A list command: GET {@code path} and print the API's JSON array as it is ({@code --json}) or
     * as a table with one row per object.
     */
    static int list(String command, LabDirOption dir, boolean json, String path, Table table,
                    Function<Map<String, Object>, Object[]> row) {
        return run(command, dir, api -> {
            String body = api.get(path).body();
            if (json) {
                System.out.println(body);
                return;
            }
            for (Map<String, Object> object : objects(body)) {
                table.row(row.apply(object));
            }
            System.out.print(table.render());
        });
    }

    /**
     * A list that follows the inventory: {@code field} of every {@code inventory} event of
     * {@code GET /api/v1/inventory} printed as a table (the screen cleared first on a terminal) or
     * one JSON array per line, until interrupted; when the node goes away, the next one goes on.
     */
    static int watch(String command, LabDirOption dir, boolean json, String field, Supplier<Table> table,
                     Function<Map<String, Object>, Object[]> row) {
        boolean terminal = System.console() != null && !json;
        return run(command, dir, api -> {
            String last = null;
            while (true) {
                try (ApiClient.EventLines stream = api.openEventStream("/api/v1/inventory")) {
                    for (String line : (Iterable<String>) stream.lines()::iterator) {
                        if (!line.startsWith("data: ")) {
                            continue;
                        }
                        JsonNode inventory = Json.MAPPER.readTree(line.substring(6));
                        String items = inventory.path(field).toString();
                        if (items.equals(last)) {
                            continue;
                        }
                        last = items;
                        if (json) {
                            System.out.println(items);
                            continue;
                        }
                        Table t = table.get();
                        for (Map<String, Object> object : objects(items)) {
                            t.row(row.apply(object));
                        }
                        System.out.print((terminal ? "\033[H\033[2J" : "\n") + inventory.path("time").asText() + " (via "
                                + stream.node() + "; Ctrl-C leaves)\n" + t.render());
                        System.out.flush();
                    }
                } catch (java.io.UncheckedIOException e) {
                    // The node went away mid-stream: open it again on the next one that answers.
                }
            }
        });
    }

    static List<Map<String, Object>> objects(String json) throws IOException {
        return JsonValues.objects(json);
    }
}
