package dev.vivarium.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the commands that start a task share: the lab, {@code --no-wait} and {@code --json}. They
 * wait for the task on the node that accepted it (tasks live there), print its outcome and exit
 * 1 when it failed.
 */
public final class TaskOptions {

    /**
     * The task is asked again after 20 ms, then after twice as long each time up to 250 ms: a
     * task that fails at once (no host has room) is answered at once, a long one costs 4 GETs a second.
     */
    private static final long FIRST_POLL_MILLIS = 20;
    private static final long POLL_MILLIS = 250;

    @Mixin LabDirOption dir;

    @Option(names = "--no-wait", description = "Print the task's id and return at once instead of waiting for it.")
    boolean noWait;

    @Option(names = "--json", description = "Print the API's JSON (the task as it ended, or as accepted with --no-wait).")
    boolean json;

    /** Sends the request that starts a task, then waits for it (unless --no-wait); the exit status. */
    int run(String command, String method, String path, String body) {
        int[] status = {0};
        int called = ApiCall.run(command, dir, api -> status[0] = startAndWait(command, api, method, path, body));
        return called != 0 ? called : status[0];
    }

    private int startAndWait(String command, ApiClient api, String method, String path, String body)
            throws ApiError, IOException {
        ApiClient.Answer accepted = api.send(method, path, body);
        JsonNode task = Json.MAPPER.readTree(accepted.body());
        if (noWait) {
            System.out.println(json ? accepted.body() : task.path("id").asText());
            return 0;
        }
        String id = task.path("id").asText();
        String answer = accepted.body();
        // On a terminal, a line on stderr says what runs and for how long (scripts see nothing of it).
        boolean terminal = System.console() != null;
        long started = System.nanoTime();
        boolean shown = false;
        long pause = FIRST_POLL_MILLIS;
        while ("running".equals(task.path("state").asText())) {
            if (terminal) {
                System.err.printf("\r%s: running, %d s (task %s; Ctrl-C stops waiting, not the task)",
                        task.path("description").asText(), (System.nanoTime() - started) / 1_000_000_000L, id);
                System.err.flush();
                shown = true;
            }
            try {
                Thread.sleep(pause);
                pause = Math.min(2 * pause, POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(0, "interrupted while waiting for task " + id);
            }
            answer = api.getFrom(accepted.node(), "/api/v1/tasks/" + id).body();
            task = Json.MAPPER.readTree(answer);
        }
        if (shown) {
            System.err.print("\r\033[K");
            System.err.flush();
        }
        return printOutcome(command, task, answer, json);
    }

    /** Prints a finished task (its result, or its reason on stderr); 1 when it failed. */
    static int printOutcome(String command, JsonNode task, String answer, boolean json) {
        if (json) {
            System.out.println(answer);
        } else if ("succeeded".equals(task.path("state").asText())) {
            System.out.println(task.path("result").asText());
        }
        if ("failed".equals(task.path("state").asText())) {
            System.err.println("vivarium " + command + ": task " + task.path("id").asText() + " ("
                    + task.path("description").asText() + ") failed: " + task.path("reason").asText());
            return 1;
        }
        return 0;
    }
}
