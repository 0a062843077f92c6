package dev.vivarium.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium drs status|recommendations|apply|set|run}: DRS, the cluster's load balancer. */
@Command(name = "drs", mixinStandardHelpOptions = true,
        description = "DRS: balances the hosts' load by moving VMs, keeps the rules, places VMs at power-on.",
        subcommands = {DrsCommand.Status.class, DrsCommand.Recommendations.class, DrsCommand.Apply.class,
                DrsCommand.Set.class, DrsCommand.Run.class})
public final class DrsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "DRS's settings, the cluster's imbalance against the threshold's target, each host's load, the latest moves.")
    static final class Status implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON object.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.run("drs status", dir, api -> {
                String body = api.get("/api/v1/drs").body();
                if (json) {
                    System.out.println(body);
                    return;
                }
                printStatus(Json.MAPPER.readTree(body));
            });
        }
    }

    static void printStatus(JsonNode s) {
        System.out.printf(Locale.ROOT, "automation %s, migration threshold %d, at most %d moves a round, a round every %.0f s%n",
                s.path("automation").asText(), s.path("threshold").asInt(), s.path("maxMoves").asInt(),
                s.path("periodSeconds").asDouble());
        System.out.printf(Locale.ROOT, "imbalance %.3f, target %s (%d connected hosts); %d rounds, %d recommendations, "
                        + "%d moves running, %d done, %d failed%n", s.path("imbalance").asDouble(),
                s.path("target").isNull() ? "none (threshold 1: only rules and maintenance)"
                        : String.format(Locale.ROOT, "%.3f", s.path("target").asDouble()),
                s.path("connectedHosts").asInt(), s.path("rounds").asLong(), s.path("recommendations").asInt(),
                s.path("movesRunning").asInt(), s.path("movesDone").asLong(), s.path("movesFailed").asLong());
        Table loads = new Table("HOST", "LOAD");
        s.path("loads").fields().forEachRemaining(e -> loads.row(e.getKey(),
                String.format(Locale.ROOT, "%.3f", e.getValue().asDouble())));
        System.out.print(loads.render());
        s.path("faults").forEach(f -> System.out.println("fault: " + f.asText()));
        s.path("recentMoves").forEach(m -> System.out.printf(Locale.ROOT, "moved %s %s -> %s by %s: %s%n", m.path("vm").asText(),
                m.path("from").asText(), m.path("to").asText(), m.path("how").asText(),
                m.path("moved").asBoolean() ? (m.path("downtimeMs").isNull() ? "done"
                        : String.format(Locale.ROOT, "downtime %.1f ms", m.path("downtimeMs").asDouble()))
                        : "failed: " + m.path("message").asText()));
    }

    @Command(name = "recommendations", mixinStandardHelpOptions = true,
            description = "The moves (and, in manual automation, power-ons) DRS recommends now; apply one with drs apply ID.")
    static final class Recommendations implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.list("drs recommendations", dir, json, "/api/v1/drs/recommendations",
                    new Table("ID", "KIND", "VM", "FROM", "TO", "REASON", "PRIORITY", "IMBALANCE", "STATE", "WHY"),
                    r -> new Object[] {r.get("id"), r.get("kind"), r.get("vm"), r.get("from"), r.get("to"), r.get("reason"),
                            r.get("priority"), String.format(Locale.ROOT, "%.3f -> %.3f", num(r.get("imbalanceBefore")),
                            num(r.get("imbalanceAfter"))), r.get("state"), r.get("why")});
        }
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Carry a recommendation out (a move by migration, or a power-on); waits for it unless --no-wait.")
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The recommendation, as drs recommendations lists it (drs-12).")
        String id;

        @Mixin TaskOptions task;

        @Override
        public Integer call() {
            return task.run("drs apply", "POST", "/api/v1/drs/recommendations/" + id + "/apply", null);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change DRS's settings; those not given stay as they are.")
    static final class Set implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--automation", paramLabel = "LEVEL",
                description = "manual (recommend moves and power-ons), partiallyAutomated (place at power-on, recommend moves),"
                        + " fullyAutomated (place and move).")
        String automation;

        @Option(names = "--threshold", paramLabel = "N",
                description = "Migration threshold 1 (only what rules and maintenance demand) to 5 (aggressive); 3 is the default.")
        Integer threshold;

        @Option(names = "--max-moves", paramLabel = "N", description = "Balancing moves per round at most.")
        Integer maxMoves;

        @Option(names = "--json", description = "Print the API's JSON object.")
        boolean json;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (automation != null) {
                body.put("automation", automation);
            }
            if (threshold != null) {
                body.put("threshold", threshold);
            }
            if (maxMoves != null) {
                body.put("maxMoves", maxMoves);
            }
            return ApiCall.run("drs set", dir, api -> {
                String answer = api.send("PATCH", "/api/v1/drs", Json.write(body)).body();
                if (json) {
                    System.out.println(answer);
                } else {
                    printStatus(Json.MAPPER.readTree(answer));
                }
            });
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a DRS round now instead of at the end of the period.")
    static final class Run implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON object.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.run("drs run", dir, api -> {
                String answer = api.send("POST", "/api/v1/drs/rounds", null).body();
                if (json) {
                    System.out.println(answer);
                } else {
                    printStatus(Json.MAPPER.readTree(answer));
                }
            });
        }
    }
}
