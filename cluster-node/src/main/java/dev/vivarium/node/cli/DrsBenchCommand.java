package dev.vivarium.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vivarium.drs.bench.DrsBench;
import dev.vivarium.drs.core.DrsSettings;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vivarium bench drs}: how long a DRS round takes on a large made-up cluster (no emulators). */
@Command(name = "drs", mixinStandardHelpOptions = true,
        description = {"Time DRS rounds (the balancing core alone) on a synthetic cluster: hosts of 8,000-16,000 MIPS,",
                "VMs with skewed demand placed unevenly, reservations, dirty rates and rules. Prints the median round",
                "(roundMs) over --rounds timed rounds after --warmup untimed ones, and what a round decided."})
public final class DrsBenchCommand implements Callable<Integer> {

    @Option(names = "--hosts", defaultValue = "1000", description = "Hosts (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--vms", defaultValue = "30000", description = "VMs (default ${DEFAULT-VALUE}).")
    int vms;

    @Option(names = "--rounds", defaultValue = "15", description = "Timed rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed rounds first, for the JIT (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threshold", defaultValue = "3", description = "Migration threshold 1-5 (default ${DEFAULT-VALUE}).")
    int threshold;

    @Option(names = "--max-moves", defaultValue = "8", description = "Balancing moves per round at most (default ${DEFAULT-VALUE}).")
    int maxMoves;

    @Option(names = "--place", defaultValue = "1000", description = "VMs placed at once in the placement timing (default ${DEFAULT-VALUE}).")
    int place;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic cluster (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print every figure as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        if (hosts < 2 || vms < 1 || rounds < 1 || warmup < 0 || maxMoves < 0 || place < 0) {
            System.err.println("vivarium bench drs: --hosts must be at least 2, --vms and --rounds at least 1, the others not negative");
            return 2;
        }
        DrsSettings settings;
        try {
            settings = DrsSettings.DEFAULTS.withThreshold(threshold).withMaxMoves(maxMoves);
        } catch (IllegalArgumentException e) {
            System.err.println("vivarium bench drs: " + e.getMessage());
            return 2;
        }
        if (!json) {
            System.err.printf(Locale.ROOT, "vivarium bench drs: %d hosts, %d VMs, %d + %d rounds...%n", hosts, vms, warmup, rounds);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("loadAverageAtStart", loadAverage());
        out.putAll(DrsBench.run(new DrsBench.Options(hosts, vms, rounds, warmup, settings, place, seed)));
        out.put("loadAverageAtEnd", loadAverage());
        if (json) {
            System.out.println(Json.MAPPER.writeValueAsString(out));
            return 0;
        }
        System.out.printf(Locale.ROOT, "round: median %.1f ms (%.1f-%.1f) wall, %.1f ms CPU; %s moves (%s demanded by rules),"
                        + " %s faults%n", out.get("roundMs"), out.get("roundMsMin"), out.get("roundMsMax"), out.get("roundCpuMs"),
                out.get("moves"), out.get("mandatoryMoves"), out.get("faults"));
        System.out.printf(Locale.ROOT, "imbalance %.4f -> %.4f (threshold %d tolerates %.4f)%n", out.get("imbalanceBefore"),
                out.get("imbalanceAfter"), threshold, out.get("target"));
        System.out.printf(Locale.ROOT, "placement of %s VMs at once: median %.1f ms, %s placed%n", out.get("placeBatch"),
                out.get("placeMs"), out.get("placed"));
        System.out.printf(Locale.ROOT, "%s rules; %s processors, Java %s, load average %s at start, %s at end%n", out.get("rules"),
                out.get("availableProcessors"), out.get("java"), out.get("loadAverageAtStart"), out.get("loadAverageAtEnd"));
        return 0;
    }

    /** The 1, 5 and 15 minute load averages ("unknown" without Linux's /proc). */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return String.join(" ", fields[0], fields[1], fields[2]);
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
