package dev.vivarium.node.cli;

import dev.vivarium.node.client.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vivarium events [--follow]}: the event log, once or as it grows. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print the event log; --follow keeps printing new events until interrupted or no node of the lab answers (exit 1).")
public final class EventsCommand implements Callable<Integer> {

    @Mixin LabDirOption dir;

    @Option(names = "--json", description = "One JSON object per event (a JSON array without --follow).")
    boolean json;

    @Option(names = {"-f", "--follow"}, description = "Stream the events as they happen (server-sent events).")
    boolean follow;

    /** The default of --limit (QuickCommands reads it too). */
    static final String DEFAULT_LIMIT = "100";

    @Option(names = "--limit", defaultValue = DEFAULT_LIMIT, description = "How many of the latest events (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (!follow) {
            return ApiCall.list("events", dir, json, "/api/v1/events?limit=" + limit,
                    new Table("TIME", "TYPE", "SUBJECT", "BY", "MESSAGE"),
                    e -> new Object[] {e.get("time"), e.get("type"), e.get("subject"), e.get("by"), e.get("message")});
        }
        return ApiCall.run("events", dir, api -> api.followEvents(event -> {
            System.out.println(json ? event : line(event));
            System.out.flush();
        }));
    }

    private static String line(String eventJson) {
        try {
            Map<String, Object> e = ApiCall.objects("[" + eventJson + "]").get(0);
            return e.get("time") + "  " + e.get("type") + "  " + e.get("message") + "  (by " + e.get("by") + ")";
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
