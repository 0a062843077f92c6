package dev.vivarium.node.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.client.Table;
import dev.vivarium.node.lab.LabConnection;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    static List<Map<String, Object>> objects(String json) throws IOException {
        return Json.MAPPER.readValue(json, new TypeReference<>() { });
    }
}
